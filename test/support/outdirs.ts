/**
 * Cloud-assembly directories the tests synthesized, removed after each test file by the setup file
 * (test/setup/setup.ts). A registry rather than an `afterAll` in the helper module: with module
 * sharing between test files (`isolate: false`), a module-level hook would only run for the first.
 */
import { rmSync } from 'node:fs';

const outdirs: string[] = [];

export function removeAfterFile(dir: string): void {
  outdirs.push(dir);
}

export function removeOutdirs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
