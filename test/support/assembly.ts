/**
 * The default app's cloud assembly, synthesized ONCE per test run and shared by every test file and
 * worker: what `cdk synth` writes for the default policy (functions and workspace app bundled), without
 * the cdk-nag validation plugins. A bundled synth costs seconds of CPU; the compliance report, the
 * `report` and `start` commands and the fingerprint tests all read the same files.
 *
 *   const dir = synthesizedAssembly();                  // the cdk.out directory
 *   const template = synthesizedTemplate();             // aws-cdk-lib/assertions Template of a stack
 *   const json = synthesizedTemplateJson('Fairlisten'); // its parsed JSON (a fresh copy every call)
 *
 * The directory is READ-ONLY for tests: copy it (`cpSync`) or the parsed JSON (`structuredClone`)
 * before changing anything, and write outputs elsewhere. A test that needs the construct objects
 * (`stack.audit`, `getLogicalId`) or another policy keeps `synthStack` (test/support/synth.ts).
 *
 * How: the global setup (test/setup/global.ts) provides a scratch directory for the run; the first
 * file that asks synthesizes into it under a lock (a directory created atomically, holding the
 * owner's pid), then renames the finished assembly into place, so a reader never sees a partial one;
 * the other workers wait for it. Without the global setup (another vitest config), each worker
 * synthesizes its own copy, removed when the worker exits.
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
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { buildApp } from '../../lib/app';
import { defaultPolicy } from '../../lib/policy/load';

/** The stack id of the default policy's stack (no stage). */
export const DEFAULT_STACK = 'Fairlisten';

/** How long a worker waits for another one's synth before giving up (a busy machine is slow). */
const WAIT_MS = 10 * 60_000;

let workerRunDir: string | undefined;
const templates = new Map<string, string>();

function runDir(): string {
  const provided = inject('fairlistenRunDir');
  if (provided) return provided;
  if (!workerRunDir) {
    const dir = mkdtempSync(join(tmpdir(), 'fairlisten-test-worker-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    workerRunDir = dir;
  }
  return workerRunDir;
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

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

/** Builds `target` with `build(tmpDir)` once across processes; returns when it exists. */
function buildOnce(target: string, build: (into: string) => void): string {
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
        build(into);
        renameSync(into, target);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    // Another worker builds it; take over if it died while holding the lock.
    if (ownerDied(lock)) rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS / 1000} s for ${target} (lock ${lock})`);
    sleep(200);
  }
  return target;
}

/** The shared cloud assembly directory of the default app (bundled, no cdk-nag plugins); read-only. */
export function synthesizedAssembly(): string {
  return buildOnce(join(runDir(), 'assembly-default'), (into) => {
    const { app } = buildApp(defaultPolicy(), { nag: false, appProps: { outdir: into } });
    app.synth();
  });
}

/** The parsed template of `stackName` in the shared assembly: a fresh copy the caller may change. */
export function synthesizedTemplateJson(stackName = DEFAULT_STACK): Record<string, unknown> {
  let text = templates.get(stackName);
  if (text === undefined) {
    text = readFileSync(join(synthesizedAssembly(), `${stackName}.template.json`), 'utf8');
    templates.set(stackName, text);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** `Template.fromJSON` of `stackName` in the shared assembly, for `hasResourceProperties` and friends. */
export function synthesizedTemplate(stackName = DEFAULT_STACK): Template {
  return Template.fromJSON(synthesizedTemplateJson(stackName));
}
