/** Reads a required environment variable once, at module load, with an error that names it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

/** A numeric environment variable; throws when missing or not a finite number. */
export function requireNumberEnv(name: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = requireEnv(name, env);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`environment variable ${name} is not a number: ${raw}`);
  return value;
}
