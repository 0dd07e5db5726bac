/**
 * redactFile against an input that changes while it is being copied (another process writing,
 * truncating or replacing it). The file system is the real one; a hook on readSync makes the
 * change just before the copy first reads past the header, after the header was validated.
 */

/**
 * redactFile against an input that changes while it is being copied (another process writing,
 * truncating or replacing it). The file system is the real one; a hook on readSync makes the
 * change just before the copy first reads past the header, after the header was validated.
 */
import fs, {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IO_BUFFER_BYTES, RedactFileError, redactFile } from '../../../lambda/core/wav-redact-file';
import { buildWav } from '../../support/wav-fixtures';

// The hook wraps node:fs's readSync in place (and syncs the ESM bindings), not through vi.mock: the
// test workers share their module graph, so the module under test may already hold node:fs.
const hook = { beforeRead: undefined as ((position: number) => void) | undefined };
const realReadSync = fs.readSync;
beforeAll(() => {
  // The module reads with (fd, buffer, offset, length, position) only.
  (fs as { readSync: unknown }).readSync = (
    fd: number,
    buffer: NodeJS.ArrayBufferView,
    offset: number,
    length: number,
    position: number,
  ) => {
    hook.beforeRead?.(position);
    return realReadSync(fd, buffer, offset, length, position);
  };
  syncBuiltinESMExports();
});
afterAll(() => {
  (fs as { readSync: unknown }).readSync = realReadSync;
  syncBuiltinESMExports();
});

const dir = mkdtempSync(join(tmpdir(), 'fairlisten-redact-changes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  hook.beforeRead = undefined;
});

// Larger than one I/O buffer, so the copy reads at IO_BUFFER_BYTES, which the header parse never does.
const wav = buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 300_000 });

/** Redacts a fresh copy of the WAV, changing the input once as the copy reaches IO_BUFFER_BYTES. */
async function redactWhile(change: (path: string, position: number) => void) {
  const d = mkdtempSync(join(dir, 'case-'));
  const src = join(d, 'in.wav');
  writeFileSync(src, wav);
  const outDir = mkdtempSync(join(dir, 'out-'));
  hook.beforeRead = (position) => {
    if (position < IO_BUFFER_BYTES) return;
    hook.beforeRead = undefined;
    change(src, position);
  };
  const err = await redactFile(src, join(outDir, 'out.wav'), [{ from: 0, to: 1 }], 'both').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(hook.beforeRead).toBeUndefined(); // the change was made
  // Nothing written: no output and no temporary file.
  expect(readdirSync(outDir)).toEqual([]);
  return err;
}

describe('redactFile on an input that changes during the pass', () => {
  it('refuses an input whose bytes are rewritten', async () => {
    const err = await redactWhile((path, position) => {
      const fd = openSync(path, 'r+');
      writeSync(fd, Buffer.from([1, 2, 3, 4]), 0, 4, position);
      closeSync(fd);
    });
    expect(err).toBeInstanceOf(RedactFileError);
    expect(err).toMatchObject({ code: 'INPUT_CHANGED', message: expect.stringMatching(/changed while/) });
  });

  it('refuses an input cut short, without waiting for bytes that never come', async () => {
    const err = await redactWhile((path, position) => truncateSync(path, position));
    expect(err).toMatchObject({
      code: 'INPUT_CHANGED',
      message: expect.stringMatching(/ended early at \d+/),
    });
  });

  it('refuses an input whose metadata alone changed (its status change time)', async () => {
    const err = await redactWhile((path) => chmodSync(path, 0o600));
    expect(err).toMatchObject({ code: 'INPUT_CHANGED' });
  });

  it('refuses an input replaced under its name by a file of the same bytes and times', async () => {
    const err = await redactWhile((path) => {
      const { atime, mtime } = statSync(path);
      const other = `${path}.new`;
      writeFileSync(other, wav);
      utimesSync(other, atime, mtime);
      renameSync(other, path);
    });
    expect(err).toMatchObject({ code: 'INPUT_CHANGED' });
  });
});
