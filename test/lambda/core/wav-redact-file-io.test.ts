/**
 * redactFile through a recording file system (test/support/recording-fs.ts, real files underneath):
 * what the output's bytes alone do not show.
 * - Short reads and writes, which a regular file on a local disk never returns, still give the
 *   exact bytes.
 * - Durability: the data is on disk before the name points at it, the new name is on disk before
 *   redactFile returns; the background flushes run as the pass goes and their errors are reported.
 * - Zero silence is a hole: neither read nor written; every other byte is read and written once,
 *   in blocks no larger than the buffer (memory does not grow with the file).
 * - Every descriptor is closed exactly once, whatever fails.
 * - The input checks that a coarse or unmoving change time would miss.
 */
import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  type Stats,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Channel, TimeRange } from '../../../lambda/core/wav';
import {
  FLUSH_BEHIND_BYTES,
  IO_BUFFER_BYTES,
  RedactFileError,
  type RedactFileOptions,
  redactFile,
} from '../../../lambda/core/wav-redact-file';
import { errno, type FsCall, type RecordingFsOptions, recordingFs } from '../../support/recording-fs';
import { buildWav, expectedRedaction, readInfo, type WavSpec } from '../../support/wav-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'fairlisten-redact-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RATE = 8000;
const CHANNEL_INDEX = { both: 'all', customer: 0, agent: 1 } as const;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

type Format = Pick<WavSpec, 'encoding' | 'bits'>;
const PCM16: Format = { encoding: 'pcm', bits: 16 };
const MULAW: Format = { encoding: 'mulaw', bits: 8 };
const SILENCE = { pcm: 0, mulaw: 0xff } as Record<string, number>;

/** A stereo file with chunks before and after the data. */
function smallWav(format: Format, frames: number): Uint8Array {
  return buildWav({
    ...format,
    channels: 2,
    sampleRate: RATE,
    frames,
    before: [{ id: 'LIST', size: 31 }],
    after: [{ id: 'id3 ', size: 9 }],
  });
}

/** A stereo file of `dataBytes` of audio (a 1-MiB random pattern repeated: quick to build). */
function bigWav(format: Format, dataBytes: number): Uint8Array {
  const frames = IO_BUFFER_BYTES / ((2 * format.bits) / 8);
  const pattern = buildWav({ ...format, channels: 2, sampleRate: RATE, frames });
  const { dataOffset } = readInfo(pattern);
  const out = Buffer.alloc(dataOffset + dataBytes);
  out.set(pattern.subarray(0, dataOffset));
  out.fill(pattern.subarray(dataOffset), dataOffset);
  out.writeUInt32LE(dataBytes, dataOffset - 4);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

/** A fresh directory holding `bytes` as in.wav; out.wav is the output. */
function place(bytes: Uint8Array) {
  const d = mkdtempSync(join(dir, 'case-'));
  const src = join(d, 'in.wav');
  writeFileSync(src, bytes);
  return { d, src, out: join(d, 'out.wav') };
}

/** Redacts frames [a, b) through a recording file system; resolves with the result or the error. */
async function redact(
  bytes: Uint8Array,
  frames: readonly [number, number],
  channel: Channel,
  fsOptions: RecordingFsOptions = {},
  options: RedactFileOptions = {},
) {
  const { d, src, out } = place(bytes);
  const rec = recordingFs({ in: src, out }, fsOptions);
  const ranges: TimeRange[] = [{ from: frames[0] / RATE, to: frames[1] / RATE }];
  const result = await redactFile(src, out, ranges, channel, { ...options, fs: rec.fs }).then(
    (r) => r,
    (e: unknown) => e,
  );
  return { d, src, out, rec, result };
}

function expected(bytes: Uint8Array, format: Format, frames: readonly [number, number], channel: Channel) {
  return expectedRedaction(
    bytes,
    readInfo(bytes),
    [frames],
    CHANNEL_INDEX[channel],
    SILENCE[format.encoding]!,
  );
}

/** Each descriptor opened was closed, once; no call outside its buffer or with a bad path. */
function expectTidy(rec: ReturnType<typeof recordingFs>) {
  expect(rec.misuse).toEqual([]);
  expect([...rec.open.values()]).toEqual([]);
}

/** The byte ranges the calls covered (merged) and the bytes they moved in all. */
function coverage(calls: readonly FsCall[]) {
  const merged: [number, number][] = [];
  let moved = 0;
  for (const [s, e] of calls
    .map((c) => [c.position!, c.position! + c.length!])
    .sort((x, y) => x[0]! - y[0]!)) {
    moved += e! - s!;
    const last = merged.at(-1);
    if (last && s! <= last[1]) last[1] = Math.max(last[1], e!);
    else merged.push([s!, e!]);
  }
  return { merged, moved };
}

describe('redactFile: short reads and short writes', () => {
  const caps: [string, (asked: number) => number][] = [
    ['1 byte', () => 1],
    ['3 bytes', () => 3],
    ['4,093 bytes', () => 4093],
    ['half of what was asked', (asked) => Math.ceil(asked / 2)],
  ];
  for (const [what, format, channel] of [
    ['one channel (read, silenced, written back)', PCM16, 'agent'],
    ['both channels of mu-law (written from the constant buffer)', MULAW, 'both'],
    ['both channels of 16-bit PCM (a hole)', PCM16, 'both'],
  ] as const) {
    it(`${what}: every read and write moving at most 1 byte, 3, 4,093 or half: the exact bytes and hash`, async () => {
      const bytes = smallWav(format, 3000);
      const frames = [800, 2200] as const;
      for (const [capName, cap] of caps) {
        const { out, rec, result } = await redact(
          bytes,
          frames,
          channel,
          { readCap: cap, writeCap: cap },
          { sha256: true },
        );
        const got = readFileSync(out);
        expect(Buffer.compare(got, expected(bytes, format, frames, channel)), capName).toBe(0);
        expect(result).toMatchObject({ sha256: sha(got) });
        expectTidy(rec);
        // Some calls were cut short indeed.
        expect(rec.calls.some((c) => c.op === 'read' && cap(c.length!) < c.length!)).toBe(true);
      }
    });
  }

  it('an input cut short while its header is read is refused as changed, naming where it ended', async () => {
    const { d, src, out } = place(smallWav(PCM16, 1500));
    let cut = false;
    const rec = recordingFs(
      { in: src, out },
      {
        before: (call) => {
          if (call.op === 'read' && !cut) {
            cut = true;
            truncateSync(src, 30);
          }
        },
      },
    );
    const result = await redactFile(src, out, [{ from: 0.05, to: 0.1 }], 'both', { fs: rec.fs }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(result).toBeInstanceOf(RedactFileError);
    expect(result).toMatchObject({ code: 'INPUT_CHANGED', message: `${src} ended early at 30` });
    expect(readdirSync(d)).toEqual(['in.wav']);
    expectTidy(rec);
  });
});

describe('redactFile: durability', () => {
  it('in order: created, sized, written, fsynced, closed, input checked, renamed, directory fsynced', async () => {
    const bytes = smallWav(PCM16, 4000);
    const { out, rec, result } = await redact(bytes, [1000, 3000], 'agent');
    expect(result).not.toBeInstanceOf(Error);
    expect(Buffer.compare(readFileSync(out), expected(bytes, PCM16, [1000, 3000], 'agent'))).toBe(0);
    expect(rec.steps()).toEqual([
      'open in',
      'fstat in',
      'stat out', // not the input under another name
      'open tmp',
      'fchmod tmp',
      'ftruncate tmp', // sized up front: a span left unwritten reads as zeros
      'fsync tmp', // the data is on disk …
      'close tmp',
      'stat in', // (the input did not change)
      'rename tmp → out', // … before the name points at it
      'open dir',
      'fsync dir', // and the name is on disk before redactFile returns
      'close dir',
      'close in',
    ]);
    // All the writes went to the temporary file between its sizing and its fsync.
    const at = (step: string) => rec.calls.findIndex((c) => `${c.op} ${c.file}` === step);
    const writes = rec.calls.flatMap((c, i) => (c.op === 'write' ? [[i, c.file] as const] : []));
    expect(writes.length).toBeGreaterThan(0);
    for (const [i, file] of writes) {
      expect(file).toBe('tmp');
      expect(i).toBeGreaterThan(at('ftruncate tmp'));
      expect(i).toBeLessThan(at('fsync tmp'));
    }
    expectTidy(rec);
  });

  it('fsync: false syncs nothing, not even in the background', async () => {
    const bytes = bigWav(PCM16, FLUSH_BEHIND_BYTES + IO_BUFFER_BYTES);
    const frames = [RATE, 2 * RATE] as const;
    const { out, rec } = await redact(bytes, frames, 'agent', {}, { fsync: false });
    expect(Buffer.compare(readFileSync(out), expected(bytes, PCM16, frames, 'agent'))).toBe(0);
    expect(rec.steps()).toEqual([
      'open in',
      'fstat in',
      'stat out',
      'open tmp',
      'fchmod tmp',
      'ftruncate tmp',
      'close tmp',
      'stat in',
      'rename tmp → out',
      'close in',
    ]);
    expectTidy(rec);
  });

  it(`a background fdatasync as soon as each ${FLUSH_BEHIND_BYTES / IO_BUFFER_BYTES} MiB are written; all finished before the final fsync`, async () => {
    const bytes = bigWav(PCM16, 2 * FLUSH_BEHIND_BYTES + 3 * IO_BUFFER_BYTES + 1000);
    const frames = [RATE, 2 * RATE] as const;
    const { out, rec } = await redact(bytes, frames, 'agent');
    expect(Buffer.compare(readFileSync(out), expected(bytes, PCM16, frames, 'agent'))).toBe(0);
    let since = 0;
    let last = 0;
    let flushes = 0;
    for (const c of rec.calls) {
      if (c.op === 'write') {
        since += c.length!;
        last = c.length!;
      }
      if (c.op === 'fdatasync') {
        expect(c.file).toBe('tmp');
        // Not before FLUSH_BEHIND_BYTES were written since the last one, and not a write later.
        expect(since).toBeGreaterThanOrEqual(FLUSH_BEHIND_BYTES);
        expect(since - last).toBeLessThan(FLUSH_BEHIND_BYTES);
        since = 0;
        flushes++;
      }
    }
    expect(since).toBeLessThan(FLUSH_BEHIND_BYTES);
    expect(flushes).toBe(2);
    const steps = rec.steps();
    const fsync = steps.indexOf('fsync tmp');
    expect(steps.filter((s, i) => s === 'fdatasync done tmp' && i < fsync)).toHaveLength(2);
    expectTidy(rec);
  });

  it('a write-back error a background flush reports fails the redaction: nothing written', async () => {
    const bytes = bigWav(PCM16, FLUSH_BEHIND_BYTES + IO_BUFFER_BYTES);
    const { d, rec, result } = await redact(bytes, [RATE, 2 * RATE], 'agent', {
      fdatasyncError: () => errno('EIO'),
    });
    expect(result).toMatchObject({ code: 'EIO' });
    expect(rec.steps()).toContain('fdatasync done tmp');
    expect(rec.steps()).not.toContain('rename tmp → out');
    expect(readdirSync(d)).toEqual(['in.wav']);
    expectTidy(rec);
  });

  it('a pass that fails while a flush runs closes the temporary file only once the flush is done', async () => {
    const bytes = bigWav(PCM16, FLUSH_BEHIND_BYTES + 3 * IO_BUFFER_BYTES);
    let flushed = false;
    const { d, rec, result } = await redact(bytes, [RATE, 2 * RATE], 'agent', {
      before: (call) => {
        if (call.op === 'fdatasync') flushed = true;
        else if (call.op === 'write' && flushed) throw errno('ENOSPC');
      },
    });
    expect(result).toMatchObject({ code: 'ENOSPC' });
    const steps = rec.steps();
    expect(steps.slice(steps.indexOf('fdatasync tmp'))).toEqual([
      'fdatasync tmp',
      'fdatasync done tmp',
      'close tmp',
      'unlink tmp',
      'close in',
    ]);
    expect(readdirSync(d)).toEqual(['in.wav']);
    expectTidy(rec);
  });

  it('a failing fsync of the data fails the redaction and leaves an existing output as it was', async () => {
    const bytes = smallWav(PCM16, 2000);
    const { d, src, out } = place(bytes);
    writeFileSync(out, 'previous');
    const rec = recordingFs(
      { in: src, out },
      {
        before: (call) => {
          if (call.op === 'fsync') throw errno('EIO');
        },
      },
    );
    await expect(redactFile(src, out, [{ from: 0, to: 0.1 }], 'both', { fs: rec.fs })).rejects.toMatchObject({
      code: 'EIO',
    });
    expect(readFileSync(out, 'utf8')).toBe('previous');
    expect(readdirSync(d).sort()).toEqual(['in.wav', 'out.wav']);
    expectTidy(rec);
  });

  for (const [what, op] of [
    ['cannot be opened', 'open'],
    ['cannot be fsynced', 'fsync'],
  ] as const) {
    it(`a directory that ${what} (some platforms) is no failure: the output is in place`, async () => {
      const bytes = smallWav(MULAW, 2000);
      const frames = [100, 900] as const;
      const { out, rec, result } = await redact(bytes, frames, 'both', {
        before: (call) => {
          if (call.op === op && call.file === 'dir') throw errno('EINVAL');
        },
      });
      expect(result).not.toBeInstanceOf(Error);
      expect(Buffer.compare(readFileSync(out), expected(bytes, MULAW, frames, 'both'))).toBe(0);
      expect(rec.steps().slice(rec.steps().indexOf('rename tmp → out'))).toEqual(
        op === 'open'
          ? ['rename tmp → out', 'open dir', 'close in']
          : ['rename tmp → out', 'open dir', 'fsync dir', 'close dir', 'close in'],
      );
      expectTidy(rec);
    });
  }
});

describe('redactFile: what is read and written', () => {
  const DATA = 3 * IO_BUFFER_BYTES + 1234;
  for (const [what, format, channel, hash, reads, writes] of [
    [
      'zero silence on both channels: a hole, neither read nor written',
      PCM16,
      'both',
      false,
      'around',
      'around',
    ],
    [
      'the same with the hash (computed from a zero buffer, still not written)',
      PCM16,
      'both',
      true,
      'around',
      'around',
    ],
    ['mu-law silence on both channels: written, never read', MULAW, 'both', false, 'around', 'all'],
    ['one channel: read and written', PCM16, 'agent', true, 'all', 'all'],
  ] as const) {
    it(`${what}; every other byte once, in blocks of at most IO_BUFFER_BYTES`, async () => {
      const bytes = bigWav(format, DATA);
      const stride = 2 * (format.bits / 8);
      const frames = [100_000, Math.floor(DATA / stride) - 50_000] as const;
      const { out, rec, result } = await redact(bytes, frames, channel, {}, { sha256: hash });
      const got = readFileSync(out);
      expect(Buffer.compare(got, expected(bytes, format, frames, channel))).toBe(0);
      if (hash) expect(result).toMatchObject({ sha256: sha(got) });
      const { dataOffset } = readInfo(bytes);
      const [s, e] = [dataOffset + frames[0] * stride, dataOffset + frames[1] * stride];
      expect(e - s).toBeGreaterThan(IO_BUFFER_BYTES);
      const ranges = {
        around: [
          [0, s],
          [e, bytes.length],
        ],
        all: [[0, bytes.length]],
      };
      // The pass: after the temporary file is sized (the header is read once before, to validate it).
      const pass = rec.calls.slice(rec.calls.findIndex((c) => c.op === 'ftruncate'));
      const read = coverage(pass.filter((c) => c.op === 'read'));
      const written = coverage(pass.filter((c) => c.op === 'write'));
      expect(read.merged).toEqual(ranges[reads]);
      expect(written.merged).toEqual(ranges[writes]);
      // Each byte once: what was moved is what was covered.
      const size = (m: [number, number][]) => m.reduce((n, [a, b]) => n + b - a, 0);
      expect(read.moved).toBe(size(read.merged));
      expect(written.moved).toBe(size(written.merged));
      for (const c of pass)
        if (c.op !== 'ftruncate') expect(c.length ?? 0).toBeLessThanOrEqual(IO_BUFFER_BYTES);
      expectTidy(rec);
    });
  }
});

describe('redactFile: the input must be the one validated', () => {
  /** Flips the byte at `offset` in every read that covers it after the first (the validation). */
  const changedAt = (offset: number): RecordingFsOptions => {
    let seen = false;
    return {
      afterRead: (file, bytes, position) => {
        if (file !== 'in' || offset < position || offset >= position + bytes.length) return;
        if (seen) bytes[offset - position]! ^= 0xff;
        seen = true;
      },
    };
  };
  // Before its data chunk, a chunk that ends exactly at IO_BUFFER_BYTES: the data chunk's own header
  // is in the second block the pass reads.
  const longHeader = () =>
    buildWav({
      ...PCM16,
      channels: 2,
      sampleRate: RATE,
      frames: 4000,
      before: [{ id: 'junk', size: IO_BUFFER_BYTES - 44 }],
    });

  it('a header longer than one block is copied as it is', async () => {
    const bytes = longHeader();
    expect(readInfo(bytes).dataOffset).toBe(IO_BUFFER_BYTES + 8);
    const { out, rec } = await redact(bytes, [1000, 3000], 'both');
    expect(Buffer.compare(readFileSync(out), expected(bytes, PCM16, [1000, 3000], 'both'))).toBe(0);
    expectTidy(rec);
  });

  for (const [what, bytes, offset] of [
    ['its format', () => smallWav(PCM16, 4000), 24],
    ['the data size, in the second block of a long header', longHeader, IO_BUFFER_BYTES + 5],
  ] as const) {
    it(`a header changed between its check and its copy (${what}; within one tick of the change time) is refused`, async () => {
      const { d, rec, result } = await redact(bytes(), [1000, 3000], 'both', changedAt(offset));
      expect(result).toBeInstanceOf(RedactFileError);
      expect(result).toMatchObject({ code: 'INPUT_CHANGED' });
      expect(readdirSync(d)).toEqual(['in.wav']);
      expectTidy(rec);
    });
  }

  for (const field of ['ino', 'dev', 'size', 'mtimeMs', 'ctimeMs'] as const) {
    it(`an input found at the end with another ${field}, all else equal, is refused (where the change time does not move, each field counts)`, async () => {
      const bytes = smallWav(PCM16, 2000);
      const { d, rec, result } = await redact(bytes, [100, 900], 'both', {
        stat: (file, stats) =>
          file === 'in'
            ? (Object.assign(Object.create(stats), stats, { [field]: stats[field] + 1 }) as Stats)
            : stats,
      });
      expect(result).toMatchObject({ code: 'INPUT_CHANGED' });
      expect(readdirSync(d)).toEqual(['in.wav']);
      expectTidy(rec);
    });
  }

  it('an output with the input inode number on another device is another file; on the same device, the input', async () => {
    const bytes = smallWav(PCM16, 2000);
    for (const [dev, refused] of [
      [1, false],
      [0, true],
    ] as const) {
      const { src, out } = place(bytes);
      writeFileSync(out, 'previous');
      const input = statSync(src);
      const rec = recordingFs(
        { in: src, out },
        {
          stat: (file, stats) =>
            file === 'out'
              ? (Object.assign(Object.create(stats), stats, {
                  dev: input.dev + dev,
                  ino: input.ino,
                }) as Stats)
              : stats,
        },
      );
      const result = await redactFile(src, out, [{ from: 0, to: 0.1 }], 'both', { fs: rec.fs }).then(
        (r) => r,
        (e: unknown) => e,
      );
      if (refused) {
        expect(result).toMatchObject({ code: 'SAME_FILE' });
        expect(readFileSync(out, 'utf8')).toBe('previous');
      } else {
        expect(Buffer.compare(readFileSync(out), expected(bytes, PCM16, [0, 800], 'both'))).toBe(0);
      }
      expectTidy(rec);
    }
  });

  it('a refused file or range touches nothing but the input', async () => {
    const bytes = smallWav(PCM16, 2000);
    const { d, rec, result } = await redact(bytes, [5000, 6000], 'both');
    expect(result).toMatchObject({ code: 'RANGE_OUT_OF_BOUNDS' });
    expect(rec.steps()).toEqual(['open in', 'fstat in', 'close in']);
    expect(readdirSync(d)).toEqual(['in.wav']);
    expectTidy(rec);
  });
});
