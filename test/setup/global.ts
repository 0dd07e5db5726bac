/**
 * Vitest global setup (vitest.config.mts): one scratch directory per test run, shared by every
 * worker, where fixtures that are expensive to build are built once for the whole run — the default
 * app's cloud assembly (test/support/assembly.ts) is the first. Nothing is built here: a fixture is
 * built by the first test file that asks for it, so running one unrelated file costs nothing.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared fixture directory (see test/support/assembly.ts). */
    fairlistenRunDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'fairlisten-test-run-'));
  project.provide('fairlistenRunDir', dir);
  // Watch mode reruns files after a change: the next run builds its fixtures from the changed code.
  project.onTestsRerun(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
