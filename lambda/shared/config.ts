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
