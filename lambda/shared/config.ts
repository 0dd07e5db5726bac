/**
 * Building blocks of the functions' `config.ts` modules: a function's environment is parsed once,
 * at module load, by one zod schema over its variable names; a missing or bad value stops the
 * function at init with a message that names the variable (so a misconfigured function never
 * answers at all). No AWS SDK here: constructs load these modules at synth time.
 */
import { z } from 'zod';

/** A required, non-empty value (a table, bucket or function name, an id). */
export const requiredName = z.string().min(1);

/** An optional value; absent or empty means "not configured". */
export const optionalName = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** A whole number written in decimal, within `min..max`. */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be a whole number ${min}..${max}` })
        .max(max, { error: `must be a whole number ${min}..${max}` }),
    );

/** A JSON text whose value satisfies `schema`. */
export const jsonOf = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        ctx.issues.push({ code: 'custom', message: 'is not JSON', input: text });
        return z.NEVER;
      }
    })
    .pipe(schema);

/**
 * Parses `env` with `schema` (an object keyed by variable name). Errors name each variable:
 * `environment variable X is not set` or `environment variable X is invalid: …`.
 */
export function parseEnvironment<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const [name, ...rest] = issue.path.map(String);
    const value = name === undefined ? undefined : env[name];
    if (value === undefined || value === '') return `environment variable ${name} is not set`;
    const where = rest.length > 0 ? ` (${rest.join('.')})` : '';
    return `environment variable ${name} is invalid${where}: ${issue.message}`;
  });
  throw new Error([...new Set(problems)].join('; '));
}

/** Drops the entries whose value is undefined (optional resources left out of an environment). */
export function definedEntries(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * One environment variable: its name, the schema that reads it back, and how a value is written.
 * A function's variables are declared once with these, and `envVars` derives the names, the
 * environment builder, the schema shape and the reader from that one declaration.
 */
export interface EnvVar<N extends string, T> {
  readonly name: N;
  readonly schema: z.ZodType<T, string | undefined>;
  readonly write: (value: T) => string | undefined;
}

/** A required name or id, written as is. */
export const text = <const N extends string>(name: N): EnvVar<N, string> => ({
  name,
  schema: requiredName,
  write: (v) => v,
});

/** An optional name; absent means "not configured" and is left out of the environment. */
export const optionalText = <const N extends string>(name: N): EnvVar<N, string | undefined> => ({
  name,
  schema: optionalName as z.ZodType<string | undefined, string | undefined>,
  write: (v) => v,
});

/** A whole number within `min..max`, written in decimal. */
export const whole = <const N extends string>(name: N, min: number, max: number): EnvVar<N, number> => ({
  name,
  schema: wholeNumber(min, max) as z.ZodType<number, string | undefined>,
  write: String,
});

/** A value written as JSON and read back through `schema`. */
export const json = <const N extends string, S extends z.ZodType>(
  name: N,
  schema: S,
): EnvVar<N, z.output<S>> => ({
  name,
  schema: jsonOf(schema) as z.ZodType<z.output<S>, string | undefined>,
  write: (v) => JSON.stringify(v),
});

/** One of a fixed list of words. */
export const oneOf = <const N extends string, const V extends readonly [string, ...string[]]>(
  name: N,
  values: V,
): EnvVar<N, V[number]> => ({
  name,
  schema: z.enum(values) as unknown as z.ZodType<V[number], string | undefined>,
  write: (v) => v,
});

// biome-ignore lint/suspicious/noExplicitAny: a field map holds variables of any value type
type Fields = Record<string, EnvVar<string, any>>;
type ValueOf<V> = V extends EnvVar<string, infer T> ? T : never;
type RequiredKeys<F extends Fields> = {
  [K in keyof F]: undefined extends ValueOf<F[K]> ? never : K;
}[keyof F];
type OptionalKeys<F extends Fields> = Exclude<keyof F, RequiredKeys<F>>;

/** The values of a group of variables, keyed as the function's config names them. */
export type EnvValues<F extends Fields> = { [K in RequiredKeys<F>]: ValueOf<F[K]> } & {
  [K in OptionalKeys<F>]?: ValueOf<F[K]>;
};

/** The zod shape of a group: variable name → schema, to spread into a function's schema. */
export type EnvShape<F extends Fields> = { [K in keyof F as F[K]['name']]: F[K]['schema'] };

export interface EnvVarGroup<F extends Fields> {
  /** Variable names by config key (`X_ENV.bucket` → `'RECORDINGS_BUCKET'`). */
  readonly names: { readonly [K in keyof F]: F[K]['name'] };
  readonly shape: EnvShape<F>;
  /** The environment for these values; absent optional values are left out. */
  write(values: EnvValues<F>): Record<string, string>;
  /** The values back from an environment parsed with a schema that includes `shape`. */
  read(parsed: z.output<z.ZodObject<EnvShape<F>>>): EnvValues<F>;
}

/** Declares a group of variables once: names, builder, schema shape and reader follow from it. */
export function envVars<const F extends Fields>(fields: F): EnvVarGroup<F> {
  const entries = Object.entries(fields);
  return {
    names: Object.fromEntries(entries.map(([key, v]) => [key, v.name])) as EnvVarGroup<F>['names'],
    shape: Object.fromEntries(entries.map(([, v]) => [v.name, v.schema])) as EnvShape<F>,
    write(values) {
      const written = entries.map(([key, v]) => {
        const value = (values as Record<string, unknown>)[key];
        return [v.name, value === undefined ? undefined : v.write(value)] as const;
      });
      return definedEntries(Object.fromEntries(written));
    },
    read(parsed) {
      const env = parsed as Record<string, unknown>;
      return Object.fromEntries(entries.map(([key, v]) => [key, env[v.name]])) as EnvValues<F>;
    },
  };
}
