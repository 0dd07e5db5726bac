import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applySilence,
  type Channel,
  createSilenceTransform,
  frameRange,
  MAX_HEADER_BYTES,
  parseFmt,
  parseWavHeader,
  planSilence,
  readWavLayout,
  tryParseWavHeader,
  WavError,
  type WavLayout,
} from '../../../lambda/core/wav';
import {
  buildWav,
  expectedRedaction,
  expectedSilenceByte,
  FORMAT_CASES,
  readInfo,
  type WavSpec,
} from '../../support/wav-fixtures';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof WavError) return err.code;
    throw err;
  }
  return undefined;
}

function layoutOf(bytes: Uint8Array): WavLayout {
  return parseWavHeader(bytes, bytes.length);
}

function redactInMemory(bytes: Uint8Array, ranges: { from: number; to: number }[], channel: Channel) {
  const plan = planSilence(layoutOf(bytes), ranges, channel);
  const out = Uint8Array.from(bytes);
  applySilence(out, 0, plan.spans);
  return { out, plan };
}

const CHANNEL_INDEX = { both: 'all', customer: 0, agent: 1 } as const;

describe('parseWavHeader: every supported format', () => {
  for (const fmt of FORMAT_CASES) {
    for (const channels of [1, 2]) {
      const name = `${fmt.encoding} ${fmt.bits}-bit${fmt.extensible ? ` EXTENSIBLE(valid ${fmt.extensible.validBits})` : ''} ${channels}ch`;
      it(`${name}: silence byte and layout`, () => {
        const spec: WavSpec = {
          ...fmt,
          channels,
          sampleRate: 8000,
          frames: 801,
          before: [
            { id: 'LIST', size: 27 },
            { id: 'junk', size: 4 },
          ],
          after: [{ id: 'id3 ', size: 13 }],
        };
        const bytes = buildWav(spec);
        const layout = layoutOf(bytes);
        const info = readInfo(bytes);
        expect(layout.format.silenceByte).toBe(expectedSilenceByte(fmt.encoding, fmt.bits));
        expect(layout.format.encoding).toBe(fmt.encoding);
        expect(layout.format.channels).toBe(channels);
        expect(layout.format.bytesPerSample).toBe(fmt.bits / 8);
        expect(layout.format.validBits).toBe(fmt.extensible?.validBits || fmt.bits);
        expect(layout.dataOffset).toBe(info.dataOffset);
        expect(layout.frames).toBe(801);
        expect(layout.chunks.map((c) => c.id)).toEqual(['fmt ', 'LIST', 'junk', 'data']);

        const channel: Channel = channels === 2 ? 'agent' : 'both';
        const { out, plan } = redactInMemory(bytes, [{ from: 0.01, to: 0.05 }], channel);
        expect(plan.framesSilenced).toBe(320);
        const expected = expectedRedaction(
          bytes,
          info,
          [[80, 400]],
          CHANNEL_INDEX[channel],
          expectedSilenceByte(fmt.encoding, fmt.bits),
        );
        expect(Buffer.compare(out, expected)).toBe(0);
      });
    }
  }

  it('accepts chunks before fmt, odd chunks with pad bytes, and keeps trailing chunks', () => {
    const bytes = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 2,
      sampleRate: 8000,
      frames: 100,
      extrasBeforeFmt: true,
      before: [
        { id: 'bext', size: 603 },
        { id: 'fact', size: 4 },
        { id: 'LIST', size: 1 },
      ],
      after: [{ id: 'LIST', size: 5 }],
    });
    const layout = layoutOf(bytes);
    expect(layout.chunks.map((c) => c.id)).toEqual(['bext', 'fact', 'LIST', 'fmt ', 'data']);
    expect(layout.dataOffset).toBe(readInfo(bytes).dataOffset);
  });

  it('leaves a trailing partial frame untouched', () => {
    const bytes = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 2,
      sampleRate: 8000,
      frames: 10,
      partialFrameBytes: 3,
    });
    const layout = layoutOf(bytes);
    expect(layout.frames).toBe(10);
    const { out } = redactInMemory(bytes, [{ from: 0, to: 1 }], 'both');
    expect(out.subarray(layout.dataOffset, layout.dataOffset + 40).every((b) => b === 0)).toBe(true);
    expect(Buffer.compare(out.subarray(layout.dataOffset + 40), bytes.subarray(layout.dataOffset + 40))).toBe(
      0,
    );
  });

  it('accepts an odd data chunk missing its final pad byte, and flags it', () => {
    const bytes = buildWav({
      encoding: 'pcm',
      bits: 8,
      channels: 1,
      sampleRate: 8000,
      frames: 101,
      omitDataPad: true,
    });
    expect(bytes.length % 2).toBe(1);
    const layout = layoutOf(bytes);
    expect(layout.dataPadMissing).toBe(true);
    expect(layout.dataOffset + layout.dataLength).toBe(bytes.length);
  });

  it('accepts a RIFF size that disagrees with the file and flags it (size policy)', () => {
    const bytes = buildWav({ encoding: 'pcm', bits: 16, channels: 1, sampleRate: 8000, frames: 10 });
    for (const riff of [0, 1, bytes.length, 0xffffffff]) {
      const lying = Uint8Array.from(bytes);
      new DataView(lying.buffer).setUint32(4, riff, true);
      const layout = layoutOf(lying);
      expect(layout.riffSizeMatchesFile).toBe(false);
      expect(layout.frames).toBe(10);
    }
  });
});

const hex = (n: number) => `0x${n.toString(16)}`;

describe('parseWavHeader: rejects what it cannot silence safely', () => {
  const good = buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 50 });
  const info = readInfo(good);
  const patched = (at: number, value: number, width: 2 | 4 = 2) => {
    const b = Uint8Array.from(good);
    const dv = new DataView(b.buffer);
    if (width === 2) dv.setUint16(at, value, true);
    else dv.setUint32(at, value, true);
    return b;
  };
  const ascii = (s: string, at: number) => {
    const b = Uint8Array.from(good);
    for (let i = 0; i < 4; i++) b[at + i] = s.charCodeAt(i);
    return b;
  };
  const fmtAt = 12 + 8;
  // Each case names the check that must fire, not only the error code: several checks share a code.
  const cases: [string, Uint8Array, string, string][] = [
    ['RIFX', ascii('RIFX', 0), 'UNSUPPORTED_FORMAT', 'RIFX (big-endian RIFF) is not supported'],
    ['RF64', ascii('RF64', 0), 'UNSUPPORTED_FORMAT', 'RF64 (64-bit RIFF) is not supported'],
    ['not RIFF', ascii('OggS', 0), 'MALFORMED', 'not a RIFF file'],
    ['RIFF but AVI', ascii('AVI ', 8), 'UNSUPPORTED_FORMAT', 'RIFF form "AVI " is not WAVE'],
    [
      'MS ADPCM',
      patched(fmtAt, 2),
      'UNSUPPORTED_FORMAT',
      'format 0x0002 (MS ADPCM) is not supported; supported: PCM, IEEE float, A-law, mu-law (plain or EXTENSIBLE)',
    ],
    ['MP3', patched(fmtAt, 0x55), 'UNSUPPORTED_FORMAT', 'format 0x0055 (MP3) is not supported'],
    ['0 channels', patched(fmtAt + 2, 0), 'MALFORMED', 'fmt declares 0 channels'],
    ['0 Hz', patched(fmtAt + 4, 0, 4), 'MALFORMED', 'fmt declares a sample rate of 0'],
    [
      'blockAlign not a multiple of channels',
      patched(fmtAt + 12, 3),
      'MALFORMED',
      'fmt blockAlign 3 is not a multiple of 2 channels',
    ],
    [
      'blockAlign disagrees with bits',
      patched(fmtAt + 12, 8),
      'UNSUPPORTED_FORMAT',
      'PCM: 16 bits in a 4-byte container is not supported',
    ],
    [
      '4-bit PCM',
      patched(fmtAt + 14, 4),
      'UNSUPPORTED_FORMAT',
      'PCM: 4 bits in a 2-byte container is not supported',
    ],
    [
      'data claims more than the file',
      patched(info.dataOffset - 4, info.dataLength + 1, 4),
      'MALFORMED',
      'data chunk declares 201 bytes but only 200 remain (truncated)',
    ],
    [
      'data size 0xFFFFFFFF',
      patched(info.dataOffset - 4, 0xffffffff, 4),
      'MALFORMED',
      'data chunk declares 4294967295 bytes but only 200 remain (truncated)',
    ],
    [
      'fmt size past the end',
      patched(16, 0xfffffff0, 4),
      'MALFORMED',
      'chunk "fmt " at offset 12 declares 4294967280 bytes, past the end of the file',
    ],
    ['fmt too small', patched(16, 14, 4), 'MALFORMED', 'fmt chunk is 14 bytes, expected at least 16'],
    [
      'truncated in the data',
      good.subarray(0, good.length - 1),
      'MALFORMED',
      'data chunk declares 200 bytes but only 199 remain (truncated)',
    ],
    ['truncated before data', good.subarray(0, info.dataOffset - 2), 'MALFORMED', 'no data chunk'],
    ['truncated header', good.subarray(0, 8), 'MALFORMED', 'file is 8 bytes, shorter than a RIFF header'],
    ['empty', new Uint8Array(0), 'MALFORMED', 'file is 0 bytes, shorter than a RIFF header'],
    ['missing fmt', ascii('fmtX', 12), 'MALFORMED', 'data chunk comes before (or without) a fmt chunk'],
    ['garbage chunk id', patched(12, 0x0001, 2), 'MALFORMED', 'invalid chunk id at offset 12'],
  ];
  for (const [name, bytes, expected, message] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(code(() => parseWavHeader(bytes, bytes.length))).toBe(expected);
      expect(() => parseWavHeader(bytes, bytes.length)).toThrow(message);
    });
  }

  it('an unknown format with 8-bit samples is refused, not silenced as if it were G.711', () => {
    for (const tag of [0x0002, 0x0011, 0x0031, 0x0004, 0x0008]) {
      const b = buildWav({ encoding: 'mulaw', bits: 8, channels: 1, sampleRate: 8000, frames: 4 });
      new DataView(b.buffer).setUint16(fmtAt, tag, true);
      expect(
        code(() => parseWavHeader(b, b.length)),
        hex(tag),
      ).toBe('UNSUPPORTED_FORMAT');
      expect(() => parseWavHeader(b, b.length)).toThrow(`format 0x${tag.toString(16).padStart(4, '0')}`);
    }
    const ext = buildWav({
      encoding: 'pcm',
      bits: 8,
      channels: 1,
      sampleRate: 8000,
      frames: 4,
      extensible: { validBits: 8 },
    });
    new DataView(ext.buffer).setUint16(fmtAt + 24, 0x0002, true);
    expect(() => parseWavHeader(ext, ext.length)).toThrow(
      'format 0x0002 (MS ADPCM) in EXTENSIBLE is not supported',
    );
  });

  it('a chunk before data that runs past the end of the file is named as such', () => {
    const b = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 1,
      sampleRate: 8000,
      frames: 4,
      before: [{ id: 'LIST', size: 10 }],
      extrasBeforeFmt: true,
    });
    const dv = new DataView(b.buffer);
    dv.setUint32(16, b.length - 19, true);
    expect(() => parseWavHeader(b, b.length)).toThrow(
      `chunk "LIST" at offset 12 declares ${b.length - 19} bytes, past the end of the file`,
    );
    // Ending exactly at the end of the file, it fits: the file then lacks its fmt and data chunks.
    dv.setUint32(16, b.length - 20, true);
    expect(() => parseWavHeader(b, b.length)).toThrow('no fmt chunk and no data chunk');
  });

  it('data before fmt → MALFORMED', () => {
    const b = Uint8Array.from(good);
    b.set([0x64, 0x61, 0x74, 0x61], 12); // rename fmt → data
    expect(code(() => parseWavHeader(b, b.length))).toBe('MALFORMED');
  });

  it('two fmt chunks → MALFORMED', () => {
    const fmt = good.subarray(12, 36);
    const b = new Uint8Array(good.length + fmt.length);
    b.set(good.subarray(0, 36));
    b.set(fmt, 36);
    b.set(good.subarray(36), 60);
    expect(code(() => parseWavHeader(b, b.length))).toBe('MALFORMED');
  });

  it('EXTENSIBLE with a non-standard subformat GUID or ADPCM subformat → UNSUPPORTED_FORMAT', () => {
    const ext = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 1,
      sampleRate: 8000,
      frames: 4,
      extensible: { validBits: 16 },
    });
    const guid = Uint8Array.from(ext);
    guid[20 + 30] = 0x42;
    expect(code(() => parseWavHeader(guid, guid.length))).toBe('UNSUPPORTED_FORMAT');
    const adpcm = Uint8Array.from(ext);
    adpcm[20 + 24] = 0x11;
    expect(code(() => parseWavHeader(adpcm, adpcm.length))).toBe('UNSUPPORTED_FORMAT');
    const valid = Uint8Array.from(ext);
    valid[20 + 18] = 17;
    expect(code(() => parseWavHeader(valid, valid.length))).toBe('MALFORMED');
  });

  it('float with 16 bits → UNSUPPORTED_FORMAT; fmt shorter than 16 → MALFORMED', () => {
    const body = new Uint8Array(16);
    const dv = new DataView(body.buffer);
    dv.setUint16(0, 3, true);
    dv.setUint16(2, 1, true);
    dv.setUint32(4, 8000, true);
    dv.setUint16(12, 2, true);
    dv.setUint16(14, 16, true);
    expect(code(() => parseFmt(body))).toBe('UNSUPPORTED_FORMAT');
    expect(code(() => parseFmt(body.subarray(0, 15)))).toBe('MALFORMED');
  });

  it('rejects pre-data chunks larger than the header cap', () => {
    const big = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 1,
      sampleRate: 8000,
      frames: 1,
      before: [{ id: 'LIST', size: MAX_HEADER_BYTES }],
    });
    expect(code(() => parseWavHeader(big, big.length))).toBe('MALFORMED');
  });
});

describe('readWavLayout: incremental header reads', () => {
  it('reads only a small prefix of a huge file', async () => {
    const header = buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 0 });
    const dataSize = 3_000_000_000;
    new DataView(header.buffer).setUint32(header.length - 4, dataSize, true);
    const fileSize = header.length + dataSize;
    let read = 0;
    const { layout } = await readWavLayout(async (offset, length) => {
      read += length;
      const out = new Uint8Array(length);
      out.set(header.subarray(offset, offset + length));
      return out;
    }, fileSize);
    expect(layout.frames).toBe(750_000_000);
    expect(read).toBeLessThanOrEqual(4096);
  });

  it('grows the read when pre-data chunks exceed the first read, up to the cap', async () => {
    const bytes = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 1,
      sampleRate: 8000,
      frames: 3,
      extrasBeforeFmt: true,
      before: [{ id: 'bext', size: 300_001 }],
    });
    const reads: number[] = [];
    const { layout } = await readWavLayout(async (offset, length) => {
      reads.push(length);
      return bytes.subarray(offset, offset + length);
    }, bytes.length);
    expect(layout.frames).toBe(3);
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_HEADER_BYTES + 8);
  });

  it('reads a header whose data chunk header ends exactly at the cap, in reads that stop there', async () => {
    // RIFF (12) + fmt (24) + LIST (8 + size): the data chunk starts at the cap, its header ends 8 later.
    const bytes = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 1,
      sampleRate: 8000,
      frames: 1,
      before: [{ id: 'LIST', size: MAX_HEADER_BYTES - 44 }],
    });
    const reads: [number, number][] = [];
    const { layout, head } = await readWavLayout(async (offset, length) => {
      reads.push([offset, length]);
      return bytes.subarray(offset, offset + length);
    }, bytes.length);
    expect(layout.dataOffset).toBe(MAX_HEADER_BYTES + 8);
    expect(head.length).toBe(MAX_HEADER_BYTES + 8);
    // Contiguous, and the last one ends at the cap: not a byte more is asked for.
    expect(reads[0]).toEqual([0, 4096]);
    for (let i = 1; i < reads.length; i++) expect(reads[i]![0]).toBe(reads[i - 1]![0] + reads[i - 1]![1]);
    expect(reads.at(-1)![0] + reads.at(-1)![1]).toBe(MAX_HEADER_BYTES + 8);
  });

  it('reports a short read as MALFORMED', async () => {
    await expect(readWavLayout(async () => new Uint8Array(3), 1000)).rejects.toMatchObject({
      code: 'MALFORMED',
    });
  });

  it('tryParseWavHeader asks for more bytes instead of guessing', () => {
    const bytes = buildWav({ encoding: 'pcm', bits: 16, channels: 1, sampleRate: 8000, frames: 3 });
    expect(tryParseWavHeader(bytes.subarray(0, 20), bytes.length)).toEqual({ needBytes: 36 });
  });
});

describe('ranges and channels', () => {
  it('frames are floor(from·rate) .. ceil(to·rate), clamped to the audio', () => {
    expect(frameRange({ from: 0.5, to: 1 }, 8000, 80_000)).toEqual([4000, 8000]);
    expect(frameRange({ from: 0.00001, to: 0.00002 }, 8000, 80_000)).toEqual([0, 1]);
    expect(frameRange({ from: 1.15, to: 2.3 }, 8000, 80_000)).toEqual([9200, 18400]);
    expect(frameRange({ from: 9, to: 99 }, 8000, 80_000)).toEqual([72_000, 80_000]);
    expect(frameRange({ from: 1 / 3, to: 2 / 3 }, 44_100, 80_000)).toEqual([14_700, 29_400]);
  });

  for (const [from, to, expected] of [
    [Number.NaN, 1, 'INVALID_RANGE'],
    [0, Number.NaN, 'INVALID_RANGE'],
    [0, Number.POSITIVE_INFINITY, 'INVALID_RANGE'],
    [-1, 1, 'INVALID_RANGE'],
    [2, 2, 'INVALID_RANGE'],
    [3, 2, 'INVALID_RANGE'],
    [10, 11, 'RANGE_OUT_OF_BOUNDS'],
    [10.0001, 11, 'RANGE_OUT_OF_BOUNDS'],
  ] as const) {
    it(`${from}-${to} → ${expected}`, () => {
      expect(code(() => frameRange({ from, to }, 8000, 80_000))).toBe(expected);
    });
  }

  const stereo = layoutOf(
    buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 8000 }),
  );
  const mono = layoutOf(buildWav({ encoding: 'pcm', bits: 16, channels: 1, sampleRate: 8000, frames: 8000 }));
  const surround = layoutOf(
    buildWav({ encoding: 'pcm', bits: 16, channels: 6, sampleRate: 8000, frames: 80 }),
  );

  it('agent = right (index 1), customer = left (index 0)', () => {
    const agent = planSilence(stereo, [{ from: 0, to: 0.5 }], 'agent').spans[0]!;
    const customer = planSilence(stereo, [{ from: 0, to: 0.5 }], 'customer').spans[0]!;
    expect([agent.offset, agent.width, agent.stride]).toEqual([2, 2, 4]);
    expect([customer.offset, customer.width, customer.stride]).toEqual([0, 2, 4]);
  });

  it('mono or multichannel files reject agent/customer', () => {
    expect(code(() => planSilence(mono, [{ from: 0, to: 0.5 }], 'agent'))).toBe('UNSUPPORTED_CHANNEL');
    expect(code(() => planSilence(mono, [{ from: 0, to: 0.5 }], 'customer'))).toBe('UNSUPPORTED_CHANNEL');
    expect(code(() => planSilence(surround, [{ from: 0, to: 0.005 }], 'agent'))).toBe('UNSUPPORTED_CHANNEL');
    expect(planSilence(mono, [{ from: 0, to: 0.5 }], 'both').framesSilenced).toBe(4000);
  });

  it('unknown channel and no ranges are typed errors', () => {
    expect(code(() => planSilence(stereo, [{ from: 0, to: 1 }], 'left' as Channel))).toBe(
      'UNSUPPORTED_CHANNEL',
    );
    expect(code(() => planSilence(stereo, [], 'both'))).toBe('INVALID_RANGE');
  });

  it('merges overlapping and touching ranges; one bad range fails the whole plan', () => {
    const plan = planSilence(
      stereo,
      [
        { from: 0.5, to: 0.6 },
        { from: 0.1, to: 0.2 },
        { from: 0.15, to: 0.3 },
        { from: 0.3, to: 0.4 },
      ],
      'both',
    );
    expect(
      plan.spans.map((s) => [(s.start - stereo.dataOffset) / 4, (s.end - stereo.dataOffset) / 4]),
    ).toEqual([
      [800, 3200],
      [4000, 4800],
    ]);
    expect(plan.framesSilenced).toBe(3200);
    expect(plan.bytesSilenced).toBe(12_800);
    expect(
      code(() =>
        planSilence(
          stereo,
          [
            { from: 0, to: 0.5 },
            { from: 5, to: 6 },
          ],
          'both',
        ),
      ),
    ).toBe('RANGE_OUT_OF_BOUNDS');
  });

  it('an empty data chunk has no frame to silence', () => {
    const empty = layoutOf(buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 0 }));
    expect(code(() => planSilence(empty, [{ from: 0, to: 1 }], 'both'))).toBe('RANGE_OUT_OF_BOUNDS');
  });
});

const specArb = fc.record({
  fmt: fc.constantFrom(...FORMAT_CASES),
  channels: fc.integer({ min: 1, max: 3 }),
  sampleRate: fc.constantFrom(8000, 11_025, 16_000, 44_100, 48_000),
  frames: fc.integer({ min: 1, max: 400 }),
  before: fc.array(fc.record({ id: fc.constantFrom('LIST', 'junk', 'bext', 'fact'), size: fc.nat(40) }), {
    maxLength: 3,
  }),
  after: fc.array(fc.record({ id: fc.constantFrom('LIST', 'id3 ', 'afsp'), size: fc.nat(40) }), {
    maxLength: 2,
  }),
  extrasBeforeFmt: fc.boolean(),
  partialFrameBytes: fc.constantFrom(0, 0, 1),
  seed: fc.nat(),
});

/** A random file, random frame ranges (as seconds) and a channel valid for it. */
const caseArb = specArb.chain((s) =>
  fc
    .record({
      ranges: fc.array(
        fc
          .tuple(fc.nat(s.frames - 1), fc.integer({ min: 1, max: s.frames + 5 }))
          .map(([a, len]) => [a, a + len] as const),
        { minLength: 1, maxLength: 4 },
      ),
      channel:
        s.channels === 2
          ? fc.constantFrom<Channel>('both', 'agent', 'customer')
          : fc.constant<Channel>('both'),
    })
    .map((r) => ({ spec: { ...s.fmt, ...s, partialFrameBytes: s.partialFrameBytes } as WavSpec, ...r })),
);

describe('properties', () => {
  it('only the chosen frames and channel change, to the format silence; length and chunks intact', () => {
    fc.assert(
      fc.property(caseArb, ({ spec, ranges, channel }) => {
        const bytes = buildWav(spec);
        const info = readInfo(bytes);
        const seconds = ranges.map(([a, b]) => ({ from: a / spec.sampleRate, to: b / spec.sampleRate }));
        const { out } = redactInMemory(bytes, seconds, channel);
        const expected = expectedRedaction(
          bytes,
          info,
          ranges,
          CHANNEL_INDEX[channel],
          expectedSilenceByte(spec.encoding, spec.bits),
        );
        expect(out.length).toBe(bytes.length);
        expect(Buffer.compare(out, expected)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('the streaming transform gives the same bytes whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb,
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        async ({ spec, ranges, channel }, cuts) => {
          const bytes = buildWav(spec);
          const seconds = ranges.map(([a, b]) => ({ from: a / spec.sampleRate, to: b / spec.sampleRate }));
          const { out: expected, plan } = redactInMemory(bytes, seconds, channel);
          const input = Buffer.from(bytes);
          const pieces: Buffer[] = [];
          for (let pos = 0, i = 0; pos < input.length; i++) {
            const n = cuts[i % cuts.length]!;
            pieces.push(input.subarray(pos, pos + n));
            pos += n;
          }
          const before = Buffer.concat(pieces);
          const got: Buffer[] = [];
          await pipeline(
            Readable.from(pieces),
            createSilenceTransform(plan.spans),
            new Writable({
              write(chunk: Buffer, _enc, cb) {
                got.push(chunk);
                cb();
              },
            }),
          );
          expect(Buffer.compare(Buffer.concat(got), Buffer.from(expected))).toBe(0);
          // The producer's buffers are never modified.
          expect(Buffer.compare(Buffer.concat(pieces), before)).toBe(0);
          expect(Buffer.compare(before, input)).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a transform started mid-file (an S3 part) silences the same bytes as the whole file', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.nat(), fc.nat(), async ({ spec, ranges, channel }, x, y) => {
        const bytes = buildWav(spec);
        const seconds = ranges.map(([a, b]) => ({ from: a / spec.sampleRate, to: b / spec.sampleRate }));
        const { out: expected, plan } = redactInMemory(bytes, seconds, channel);
        const start = x % bytes.length;
        const end = start + (y % (bytes.length - start + 1));
        const got: Buffer[] = [];
        await pipeline(
          Readable.from([Buffer.from(bytes.subarray(start, end))]),
          createSilenceTransform(plan.spans, start),
          new Writable({
            write(chunk: Buffer, _enc, cb) {
              got.push(chunk);
              cb();
            },
          }),
        );
        expect(Buffer.compare(Buffer.concat(got), Buffer.from(expected.subarray(start, end)))).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});

/** The check that fired, by its message: several checks share an error code. */
function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('each header check on its own (the one that fires is named)', () => {
  const fmtAt = 12 + 8;
  const file = (spec: Partial<WavSpec> = {}) =>
    buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 50, ...spec });
  /** `bytes` with little-endian 16-bit fields at the given offsets replaced. */
  const with16 = (bytes: Uint8Array, fields: Record<number, number>) => {
    const b = Uint8Array.from(bytes);
    for (const [at, v] of Object.entries(fields)) new DataView(b.buffer).setUint16(Number(at), v, true);
    return b;
  };
  const parse = (b: Uint8Array) => () => parseWavHeader(b, b.length);

  it('PCM: fewer than 8 bits, or more than 4 bytes a sample, each refused though the container fits', () => {
    // 4 bits in 1-byte containers (blockAlign 2 for stereo): only the 8-bit minimum is broken.
    expect(message(parse(with16(file(), { [fmtAt + 12]: 2, [fmtAt + 14]: 4 })))).toBe(
      'PCM: 4 bits in a 1-byte container is not supported',
    );
    // 40 bits in 5-byte containers: only the 4-byte maximum is broken.
    expect(message(parse(with16(file(), { [fmtAt + 12]: 10, [fmtAt + 14]: 40 })))).toBe(
      'PCM: 40 bits in a 5-byte container is not supported',
    );
  });

  it('a blockAlign of 0 is refused (0 is a multiple of any channel count)', () => {
    expect(message(parse(with16(file(), { [fmtAt + 12]: 0 })))).toBe(
      'fmt blockAlign 0 is not a multiple of 2 channels',
    );
  });

  it('IEEE float: 32 bits in an 8-byte container is refused', () => {
    const f = file({ encoding: 'float', bits: 32 });
    expect(parseWavHeader(f, f.length).format.encoding).toBe('float');
    expect(message(parse(with16(f, { [fmtAt + 12]: 16 })))).toBe(
      'IEEE float: 32 bits in a 8-byte container is not supported',
    );
  });

  it('G.711: 16 bits in a 1-byte container and 8 bits in a 2-byte container are each refused', () => {
    for (const encoding of ['alaw', 'mulaw'] as const) {
      const g = file({ encoding, bits: 8 });
      expect(parseWavHeader(g, g.length).format.encoding).toBe(encoding);
      expect(message(parse(with16(g, { [fmtAt + 14]: 16 })))).toBe(
        `${encoding}: 16 bits in a 1-byte container is not supported`,
      );
      expect(message(parse(with16(g, { [fmtAt + 12]: 4 })))).toBe(
        `${encoding}: 8 bits in a 2-byte container is not supported`,
      );
    }
  });

  it('EXTENSIBLE: a cbSize below 22 and a fmt body below 40 bytes are each refused', () => {
    const ext = file({ extensible: { validBits: 16 } });
    expect(parseWavHeader(ext, ext.length).format.extensible).toBe(true);
    expect(message(parse(with16(ext, { [fmtAt + 16]: 21 })))).toBe(
      'EXTENSIBLE fmt chunk is 40 bytes (cbSize 21), expected 40 (22)',
    );
    // The same chunk with its last two bytes cut (and its size saying 38): cbSize still says 22.
    const short = new Uint8Array(ext.length - 2);
    short.set(ext.subarray(0, fmtAt + 38));
    short.set(ext.subarray(fmtAt + 40), fmtAt + 38);
    new DataView(short.buffer).setUint32(16, 38, true);
    expect(message(parse(short))).toBe('EXTENSIBLE fmt chunk is 38 bytes (cbSize 22), expected 40 (22)');
  });

  it('BW64 is refused like RF64', () => {
    const b = file();
    b.set([0x42, 0x57, 0x36, 0x34], 0);
    expect(message(parse(b))).toBe('BW64 (64-bit RIFF) is not supported');
  });

  it('chunk ids are printable ASCII: "~" (0x7e) passes, DEL (0x7f) does not', () => {
    const b = file({ before: [{ id: '~~~~', size: 2 }], extrasBeforeFmt: true });
    expect(parseWavHeader(b, b.length).chunks[0]!.id).toBe('~~~~');
    b[12] = 0x7f;
    expect(message(parse(b))).toBe('invalid chunk id at offset 12');
  });

  it('a file of exactly 12 bytes is a RIFF header without chunks, not too short', () => {
    const b = file().subarray(0, 12);
    expect(message(parse(b))).toBe('no fmt chunk and no data chunk');
  });

  it('the file size must be a non-negative safe integer', () => {
    const b = file();
    for (const size of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => tryParseWavHeader(b, size), String(size)).toThrow(RangeError);
    }
  });

  it('asks for the 12-byte RIFF header first, and parseWavHeader says how many bytes it lacked', () => {
    const b = file();
    expect(tryParseWavHeader(b.subarray(0, 8), b.length)).toEqual({ needBytes: 12 });
    expect(message(() => parseWavHeader(b.subarray(0, 20), b.length))).toBe('header needs 36 bytes, got 20');
  });

  it('a data chunk header ending exactly at the cap (MAX_HEADER_BYTES + 8) is read; 2 bytes later it is not', () => {
    // RIFF header (12) + fmt (24) + one pre-data chunk sized to put `data` at the cap.
    const at = (dataPos: number) => file({ frames: 1, before: [{ id: 'LIST', size: dataPos - 36 - 8 }] });
    const fits = at(MAX_HEADER_BYTES);
    const layout = parseWavHeader(fits, fits.length);
    expect(layout.headerLength).toBe(MAX_HEADER_BYTES + 8);
    expect(layout.dataOffset).toBe(MAX_HEADER_BYTES + 8);
    const past = at(MAX_HEADER_BYTES + 2);
    expect(message(parse(past))).toBe(
      `no data chunk within the first ${MAX_HEADER_BYTES} bytes (pre-data chunks too large)`,
    );
  });

  it('flags both ways: an honest RIFF size matches; a data chunk of even size, or odd with its pad, has no missing pad', () => {
    const honest = file();
    const layout = parseWavHeader(honest, honest.length);
    expect(layout.riffSizeMatchesFile).toBe(true);
    expect(layout.dataPadMissing).toBe(false);
    expect(layout.headerLength).toBe(layout.dataOffset);
    const odd = buildWav({ encoding: 'pcm', bits: 8, channels: 1, sampleRate: 8000, frames: 101 });
    const oddLayout = parseWavHeader(odd, odd.length);
    expect(oddLayout.dataLength).toBe(101);
    expect(oddLayout.dataPadMissing).toBe(false);
    expect(oddLayout.riffSizeMatchesFile).toBe(true);
  });

  it('reads 4 KiB, then exactly what the header needs, and names a short read with its offset', async () => {
    const bytes = buildWav({
      encoding: 'pcm',
      bits: 16,
      channels: 1,
      sampleRate: 8000,
      frames: 3,
      extrasBeforeFmt: true,
      before: [{ id: 'bext', size: 300_001 }],
    });
    const reads: [number, number][] = [];
    await readWavLayout(async (offset, length) => {
      reads.push([offset, length]);
      return bytes.subarray(offset, offset + length);
    }, bytes.length);
    // bext ends (with its pad) at 300,022; the fmt header needs 300,030 bytes, then the whole file.
    expect(reads).toEqual([
      [0, 4096],
      [4096, 300_030 - 4096],
      [300_030, bytes.length - 300_030],
    ]);
    await expect(
      readWavLayout(
        async (offset, length) => bytes.subarray(offset, offset + (offset === 0 ? length : length - 1)),
        bytes.length,
      ),
    ).rejects.toThrow(`short read: wanted ${300_030 - 4096} bytes at 4096, got ${300_030 - 4096 - 1}`);
  });

  it('a range past the audio names the audio length in seconds and frames', () => {
    expect(message(() => frameRange({ from: 10, to: 11 }, 8000, 10_000))).toBe(
      'range 10-11 starts at or after the end of the audio (1.25 s, 10000 frames)',
    );
  });
});

describe('applySilence and the transform at span edges', () => {
  const span = (start: number, end: number) => ({ start, end, stride: 4, offset: 2, width: 2, fill: 0 });
  const spans = [span(8, 16), span(24, 32)];

  it('returns the first span that can still reach later bytes: a span ending exactly at the chunk start is passed', () => {
    expect(applySilence(new Uint8Array(8).fill(9), 16, spans)).toBe(1);
    expect(applySilence(new Uint8Array(8).fill(9), 32, spans)).toBe(2);
    const after = new Uint8Array(8).fill(9);
    expect(applySilence(after, 40, spans)).toBe(2);
    expect([...after]).toEqual(new Array(8).fill(9));
  });

  it('passes chunks that touch no span on as they are (no copy); a span starting at a chunk end does not touch it', async () => {
    const pieces = [0, 8, 16, 24, 32].map((at) => Buffer.alloc(8, at + 1));
    const got: Buffer[] = [];
    await pipeline(
      Readable.from(pieces),
      createSilenceTransform(spans),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          got.push(chunk);
          cb();
        },
      }),
    );
    // [0,8) ends where the first span starts, [16,24) lies between the spans, [32,40) after them.
    expect([0, 2, 4].map((i) => got[i] === pieces[i])).toEqual([true, true, true]);
    expect([1, 3].map((i) => got[i] === pieces[i])).toEqual([false, false]);
    expect([...got[1]!]).toEqual([9, 9, 0, 0, 9, 9, 0, 0]);
  });
});

describe('applySilence: one sample per frame through a typed view', () => {
  /** The definition, byte by byte: in [start, end), bytes [offset, offset + width) of each frame. */
  function naive(bytes: Uint8Array, chunkStart: number, s: SilenceSpanLike): Uint8Array {
    const out = Uint8Array.from(bytes);
    for (let f = s.start; f < s.end; f += s.stride) {
      for (let k = f + s.offset; k < f + s.offset + s.width; k++) {
        const i = k - chunkStart;
        if (k < s.end && i >= 0 && i < out.length) out[i] = s.fill;
      }
    }
    return out;
  }
  type SilenceSpanLike = Parameters<typeof applySilence>[2][number];

  it('gives the byte-by-byte result at every alignment of the buffer and of the chunk start', () => {
    // 2-byte samples of 16-bit stereo (either channel) and 4-channel audio, 4-byte samples of
    // 32-bit stereo, and widths without a typed view (1 and 3 bytes) for comparison.
    const shapes = [
      { stride: 4, width: 2, offsets: [0, 2] },
      { stride: 8, width: 2, offsets: [0, 2, 6] },
      { stride: 8, width: 4, offsets: [0, 4] },
      { stride: 2, width: 1, offsets: [0, 1] },
      { stride: 6, width: 3, offsets: [0, 3] },
    ];
    const backing = new Uint8Array(256 + 8);
    let checked = 0;
    for (const { stride, width, offsets } of shapes) {
      for (const offset of offsets) {
        for (const fill of [0x00, 0x80, 0xd5, 0xff]) {
          const s = { start: 3 + stride, end: 3 + stride * 40, stride, offset, width, fill };
          for (let shift = 0; shift < 8; shift++) {
            for (const chunkStart of [0, 1, 2, 3, s.start, s.start + 1, s.start + 5, s.end - stride - 1]) {
              for (const length of [1, 3, stride * 7 + 1, 200]) {
                for (let i = 0; i < backing.length; i++) backing[i] = (i * 7 + 1) & 0xff;
                const chunk = backing.subarray(shift, shift + length);
                const expected = naive(chunk, chunkStart, s);
                applySilence(chunk, chunkStart, [s]);
                expect(Buffer.compare(chunk, expected)).toBe(0);
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBe(11 * 4 * 8 * 8 * 4);
  });
});
