/**
 * redactFile against an input that changes while it is being copied (another process writing,
 * truncating, removing or replacing it). The file system is the real one, seen through
 * redactFile's `fs` option: the change is made just before the copy first reads past the header,
 * after the header was validated.
 */
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IO_BUFFER_BYTES, RedactFileError, redactFile } from '../../../lambda/core/wav-redact-file';
import { recordingFs } from '../../support/recording-fs';
import { buildWav } from '../../support/wav-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'fairlisten-redact-changes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Larger than one I/O buffer, so the copy reads at IO_BUFFER_BYTES, which the header parse never does.
const wav = buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 300_000 });

/** Redacts a fresh copy of the WAV, changing the input once as the copy reaches IO_BUFFER_BYTES. */
async function redactWhile(change: (path: string, position: number) => void) {
  const d = mkdtempSync(join(dir, 'case-'));
  const src = join(d, 'in.wav');
  writeFileSync(src, wav);
  const outDir = mkdtempSync(join(dir, 'out-'));
  const out = join(outDir, 'out.wav');
  let changed = false;
  const rec = recordingFs(
    { in: src, out },
    {
      before: (call) => {
        if (changed || call.op !== 'read' || call.position! < IO_BUFFER_BYTES) return;
        changed = true;
        change(src, call.position!);
      },
    },
  );
  const err = await redactFile(src, out, [{ from: 0, to: 1 }], 'both', { fs: rec.fs }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(changed).toBe(true);
  // Nothing written: no output and no temporary file; every descriptor closed.
  expect(readdirSync(outDir)).toEqual([]);
  expect(rec.misuse).toEqual([]);
  expect([...rec.open.values()]).toEqual([]);
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

  it('refuses an input cut short, without waiting for bytes that never come, and says where it ended', async () => {
    let end = 0;
    const err = await redactWhile((path, position) => {
      // Inside the block about to be read: its first read returns what is left, the next none.
      end = position + 1000;
      truncateSync(path, end);
    });
    expect(err).toMatchObject({
      code: 'INPUT_CHANGED',
      message: expect.stringMatching(new RegExp(`ended early at ${end}$`)),
    });
  });

  it('refuses an input removed during the pass', async () => {
    const err = await redactWhile((path) => unlinkSync(path));
    expect(err).toBeInstanceOf(RedactFileError);
    expect(err).toMatchObject({ code: 'INPUT_CHANGED' });
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
