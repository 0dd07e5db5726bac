/**
 * Fixtures built ONCE per test run and shared by every test file and worker: the handler bundles
 * (`sharedBundles`, below), the default app's cloud assembly (test/support/assembly.ts) and the
 * simulated months the tests only read (test/support/simulation.ts). Each lives in the run's scratch directory, provided by the
 * global setup (test/setup/global.ts).
 *
 * How: the first file that asks builds the fixture under a lock (a directory created atomically,
 * holding the owner's pid) into a temporary directory, then renames it into place, so a reader never
 * sees a partial one; the other workers wait for it, and take over if its owner died. Without the
 * global setup (another vitest config), each worker builds its own copy, removed when it exits.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { inject } from 'vitest';
import { bundleAllHandlers } from '../../lib/constructs/bundling';

/** How long a worker waits for another one's build before giving up (a busy machine is slow). */
const WAIT_MS = 10 * 60_000;
const POLL_MS = 200;

let workerRunDir: string | undefined;

/** The run's shared fixture directory (or this worker's, without the global setup). */
export function runDir(): string {
  const provided = inject('fairlistenRunDir');
  if (provided) return provided;
  if (!workerRunDir) {
    const dir = mkdtempSync(join(tmpdir(), 'fairlisten-test-worker-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    workerRunDir = dir;
  }
  return workerRunDir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock's owner is gone: its pid is not running, or it never wrote one in 30 s. */
function ownerDied(lock: string): boolean {
  try {
    const pid = Number.parseInt(readFileSync(join(lock, 'pid'), 'utf8'), 10);
    return !alive(pid);
  } catch {
    try {
      return Date.now() - statSync(lock).mtimeMs > 30_000;
    } catch {
      return false; // released meanwhile
    }
  }
}

type Step = { readonly build: string } | { readonly wait: true };

/**
 * The protocol, shared by the synchronous and the asynchronous builder: yields `{ build: into }`
 * when this process owns the lock and must build into `into` (the builder's error is thrown back in,
 * releasing the lock), `{ wait }` while another process builds; returns `target` once it exists.
 */
function* once(target: string): Generator<Step, string, void> {
  const lock = `${target}.lock`;
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(target)) {
    let owner = false;
    try {
      mkdirSync(lock);
      owner = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (owner) {
      try {
        writeFileSync(join(lock, 'pid'), String(process.pid));
        if (existsSync(target)) break; // finished between our check and the lock
        const into = `${target}.${process.pid}.tmp`;
        rmSync(into, { recursive: true, force: true });
        yield { build: into };
        renameSync(into, target);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    // Another worker builds it; take over if it died while holding the lock.
    if (ownerDied(lock)) rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS / 1000} s for ${target} (lock ${lock})`);
    yield { wait: true };
  }
  return target;
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Builds `target` with `build(tmpDir)` once across processes; returns when it exists. */
export function buildOnce(target: string, build: (into: string) => void): string {
  const steps = once(target);
  let step = steps.next();
  while (!step.done) {
    if ('wait' in step.value) {
      sleep(POLL_MS);
      step = steps.next();
      continue;
    }
    try {
      build(step.value.build);
    } catch (err) {
      step = steps.throw(err);
      continue;
    }
    step = steps.next();
  }
  return step.value;
}

/** `buildOnce` for a build that is asynchronous (a simulated month); waits without blocking. */
export async function buildOnceAsync(
  target: string,
  build: (into: string) => Promise<void>,
): Promise<string> {
  const steps = once(target);
  let step = steps.next();
  while (!step.done) {
    if ('wait' in step.value) {
      await delay(POLL_MS);
      step = steps.next();
      continue;
    }
    try {
      await build(step.value.build);
    } catch (err) {
      step = steps.throw(err);
      continue;
    }
    step = steps.next();
  }
  return step.value;
}

/**
 * Every handler bundled once per run with the deployed options (`bundleAllHandlers`):
 * `<dir>/<fn>/index.mjs`, read-only. The bundled syntheses take them as their assets
 * (`PREBUILT_BUNDLES_CONTEXT`) and the simulated months run them (`prebuiltBundles`), instead of
 * an esbuild run of their own each.
 */
export function sharedBundles(): string {
  return buildOnce(join(runDir(), 'bundles'), (into) => bundleAllHandlers(into));
}
