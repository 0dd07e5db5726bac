/**
 * The process environment of the functions the simulation runs in process: a Lambda reads its
 * environment at module load and at each call, so the variables stay set from `set` until `restore`
 * (which puts back exactly what was there before the first `set` of each name).
 */
import { pathToFileURL } from 'node:url';
import type { BundledHandler } from './bundle';

export class ProcessEnv {
  private readonly saved = new Map<string, string | undefined>();

  set(vars: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(vars)) {
      if (!this.saved.has(key)) this.saved.set(key, process.env[key]);
      process.env[key] = value;
    }
  }

  restore(): void {
    for (const [key, value] of this.saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    this.saved.clear();
  }
}

/** Sets `vars` for the duration of `fn`, then restores the previous values. */
export async function withEnv<T>(vars: Readonly<Record<string, string>>, fn: () => Promise<T>): Promise<T> {
  const env = new ProcessEnv();
  env.set(vars);
  try {
    return await fn();
  } finally {
    env.restore();
  }
}

let loads = 0;

/**
 * Sets the function's environment, then loads its bundle as a fresh module (a new instance each
 * time, as a cold start) and returns its `handler`.
 */
export async function loadHandler<H>(
  env: ProcessEnv,
  bundle: BundledHandler,
  vars: Readonly<Record<string, string>>,
): Promise<H> {
  env.set(vars);
  const mod = (await import(`${pathToFileURL(bundle.file).href}?instance=${++loads}`)) as { handler: H };
  return mod.handler;
}
