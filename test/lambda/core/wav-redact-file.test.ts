import { createHash } from 'node:crypto';
import {
  chmodSync,
  createReadStream,
  createWriteStream,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Channel,
  createSilenceTransform,
  parseWavHeader,
  planSilence,
  type TimeRange,
  WavError,
} from '../../../lambda/core/wav';
import { RedactFileError, redactFile } from '../../../lambda/core/wav-redact-file';
import {
  buildWav,
  expectedRedaction,
  expectedSilenceByte,
  type FixtureEncoding,
  FORMAT_CASES,
  readInfo,
} from '../../support/wav-fixtures';

const CORPUS = new URL('../../fixtures/corpus/wav/', import.meta.url);
const corpus = (name: string) => new URL(name, CORPUS).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fairlisten-redact-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CHANNEL_INDEX = { both: 'all', customer: 0, agent: 1 } as const;

function fresh(): string {
  return mkdtempSync(join(dir, 'case-'));
}

/** Independent silence expectations for the accepted corpus files (from WAV-FORMATS.md). */
const ACCEPTED: Record<
  string,
  { encoding: FixtureEncoding; container: number; channels: number; rate: number }
> = {
  'hound_nonstandard-02_EXTENSIBLE-validBits0.wav': {
    encoding: 'pcm',
    container: 32,
    channels: 2,
    rate: 48_000,
  },
  'hound_pcmwaveformat-16bit-44100Hz-mono-extra_LIST-INFO-before-data.wav': {
    encoding: 'pcm',
    container: 16,
    channels: 1,
    rate: 44_100,
  },
  'hound_waveformatex-8bit-11025Hz-mono_RIFF-size-mismatch.wav': {
    encoding: 'pcm',
    container: 8,
    channels: 1,
    rate: 11_025,
  },
  'hound_waveformatextensible-24bit-4byte-48kHz-stereo.wav': {
    encoding: 'pcm',
    container: 32,
    channels: 2,
    rate: 48_000,
  },
  'wavefile_16bit-8kHz-stereo_junk-before-data.wav': {
    encoding: 'pcm',
    container: 16,
    channels: 2,
    rate: 8000,
  },
  'wavefile_8bit-16kHz-bext-mono_odd-data-with-pad.wav': {
    encoding: 'pcm',
    container: 8,
    channels: 1,
    rate: 16_000,
  },
  'wavefile_8bit-alaw-8kHz-mono_fmt6.wav': { encoding: 'alaw', container: 8, channels: 1, rate: 8000 },
  'wavefile_8bit-mulaw-8kHz-mono_fmt7-fact.wav': { encoding: 'mulaw', container: 8, channels: 1, rate: 8000 },
  'wavefile_Audacity-16bit_8k-stereo_LIST-INFO+id3-after-data.wav': {
    encoding: 'pcm',
    container: 16,
    channels: 2,
    rate: 8000,
  },
  'wavefile_M1F1-int12WE-AFsp_EXTENSIBLE-8k-stereo_LIST-after-data.wav': {
    encoding: 'pcm',
    container: 16,
    channels: 2,
    rate: 8000,
  },
  'wavefile_out_32IEEE-to-8_odd-data-MISSING-pad.wav': {
    encoding: 'pcm',
    container: 8,
    channels: 1,
    rate: 16_000,
  },
  'wavefile_out_8bit-mulaw-8kHz-stereo_fmt7.wav': {
    encoding: 'mulaw',
    container: 8,
    channels: 2,
    rate: 8000,
  },
};

const REJECTED: Record<string, string> = {
  'hound_fuzz_crash-b8447179_MALFORMED-huge-fmt-size.wav': 'MALFORMED',
  'hound_fuzz_oom-48ae4cd0_MALFORMED-huge-chunk.wav': 'MALFORMED',
  'wavefile_4bit-imaadpcm-8kHz-mono_fmt0x11.wav': 'UNSUPPORTED_FORMAT',
  'wavefile_RF64-16bit-8kHz-stereo-reaper.wav': 'UNSUPPORTED_FORMAT',
  'wavefile_RIFX-16bit-8k-mono_big-endian.wav': 'UNSUPPORTED_FORMAT',
};

async function expectRejected(
  promise: Promise<unknown>,
  code: string,
  outDir: string,
  errorClass: typeof WavError | typeof RedactFileError = WavError,
) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(errorClass);
  expect((err as WavError).code).toBe(code);
  expect((err as Error).message.length).toBeGreaterThan(10);
  // No output and no temporary file left behind.
  expect(readdirSync(outDir).filter((f) => f !== 'in.wav')).toEqual([]);
}

describe('corpus', () => {
  it('classifies every corpus file', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.wav'));
    expect(files.sort()).toEqual([...Object.keys(ACCEPTED), ...Object.keys(REJECTED)].sort());
  });

  for (const [file, facts] of Object.entries(ACCEPTED)) {
    const channels: Channel[] = facts.channels === 2 ? ['both', 'agent', 'customer'] : ['both'];
    for (const channel of channels) {
      it(`${file} (${channel}) redacts exactly`, async () => {
        const input = readFileSync(corpus(file));
        const info = readInfo(input);
        expect([info.channels, info.sampleRate, info.bits]).toEqual([
          facts.channels,
          facts.rate,
          facts.container,
        ]);
        const frames = Math.floor(info.dataLength / info.blockAlign);
        // Middle third of the audio, expressed in seconds from exact frame numbers.
        const a = Math.floor(frames / 3);
        const b = Math.max(a + 1, Math.floor((2 * frames) / 3));
        const out = join(fresh(), 'out.wav');
        const r = await redactFile(
          corpus(file),
          out,
          [{ from: a / facts.rate, to: b / facts.rate }],
          channel,
          {
            sha256: true,
          },
        );
        const got = readFileSync(out);
        const silence = expectedSilenceByte(facts.encoding, facts.container);
        const expected = expectedRedaction(input, info, [[a, b]], CHANNEL_INDEX[channel], silence);
        expect(got.length).toBe(input.length);
        expect(Buffer.compare(got, expected)).toBe(0);
        expect(r.framesSilenced).toBe(b - a);
        expect(r.sha256).toBe(createHash('sha256').update(got).digest('hex'));
        // The redaction actually changed something (the source is not already silent there).
        expect(Buffer.compare(got, input)).not.toBe(0);
      });
    }
    if (facts.channels === 1) {
      it(`${file}: agent/customer on a mono file → UNSUPPORTED_CHANNEL, no output`, async () => {
        const d = fresh();
        await expectRejected(
          redactFile(corpus(file), join(d, 'out.wav'), [{ from: 0, to: 0.0001 }], 'agent'),
          'UNSUPPORTED_CHANNEL',
          d,
        );
      });
    }
  }

  it('size policy: RIFF size mismatch and missing final pad byte are accepted and flagged', async () => {
    const d = fresh();
    const mismatch = await redactFile(
      corpus('hound_waveformatex-8bit-11025Hz-mono_RIFF-size-mismatch.wav'),
      join(d, 'a.wav'),
      [{ from: 0, to: 1 }],
      'both',
    );
    expect(mismatch.layout.riffSizeMatchesFile).toBe(false);
    expect(mismatch.layout.riffSize).toBe(16_478);
    expect(mismatch.layout.dataOffset + mismatch.layout.dataLength).toBeLessThanOrEqual(
      mismatch.layout.fileSize,
    );
    const pad = await redactFile(
      corpus('wavefile_out_32IEEE-to-8_odd-data-MISSING-pad.wav'),
      join(d, 'b.wav'),
      [{ from: 0, to: 100 }],
      'both',
    );
    expect(pad.layout.dataPadMissing).toBe(true);
    expect(readFileSync(join(d, 'b.wav')).length).toBe(28_165);
  });

  for (const [file, code] of Object.entries(REJECTED)) {
    it(`${file} → ${code}, no output`, async () => {
      const d = fresh();
      await expectRejected(
        redactFile(corpus(file), join(d, 'out.wav'), [{ from: 0, to: 1 }], 'both'),
        code,
        d,
      );
    });
  }
});

describe('redactFile', () => {
  const stereo = buildWav({
    encoding: 'pcm',
    bits: 16,
    channels: 2,
    sampleRate: 8000,
    frames: 24_000,
    before: [{ id: 'LIST', size: 33 }],
    after: [{ id: 'id3 ', size: 9 }],
  });

  it('bad ranges and channels fail before anything is written', async () => {
    const d = fresh();
    const src = join(d, 'in.wav');
    writeFileSync(src, stereo);
    const out = join(d, 'out.wav');
    for (const [ranges, channel, code] of [
      [[{ from: 4, to: 5 }], 'both', 'RANGE_OUT_OF_BOUNDS'],
      [[{ from: 2, to: 1 }], 'both', 'INVALID_RANGE'],
      [[{ from: -1, to: 1 }], 'both', 'INVALID_RANGE'],
      [[{ from: Number.NaN, to: 1 }], 'both', 'INVALID_RANGE'],
      [[], 'both', 'INVALID_RANGE'],
      [[{ from: 0, to: 1 }], 'left', 'UNSUPPORTED_CHANNEL'],
    ] as const) {
      await expectRejected(redactFile(src, out, ranges, channel as Channel), code, d);
    }
  });

  it('refuses to write over its input, by path or by hard link', async () => {
    const d = fresh();
    const src = join(d, 'in.wav');
    writeFileSync(src, stereo);
    await expectRejected(redactFile(src, src, [{ from: 0, to: 1 }], 'both'), 'SAME_FILE', d, RedactFileError);
    await expectRejected(
      redactFile(src, join(d, '.', 'in.wav'), [{ from: 0, to: 1 }], 'both'),
      'SAME_FILE',
      d,
      RedactFileError,
    );
    // Another name of the same file, in another directory: found by device and inode.
    const elsewhere = fresh();
    const link = join(elsewhere, 'in.wav');
    linkSync(src, link);
    await expectRejected(
      redactFile(src, link, [{ from: 0, to: 1 }], 'both'),
      'SAME_FILE',
      elsewhere,
      RedactFileError,
    );
    expect(Buffer.compare(readFileSync(src), stereo)).toBe(0);
  });

  it('replaces an existing output atomically and leaves it untouched on failure', async () => {
    const d = fresh();
    const src = join(d, 'in.wav');
    writeFileSync(src, stereo);
    const out = join(d, 'out.wav');
    writeFileSync(out, 'previous');
    await expect(redactFile(src, out, [{ from: 9, to: 10 }], 'both')).rejects.toBeInstanceOf(WavError);
    expect(readFileSync(out, 'utf8')).toBe('previous');
    await redactFile(src, out, [{ from: 0, to: 1 }], 'both');
    expect(readFileSync(out).length).toBe(stereo.length);
    expect(readdirSync(d).sort()).toEqual(['in.wav', 'out.wav']);
  });

  it('removes its temporary file when the output directory cannot take the rename', async () => {
    const d = fresh();
    const src = join(d, 'in.wav');
    writeFileSync(src, stereo);
    // The output path is an existing non-empty directory: rename fails after the copy was made.
    const out = join(d, 'out.wav');
    mkdirSync(out);
    writeFileSync(join(out, 'inside'), 'x');
    await expect(redactFile(src, out, [{ from: 0, to: 1 }], 'both')).rejects.toMatchObject({
      code: 'EISDIR',
    });
    expect(readdirSync(d).sort()).toEqual(['in.wav', 'out.wav']);
  });

  it('fails cleanly when the output directory is not writable', async () => {
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; the missing directory case still proves cleanup.
      await expect(
        redactFile(
          corpus('wavefile_8bit-alaw-8kHz-mono_fmt6.wav'),
          join(dir, 'missing', 'o.wav'),
          [{ from: 0, to: 1 }],
          'both',
        ),
      ).rejects.toMatchObject({ code: 'ENOENT' });
      return;
    }
    const d = fresh();
    chmodSync(d, 0o500);
    try {
      await expect(
        redactFile(
          corpus('wavefile_8bit-alaw-8kHz-mono_fmt6.wav'),
          join(d, 'o.wav'),
          [{ from: 0, to: 1 }],
          'both',
        ),
      ).rejects.toMatchObject({ code: 'EACCES' });
    } finally {
      chmodSync(d, 0o700);
    }
    expect(readdirSync(d)).toEqual([]);
  });

  it('channel windows larger than the I/O buffer are silenced across buffer boundaries', async () => {
    const big = buildWav({
      encoding: 'pcm',
      bits: 24,
      channels: 2,
      sampleRate: 8000,
      frames: 400_000,
      seed: 7,
    });
    const d = fresh();
    const src = join(d, 'in.wav');
    writeFileSync(src, big);
    const out = join(d, 'out.wav');
    await redactFile(src, out, [{ from: 1.0001, to: 48.9999 }], 'customer');
    const info = readInfo(big);
    const expected = expectedRedaction(big, info, [[8000, 392_000]], 0, 0);
    expect(Buffer.compare(readFileSync(out), expected)).toBe(0);
  });

  it('property: random files, ranges and channels give exactly the expected bytes', async () => {
    const d = fresh();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FORMAT_CASES),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<Channel>('both', 'agent', 'customer'),
        fc.array(fc.record({ id: fc.constantFrom('LIST', 'junk', 'bext'), size: fc.nat(21) }), {
          maxLength: 3,
        }),
        fc.nat(),
        async (fmt, channels, frames, raw, ch, extras, seed) => {
          const channel = channels === 2 ? ch : 'both';
          const spec = { ...fmt, channels, sampleRate: 8000, frames, before: extras, after: extras, seed };
          const bytes = buildWav(spec);
          const src = join(d, 'in.wav');
          const out = join(d, 'out.wav');
          writeFileSync(src, bytes);
          const ranges = raw.map(([x, y]) => [x % frames, (x % frames) + 1 + (y % frames)] as const);
          await redactFile(
            src,
            out,
            ranges.map(([a, b]) => ({ from: a / 8000, to: b / 8000 })),
            channel,
          );
          const expected = expectedRedaction(
            bytes,
            readInfo(bytes),
            ranges,
            CHANNEL_INDEX[channel],
            expectedSilenceByte(fmt.encoding, fmt.bits),
          );
          expect(Buffer.compare(readFileSync(out), expected)).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/**
 * The file path skips zero silence (a hole in the new file), writes other silence from a constant
 * buffer and reads only the frames of a one-channel span. Its reference: the whole file streamed
 * through the silence transform, the definition the S3 rewrite uses.
 */
async function streamed(src: string, out: string, ranges: readonly TimeRange[], channel: Channel) {
  const bytes = readFileSync(src);
  const { spans } = planSilence(parseWavHeader(bytes, bytes.length), ranges, channel);
  await pipeline(createReadStream(src), createSilenceTransform(spans), createWriteStream(out));
  return readFileSync(out);
}

describe('redactFile: the one-pass file path against the streaming path', () => {
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  it('property: same bytes as the whole file streamed through the transform; the hash is of those bytes', async () => {
    const d = fresh();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FORMAT_CASES),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<Channel>('both', 'agent', 'customer'),
        fc.array(fc.record({ id: fc.constantFrom('LIST', 'junk', 'id3 '), size: fc.nat(21) }), {
          maxLength: 2,
        }),
        fc.record({ partial: fc.nat(3), omitPad: fc.boolean(), hash: fc.boolean(), seed: fc.nat() }),
        async (fmt, channels, frames, raw, ch, extras, { partial, omitPad, hash, seed }) => {
          const channel = channels === 2 ? ch : 'both';
          const bytes = buildWav({
            ...fmt,
            channels,
            sampleRate: 8000,
            frames,
            before: extras,
            after: omitPad ? [] : extras,
            partialFrameBytes: partial,
            omitDataPad: omitPad,
            seed,
          });
          const src = join(d, 'in.wav');
          writeFileSync(src, bytes);
          // Ranges may run past the end of the audio (clamped) and may end exactly at it.
          const ranges = raw.map(([x, y]) => {
            const from = x % frames;
            return { from: from / 8000, to: (from + 1 + (y % (frames + 5))) / 8000 };
          });
          const r = await redactFile(src, join(d, 'out.wav'), ranges, channel, { sha256: hash });
          const got = readFileSync(join(d, 'out.wav'));
          const expected = await streamed(src, join(d, 'ref.wav'), ranges, channel);
          expect(Buffer.compare(got, expected)).toBe(0);
          expect(r.sha256).toBe(hash ? sha(got) : undefined);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('Connect layout over several I/O buffers: both channels (a hole), each channel alone, with and without the hash', async () => {
    const d = fresh();
    const frames = 1_100_000; // 4.4 MB of data: spans cross several 1 MiB buffers
    const bytes = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 2,
      sampleRate: 8000,
      frames,
      before: [{ id: 'LIST', size: 27 }],
      after: [{ id: 'id3 ', size: 11 }],
    });
    const src = join(d, 'in.wav');
    writeFileSync(src, bytes);
    const info = readInfo(bytes);
    // Two ranges, the second running to the end of the audio.
    const ranges = [
      { from: 10, to: 40.00005 },
      { from: 100, to: 200 },
    ];
    const frameRanges = [
      [80_000, 320_001],
      [800_000, frames],
    ] as const;
    for (const channel of ['both', 'agent', 'customer'] as const) {
      for (const hash of [false, true]) {
        const out = join(d, `${channel}-${hash}.wav`);
        const r = await redactFile(src, out, ranges, channel, { sha256: hash });
        const got = readFileSync(out);
        expect(
          Buffer.compare(got, expectedRedaction(bytes, info, frameRanges, CHANNEL_INDEX[channel], 0)),
        ).toBe(0);
        expect(r.framesSilenced).toBe(240_001 + 300_000);
        expect(r.sha256).toBe(hash ? sha(got) : undefined);
      }
    }
  });

  it('a range at the very end of a file that ends with its data chunk, and a range past the end', async () => {
    const d = fresh();
    for (const fmt of [
      { encoding: 'pcm', bits: 16 },
      { encoding: 'mulaw', bits: 8 },
    ] as const) {
      const bytes = buildWav({ ...fmt, channels: 2, sampleRate: 8000, frames: 16_000 });
      const src = join(d, 'in.wav');
      writeFileSync(src, bytes);
      for (const channel of ['both', 'agent'] as const) {
        const out = join(d, 'out.wav');
        // 1.5 s to 9 s of a 2-s file: clamped to the end; the file's last byte is silence.
        await redactFile(src, out, [{ from: 1.5, to: 9 }], channel);
        const expected = expectedRedaction(
          bytes,
          readInfo(bytes),
          [[12_000, 16_000]],
          CHANNEL_INDEX[channel],
          expectedSilenceByte(fmt.encoding, fmt.bits),
        );
        const got = readFileSync(out);
        expect(got.length).toBe(bytes.length);
        expect(Buffer.compare(got, expected)).toBe(0);
        expect(
          Buffer.compare(got, await streamed(src, join(d, 'ref.wav'), [{ from: 1.5, to: 9 }], channel)),
        ).toBe(0);
      }
      rmSync(join(d, 'out.wav'));
      rmSync(join(d, 'ref.wav'));
      // From the last frame's end on, there is nothing to silence.
      await expectRejected(
        redactFile(src, join(d, 'o.wav'), [{ from: 2, to: 3 }], 'both'),
        'RANGE_OUT_OF_BOUNDS',
        d,
      );
    }
  });

  it('streaming headers: a data size of 0 has no frame to silence, 0xFFFFFFFF is a truncated file; nothing is written', async () => {
    const bytes = buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 8000 });
    const sizeAt = readInfo(bytes).dataOffset - 4;
    for (const [size, code] of [
      [0, 'RANGE_OUT_OF_BOUNDS'],
      [0xffffffff, 'MALFORMED'],
    ] as const) {
      const d = fresh();
      const streaming = Buffer.from(bytes);
      streaming.writeUInt32LE(size, sizeAt);
      // A RIFF size of 0xFFFFFFFF too, as a recorder that never finalized the header writes it.
      streaming.writeUInt32LE(0xffffffff, 4);
      writeFileSync(join(d, 'in.wav'), streaming);
      for (const channel of ['both', 'agent'] as const) {
        await expectRejected(
          redactFile(join(d, 'in.wav'), join(d, 'out.wav'), [{ from: 0, to: 0.5 }], channel, {
            sha256: true,
          }),
          code,
          d,
        );
      }
    }
  });

  it('keeps the permission bits of the input, as a copy does', async () => {
    const d = fresh();
    const src = join(d, 'in.wav');
    writeFileSync(src, buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 800 }));
    for (const mode of [0o600, 0o640, 0o755]) {
      chmodSync(src, mode);
      await redactFile(src, join(d, 'out.wav'), [{ from: 0, to: 0.05 }], 'both');
      expect(statSync(join(d, 'out.wav')).mode & 0o7777).toBe(mode);
    }
  });
});
