/**
 * WAV fixtures for the redaction tests: a generator for every supported format and layout quirk,
 * and an independent (deliberately naive) reader + expected-output builder, so tests do not check
 * lambda/core/wav.ts against itself.
 */
import { mulberry32Words } from '../../lib/simulation/random';

export type FixtureEncoding = 'pcm' | 'float' | 'alaw' | 'mulaw';

export interface ExtraChunk {
  readonly id: string;
  /** Body size; odd sizes get a pad byte unless `omitPad` (only meaningful at the very end). */
  readonly size: number;
}

export interface WavSpec {
  readonly encoding: FixtureEncoding;
  /** Container bits per sample. */
  readonly bits: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly frames: number;
  /** Write WAVE_FORMAT_EXTENSIBLE with this validBits (0 = unspecified). */
  readonly extensible?: { readonly validBits: number };
  readonly before?: readonly ExtraChunk[];
  /** Put the extra chunks before `fmt ` instead of between `fmt ` and `data`. */
  readonly extrasBeforeFmt?: boolean;
  readonly after?: readonly ExtraChunk[];
  /** Extra bytes in `data` that do not make a whole frame. */
  readonly partialFrameBytes?: number;
  /** Leave out the pad byte after an odd-sized `data` that ends the file. */
  readonly omitDataPad?: boolean;
  readonly seed?: number;
}

const TAGS: Record<FixtureEncoding, number> = { pcm: 1, float: 3, alaw: 6, mulaw: 7 };

/** The silence byte of each encoding, written out independently of the code under test. */
export function expectedSilenceByte(encoding: FixtureEncoding, bits: number): number {
  if (encoding === 'alaw') return 0xd5;
  if (encoding === 'mulaw') return 0xff;
  if (encoding === 'pcm' && bits === 8) return 0x80;
  return 0;
}

function chunk(id: string, body: Uint8Array, pad = true): Uint8Array {
  const padded = pad && body.length % 2 === 1;
  const out = new Uint8Array(8 + body.length + (padded ? 1 : 0));
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  dv.setUint32(4, body.length, true);
  out.set(body, 8);
  // A real writer's pad byte is 0; make it recognisable instead so tests see it is kept.
  if (padded) out[out.length - 1] = 0xa5;
  return out;
}

function fmtBody(spec: WavSpec): Uint8Array {
  const bytes = spec.bits / 8;
  const blockAlign = bytes * spec.channels;
  const ext = spec.extensible;
  const body = new Uint8Array(ext ? 40 : 16);
  const dv = new DataView(body.buffer);
  dv.setUint16(0, ext ? 0xfffe : TAGS[spec.encoding], true);
  dv.setUint16(2, spec.channels, true);
  dv.setUint32(4, spec.sampleRate, true);
  dv.setUint32(8, spec.sampleRate * blockAlign, true);
  dv.setUint16(12, blockAlign, true);
  dv.setUint16(14, spec.bits, true);
  if (ext) {
    dv.setUint16(16, 22, true);
    dv.setUint16(18, ext.validBits, true);
    dv.setUint32(20, spec.channels === 2 ? 3 : 0, true);
    dv.setUint16(24, TAGS[spec.encoding], true);
    body.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return body;
}

/** Builds a complete RIFF/WAVE file with pseudo-random (non-silent) audio and extra chunks. */
export function buildWav(spec: WavSpec): Uint8Array {
  const word = mulberry32Words((spec.seed ?? 1) >>> 0 || 1);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => word() & 0xff);
  const extras = (spec.before ?? []).map((c) => chunk(c.id, bytes(c.size)));
  const fmt = chunk('fmt ', fmtBody(spec));
  const dataLen = spec.frames * (spec.bits / 8) * spec.channels + (spec.partialFrameBytes ?? 0);
  const data = chunk('data', bytes(dataLen), !spec.omitDataPad);
  const after = (spec.after ?? []).map((c) => chunk(c.id, bytes(c.size)));
  const parts = spec.extrasBeforeFmt ? [...extras, fmt, data, ...after] : [fmt, ...extras, data, ...after];
  const total = 12 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  out.set([0x52, 0x49, 0x46, 0x46], 0);
  new DataView(out.buffer).setUint32(4, total - 8, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8);
  let pos = 12;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export interface IndependentInfo {
  readonly formatTag: number;
  readonly subFormat: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  readonly bits: number;
  readonly dataOffset: number;
  readonly dataLength: number;
}

/** A naive chunk walk, independent of lambda/core/wav.ts, for well-formed files only. */
export function readInfo(bytes: Uint8Array): IndependentInfo {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  let pos = 12;
  let fmt: Omit<IndependentInfo, 'dataOffset' | 'dataLength'> | undefined;
  while (pos + 8 <= bytes.length) {
    const size = dv.getUint32(pos + 4, true);
    if (id(pos) === 'fmt ') {
      const tag = dv.getUint16(pos + 8, true);
      fmt = {
        formatTag: tag,
        subFormat: tag === 0xfffe ? dv.getUint16(pos + 8 + 24, true) : tag,
        channels: dv.getUint16(pos + 10, true),
        sampleRate: dv.getUint32(pos + 12, true),
        blockAlign: dv.getUint16(pos + 20, true),
        bits: dv.getUint16(pos + 22, true),
      };
    }
    if (id(pos) === 'data') {
      if (!fmt) throw new Error('fixture has no fmt before data');
      return { ...fmt, dataOffset: pos + 8, dataLength: size };
    }
    pos += 8 + size + (size % 2);
  }
  throw new Error('fixture has no data chunk');
}

/**
 * The expected output: `input` with frames [start, end) of each range set to `silence` on the
 * channel index (or all channels), computed byte by byte.
 */
export function expectedRedaction(
  input: Uint8Array,
  info: IndependentInfo,
  frameRanges: readonly (readonly [number, number])[],
  channelIndex: number | 'all',
  silence: number,
): Uint8Array {
  const out = Uint8Array.from(input);
  const bps = info.blockAlign / info.channels;
  const frames = Math.floor(info.dataLength / info.blockAlign);
  for (const [s, e] of frameRanges) {
    for (let f = s; f < Math.min(e, frames); f++) {
      for (let c = 0; c < info.channels; c++) {
        if (channelIndex !== 'all' && c !== channelIndex) continue;
        const at = info.dataOffset + f * info.blockAlign + c * bps;
        out.fill(silence, at, at + bps);
      }
    }
  }
  return out;
}

/** Every combination the generator supports: encoding × container bits × EXTENSIBLE. */
export const FORMAT_CASES: readonly Pick<WavSpec, 'encoding' | 'bits' | 'extensible'>[] = [
  { encoding: 'pcm', bits: 8 },
  { encoding: 'pcm', bits: 16 },
  { encoding: 'pcm', bits: 24 },
  { encoding: 'pcm', bits: 32 },
  { encoding: 'mulaw', bits: 8 },
  { encoding: 'alaw', bits: 8 },
  { encoding: 'float', bits: 32 },
  { encoding: 'float', bits: 64 },
  { encoding: 'pcm', bits: 8, extensible: { validBits: 8 } },
  { encoding: 'pcm', bits: 16, extensible: { validBits: 12 } },
  { encoding: 'pcm', bits: 16, extensible: { validBits: 0 } },
  { encoding: 'pcm', bits: 24, extensible: { validBits: 20 } },
  { encoding: 'pcm', bits: 32, extensible: { validBits: 24 } },
  { encoding: 'float', bits: 32, extensible: { validBits: 32 } },
  { encoding: 'float', bits: 64, extensible: { validBits: 0 } },
  { encoding: 'mulaw', bits: 8, extensible: { validBits: 8 } },
  { encoding: 'alaw', bits: 8, extensible: { validBits: 8 } },
];
