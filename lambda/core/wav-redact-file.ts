/**
 * Local-file redaction: the fast path behind `fairlisten redact`.
 *
 * Validate first (header + ranges), then write a temporary file next to the output in one pass
 * over the file, fsync it and rename it atomically. A failure never leaves a partial output.
 *
 * What the pass does, cheapest first:
 * - a whole-frame span whose silence is zero bytes (PCM from 16 bits, float) is never read nor
 *   written: the temporary file is sized up front, so the span is a hole that reads as zeros,
 *   and fsync has fewer pages to write;
 * - other whole-frame spans (8-bit PCM, A-law, mu-law) are written from one constant buffer;
 * - one-channel spans are read in `IO_BUFFER_BYTES` blocks, silenced by `applySilence` (a typed
 *   view over the block) and written back;
 * - the untouched bytes are copied in `IO_BUFFER_BYTES` blocks;
 * - every few MiB written, a background fdatasync starts putting the pages on disk, so the final
 *   fsync does not wait for the whole file.
 * I/O is synchronous and positioned: the caller (a command line) has nothing else to run, and a
 * block costs one system call instead of a thread-pool round trip. Memory stays constant whatever
 * the file size.
 *
 * The SHA-256 of the output is computed only when asked for, from the very blocks being written
 * (holes from a zero buffer), so it never reads the file a second time.
 */
import { createHash, type Hash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import * as nodeFs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  applySilence,
  type Channel,
  planSilence,
  readWavLayout,
  type SilencePlan,
  type SilenceSpan,
  type TimeRange,
  type WavLayout,
} from './wav';

export type RedactFileErrorCode = 'SAME_FILE' | 'INPUT_CHANGED';

export class RedactFileError extends Error {
  override readonly name = 'RedactFileError';
  constructor(
    readonly code: RedactFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Size of the copy and read-modify-write blocks (small enough to stay in a core's cache). */
export const IO_BUFFER_BYTES = 1024 * 1024;

/**
 * The file-system calls the pass makes, with the arguments it passes. node:fs is one; a test passes
 * a wrapper to see the calls in order or to shape their results (short reads and writes, a failing
 * flush), which a regular file on a local disk never shows.
 */
export interface RedactFileSystem {
  openSync(path: string, flags: 'r' | 'wx', mode?: number): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): Stats;
  statSync(path: string, options: { throwIfNoEntry: false }): Stats | undefined;
  fchmodSync(fd: number, mode: number): void;
  ftruncateSync(fd: number, length: number): void;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fdatasync(fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
  fsyncSync(fd: number): void;
  renameSync(oldPath: string, newPath: string): void;
  unlinkSync(path: string): void;
}

export interface RedactFileOptions {
  /** Compute the SHA-256 of the output from the blocks as they are written. @default false */
  readonly sha256?: boolean;
  /** fsync the output and its directory before returning. @default true */
  readonly fsync?: boolean;
  /** The file system to use. @default node:fs */
  readonly fs?: RedactFileSystem;
}

export interface RedactFileResult extends SilencePlan {
  readonly layout: WavLayout;
  readonly sha256?: string;
}

function readFully(fs: RedactFileSystem, fd: number, buf: Uint8Array, position: number, what: string): void {
  for (let got = 0; got < buf.length; ) {
    const n = fs.readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) throw new RedactFileError('INPUT_CHANGED', `${what} ended early at ${position + got}`);
    got += n;
  }
}

function writeFully(fs: RedactFileSystem, fd: number, buf: Uint8Array, position: number): void {
  for (let done = 0; done < buf.length; ) {
    done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Bytes written between two background flushes. */
export const FLUSH_BEHIND_BYTES = 8 * IO_BUFFER_BYTES;

interface FlushBehind {
  wrote(bytes: number): void;
  /** Waits for the flushes started; throws the first write-back error one of them reported. */
  settle(): Promise<void>;
}

/**
 * Starts writing the output's pages to disk while the pass goes on: every FLUSH_BEHIND_BYTES
 * written, an fdatasync in the thread pool, so the disk works while the main thread copies and
 * the final fsync has little left to wait for. A flush resolves with its error instead of
 * rejecting: once one flush reported a write-back error, a later fsync of the same descriptor
 * would not report it again, so `settle` must.
 */
function flushBehind(fs: RedactFileSystem, fd: number): FlushBehind {
  const flushes: Promise<NodeJS.ErrnoException | null>[] = [];
  let unflushed = 0;
  return {
    wrote(bytes) {
      unflushed += bytes;
      if (unflushed < FLUSH_BEHIND_BYTES) return;
      unflushed = 0;
      flushes.push(new Promise((done) => fs.fdatasync(fd, done)));
    },
    async settle() {
      const failed = (await Promise.all(flushes)).find((err) => err);
      if (failed) throw failed;
    },
  };
}

/** Whether `outPath` names the file open as the input (by any path or hard link). */
function sameFile(fs: RedactFileSystem, input: Stats, outPath: string): boolean {
  const out = fs.statSync(outPath, { throwIfNoEntry: false });
  return out !== undefined && out.dev === input.dev && out.ino === input.ino;
}

/** The one pass: copies `input` to `out` (already sized) with `spans` silenced. */
function writeRedacted(
  fs: RedactFileSystem,
  input: number,
  out: number,
  layout: WavLayout,
  head: Uint8Array,
  spans: readonly SilenceSpan[],
  hash: Hash | undefined,
  inPath: string,
  flush: FlushBehind | undefined,
): void {
  const buf = Buffer.allocUnsafeSlow(IO_BUFFER_BYTES);
  const write = (view: Buffer, position: number) => {
    writeFully(fs, out, view, position);
    flush?.wrote(view.length);
  };
  // Every span of a plan has the format's silence byte: one constant buffer serves them all.
  let fill: Buffer | undefined;
  // Copies [from, to) block by block; with a one-channel `span`, silences it in each block on the way.
  const copy = (from: number, to: number, span?: SilenceSpan) => {
    for (let pos = from; pos < to; ) {
      const view = buf.subarray(0, Math.min(IO_BUFFER_BYTES, to - pos));
      readFully(fs, input, view, pos, inPath);
      if (pos < layout.headerLength) {
        // The header that was validated must be the one written: the input must not have changed.
        const n = Math.min(view.length, layout.headerLength - pos);
        if (Buffer.compare(view.subarray(0, n), head.subarray(pos, pos + n)) !== 0) {
          throw new RedactFileError('INPUT_CHANGED', `${inPath} changed while it was being redacted`);
        }
      }
      if (span) applySilence(view, pos, [span]);
      write(view, pos);
      hash?.update(view);
      pos += view.length;
    }
  };
  let pos = 0;
  for (const span of spans) {
    copy(pos, span.start);
    if (span.width === span.stride) {
      // Whole frames, from the constant buffer; zero silence is not written at all: the file was
      // sized up front, so the span is a hole that reads as zeros.
      fill ??= Buffer.alloc(Math.min(IO_BUFFER_BYTES, layout.fileSize), span.fill);
      for (let p = span.start; p < span.end; ) {
        const view = fill.subarray(0, Math.min(fill.length, span.end - p));
        if (span.fill !== 0) write(view, p);
        hash?.update(view);
        p += view.length;
      }
    } else {
      // One channel: its frames are read, silenced in the block (a block may cut a frame: the
      // silence is placed by file offset) and written back.
      copy(span.start, span.end, span);
    }
    pos = span.end;
  }
  copy(pos, layout.fileSize);
}

function fsyncDir(fs: RedactFileSystem, dir: string): void {
  // Makes the rename durable; some platforms cannot open or fsync a directory, which is harmless.
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // harmless, as above
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Whether the file named `after` is still the one read, unchanged. Where every change moves the
 * status change time (Linux), `ctimeMs` alone would do; the other fields catch it where the time
 * does not move (a coarse or missing change time, another file put under the name).
 */
function unchanged(before: Stats, after: Stats | undefined): boolean {
  return (
    after !== undefined &&
    after.ino === before.ino &&
    after.dev === before.dev &&
    after.size === before.size &&
    after.mtimeMs === before.mtimeMs &&
    after.ctimeMs === before.ctimeMs
  );
}

/**
 * Writes `outPath` = `inPath` with `ranges` silenced on `channel`. Throws `WavError` (bad file or
 * ranges) or `RedactFileError` before anything is written; on any later error the temporary file
 * is removed and `outPath` is left as it was.
 */
export async function redactFile(
  inPath: string,
  outPath: string,
  ranges: readonly TimeRange[],
  channel: Channel,
  options: RedactFileOptions = {},
): Promise<RedactFileResult> {
  const fs = options.fs ?? nodeFs;
  const input = fs.openSync(inPath, 'r');
  let out: number | undefined;
  let tmp: string | undefined;
  let flush: FlushBehind | undefined;
  try {
    const before = fs.fstatSync(input);
    const { layout, head } = await readWavLayout(async (offset, length) => {
      // Asked for bytes inside the size just read only: fewer would mean the file changed.
      const b = Buffer.alloc(length);
      readFully(fs, input, b, offset, inPath);
      return b;
    }, before.size);
    const plan = planSilence(layout, ranges, channel);
    if (sameFile(fs, before, outPath)) {
      throw new RedactFileError(
        'SAME_FILE',
        `input and output are the same file (${outPath}); write to a new file`,
      );
    }
    const dir = dirname(resolve(outPath));
    const name = join(
      dir,
      `.${basename(outPath)}.${process.pid}.${randomBytes(6).toString('hex')}.redact-tmp`,
    );
    // Created new (never someone else's file), with the input's permission bits, as a copy would be.
    out = fs.openSync(name, 'wx', before.mode & 0o777);
    tmp = name;
    fs.fchmodSync(out, before.mode & 0o7777);
    fs.ftruncateSync(out, layout.fileSize);
    const hash = options.sha256 ? createHash('sha256') : undefined;
    const sync = options.fsync ?? true;
    if (sync) flush = flushBehind(fs, out);
    writeRedacted(fs, input, out, layout, head, plan.spans, hash, inPath, flush);
    await flush?.settle();
    if (sync) fs.fsyncSync(out);
    fs.closeSync(out);
    out = undefined;
    // What was validated and copied must be the same bytes: the input must not have changed. Its
    // name is looked up again: still the file opened (same device and inode), so the same status.
    if (!unchanged(before, fs.statSync(inPath, { throwIfNoEntry: false }))) {
      throw new RedactFileError('INPUT_CHANGED', `${inPath} changed while it was being redacted`);
    }
    fs.renameSync(tmp, outPath);
    tmp = undefined;
    if (sync) fsyncDir(fs, dir);
    return { ...plan, layout, ...(hash ? { sha256: hash.digest('hex') } : {}) };
  } catch (err) {
    // No flush may still be using the descriptor when it is closed (its number could be reused).
    await flush?.settle().catch(() => undefined);
    if (out !== undefined) {
      try {
        fs.closeSync(out);
      } catch {
        // The error being thrown is the one to report.
      }
    }
    if (tmp !== undefined) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // The error being thrown is the one to report.
      }
    }
    throw err;
  } finally {
    fs.closeSync(input);
  }
}
