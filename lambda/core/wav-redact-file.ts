/**
 * Local-file redaction: the fast path behind `fairlisten redact`.
 *
 * Validate first (header + ranges), then let the kernel copy the file (copy_file_range or a
 * reflink) to a temporary file next to the output, write the silence in place with positional
 * writes in bounded buffers, fsync, and rename atomically. Memory stays constant whatever the
 * file size, and a failure never leaves a partial output behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { copyFile, type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
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

/** Largest buffer used for writes and read-modify-write windows. */
export const IO_BUFFER_BYTES = 1024 * 1024;
const WRITES_IN_FLIGHT = 4;

export interface RedactFileOptions {
  /** Compute the SHA-256 of the output (read alongside the kernel copy). @default false */
  readonly sha256?: boolean;
  /** fsync the output and its directory before returning. @default true */
  readonly fsync?: boolean;
}

export interface RedactFileResult extends SilencePlan {
  readonly layout: WavLayout;
  readonly sha256?: string;
}

function fileReader(fh: FileHandle) {
  return async (offset: number, length: number) => {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  };
}

async function sameFile(inPath: string, outPath: string): Promise<boolean> {
  if (resolve(inPath) === resolve(outPath)) return true;
  const [a, b] = await Promise.all([stat(inPath), stat(outPath).catch(() => undefined)]);
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

async function writeSilence(fh: FileHandle, plan: SilencePlan): Promise<void> {
  for (const span of plan.spans) {
    if (span.width === span.stride) {
      // Whole frames: one shared constant buffer, a few positional writes in flight at once.
      const fill = Buffer.alloc(Math.min(IO_BUFFER_BYTES, span.end - span.start), span.fill);
      let next = span.start;
      const writer = async () => {
        while (next < span.end) {
          const pos = next;
          const n = Math.min(fill.length, span.end - pos);
          next += n;
          await writeFully(fh, fill, n, pos);
        }
      };
      await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, writer));
      continue;
    }
    // One channel: read whole frames, silence the channel's bytes, write them back.
    const window = Math.max(span.stride, Math.floor(IO_BUFFER_BYTES / span.stride) * span.stride);
    const buf = Buffer.alloc(Math.min(window, span.end - span.start));
    for (let pos = span.start; pos < span.end; ) {
      const n = Math.min(buf.length, span.end - pos);
      const view = buf.subarray(0, n);
      const { bytesRead } = await fh.read(view, 0, n, pos);
      if (bytesRead !== n) throw new RedactFileError('INPUT_CHANGED', `short read at ${pos} in the copy`);
      applySilence(view, pos, [span]);
      await writeFully(fh, view, n, pos);
      pos += n;
    }
  }
}

async function writeFully(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await fh.write(buf, done, length - done, position + done);
    done += bytesWritten;
  }
}

const HASH_CHUNK = 4 * IO_BUFFER_BYTES;

/**
 * SHA-256 of the output computed from the input with the silence applied in memory. It runs on
 * the main thread while the kernel copies the file, so hashing costs no extra pass over the copy;
 * the caller proves the input did not change meanwhile. Whole-frame spans are hashed from a fill
 * buffer without reading them. Reads are double-buffered so I/O overlaps hashing.
 */
async function hashRedacted(path: string, size: number, spans: readonly SilenceSpan[]): Promise<string> {
  const segments: { start: number; end: number; fill?: number }[] = [];
  let pos = 0;
  const pushRead = (end: number) => {
    for (; pos < end; pos = Math.min(end, pos + HASH_CHUNK)) {
      segments.push({ start: pos, end: Math.min(end, pos + HASH_CHUNK) });
    }
  };
  for (const span of spans) {
    if (span.width !== span.stride) continue;
    pushRead(span.start);
    for (; pos < span.end; pos = Math.min(span.end, pos + HASH_CHUNK)) {
      segments.push({ start: pos, end: Math.min(span.end, pos + HASH_CHUNK), fill: span.fill });
    }
  }
  pushRead(size);
  const fh = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buffers = [Buffer.allocUnsafe(HASH_CHUNK), Buffer.allocUnsafe(HASH_CHUNK)];
    const fills = new Map<number, Buffer>();
    const load = (i: number): Promise<Buffer> | undefined => {
      const seg = segments[i];
      if (!seg) return undefined;
      const n = seg.end - seg.start;
      if (seg.fill !== undefined) {
        const fill = fills.get(seg.fill) ?? Buffer.alloc(HASH_CHUNK, seg.fill);
        fills.set(seg.fill, fill);
        return Promise.resolve(fill.subarray(0, n));
      }
      const buf = buffers[i % 2]!.subarray(0, n);
      return readFully(fh, buf, seg.start).then(() => {
        applySilence(buf, seg.start, spans);
        return buf;
      });
    };
    let next = load(0);
    for (let i = 0; next; i++) {
      const cur = await next;
      next = load(i + 1);
      hash.update(cur);
      // Let the copy/write chain's completions run between chunks (fill chunks never wait on I/O).
      await new Promise(setImmediate);
    }
    return hash.digest('hex');
  } finally {
    await fh.close();
  }
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  for (let got = 0; got < buf.length; ) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) throw new RedactFileError('INPUT_CHANGED', `input ended early at ${position + got}`);
    got += bytesRead;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename durable; some platforms cannot open or fsync a directory, which is harmless.
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close();
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
  const input = await open(inPath, 'r');
  let layout: WavLayout;
  let head: Uint8Array;
  let plan: SilencePlan;
  let before: Stats;
  try {
    before = await input.stat();
    ({ layout, head } = await readWavLayout(fileReader(input), before.size));
    plan = planSilence(layout, ranges, channel);
  } finally {
    await input.close();
  }
  if (await sameFile(inPath, outPath)) {
    throw new RedactFileError(
      'SAME_FILE',
      `input and output are the same file (${outPath}); write to a new file`,
    );
  }

  const dir = dirname(resolve(outPath));
  const tmp = join(dir, `.${basename(outPath)}.${process.pid}.${randomBytes(6).toString('hex')}.redact-tmp`);
  let out: FileHandle | undefined;
  const sync = options.fsync ?? true;
  // Copy, silence and fsync in the thread pool while the main thread hashes: neither waits for the other.
  const writing = async () => {
    await copyFile(inPath, tmp, constants.COPYFILE_EXCL);
    out = await open(tmp, 'r+');
    const copiedHead = await fileReader(out)(0, head.length);
    if ((await out.stat()).size !== layout.fileSize || Buffer.compare(copiedHead, Buffer.from(head)) !== 0) {
      throw new RedactFileError('INPUT_CHANGED', `${inPath} changed while it was being copied`);
    }
    await writeSilence(out, plan);
    if (sync) await out.sync();
    await out.close();
    out = undefined;
  };
  try {
    const [written, hashed] = await Promise.allSettled([
      writing(),
      options.sha256 ? hashRedacted(inPath, layout.fileSize, plan.spans) : Promise.resolve(undefined),
    ]);
    if (written.status === 'rejected') throw written.reason;
    if (hashed.status === 'rejected') throw hashed.reason;
    const sha256 = hashed.value;
    // What was validated, copied and hashed must be the same bytes: the input must not have changed.
    const after = await stat(inPath);
    if (
      after.ino !== before.ino ||
      after.dev !== before.dev ||
      after.size !== before.size ||
      after.mtimeMs !== before.mtimeMs ||
      after.ctimeMs !== before.ctimeMs
    ) {
      throw new RedactFileError('INPUT_CHANGED', `${inPath} changed while it was being redacted`);
    }
    await rename(tmp, outPath);
    if (sync) await fsyncDir(dir);
    return { ...plan, layout, ...(sha256 ? { sha256 } : {}) };
  } catch (err) {
    await (out as FileHandle | undefined)?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
