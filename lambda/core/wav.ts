/**
 * RIFF/WAVE header parsing and sample-exact silencing (concern C9, redaction).
 *
 * Pure: no file or network I/O. Callers hand in the first bytes of a file (or a `readAt`
 * function) plus its total size, and get back the audio layout and the byte spans to silence.
 * The spans are applied by `applySilence` (buffers) or `createSilenceTransform` (streams), so the
 * local file path, the S3 part path and the tests all share one definition of "silenced".
 */
import { Transform, type TransformCallback } from 'node:stream';

export type WavErrorCode =
  | 'UNSUPPORTED_FORMAT'
  | 'MALFORMED'
  | 'RANGE_OUT_OF_BOUNDS'
  | 'INVALID_RANGE'
  | 'UNSUPPORTED_CHANNEL';

export class WavError extends Error {
  override readonly name = 'WavError';
  constructor(
    readonly code: WavErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Connect records the customer on the left channel (index 0) and the agent on the right (index 1). */
export type Channel = 'both' | 'agent' | 'customer';
export const CHANNELS: readonly Channel[] = ['both', 'agent', 'customer'];
const CHANNEL_INDEX = { customer: 0, agent: 1 } as const;

/** Seconds from the start of the audio; `to` is exclusive. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

export type SampleEncoding = 'pcm' | 'float' | 'alaw' | 'mulaw';

export interface WavFormat {
  /** The tag in `fmt ` (0xFFFE for EXTENSIBLE). */
  readonly formatTag: number;
  readonly extensible: boolean;
  readonly encoding: SampleEncoding;
  readonly channels: number;
  readonly sampleRate: number;
  /** Container bits per sample (wBitsPerSample). */
  readonly bitsPerSample: number;
  /** Meaningful bits; equals bitsPerSample when the file does not say (validBits 0). */
  readonly validBits: number;
  readonly blockAlign: number;
  readonly bytesPerSample: number;
  /** The byte value that, repeated over a sample's container, encodes silence. */
  readonly silenceByte: number;
}

export interface WavChunk {
  readonly id: string;
  /** Offset of the chunk header (id) in the file. */
  readonly offset: number;
  readonly size: number;
}

export interface WavLayout {
  readonly fileSize: number;
  readonly riffSize: number;
  /** False when the RIFF size field disagrees with the real file size (accepted, kept as is). */
  readonly riffSizeMatchesFile: boolean;
  readonly format: WavFormat;
  /** Chunks up to and including `data`; chunks after `data` are never parsed, only kept. */
  readonly chunks: readonly WavChunk[];
  readonly dataOffset: number;
  readonly dataLength: number;
  /** Whole frames in `data`; a trailing partial frame (if any) is never touched. */
  readonly frames: number;
  /** Odd-sized `data` that ends the file without its pad byte (accepted, nothing is added). */
  readonly dataPadMissing: boolean;
  /** Bytes from the start of the file through the `data` chunk header. */
  readonly headerLength: number;
}

/**
 * Bytes to silence: within [start, end), every `stride`-sized block (a frame) has its bytes
 * [offset, offset + width) set to `fill`. For `both` channels width === stride (contiguous).
 */
export interface SilenceSpan {
  readonly start: number;
  readonly end: number;
  readonly stride: number;
  readonly offset: number;
  readonly width: number;
  readonly fill: number;
}

export interface SilencePlan {
  readonly spans: readonly SilenceSpan[];
  /** Distinct frames touched (after merging overlapping ranges). */
  readonly framesSilenced: number;
  readonly bytesSilenced: number;
}

/** How far into a file the `data` chunk header may start; larger pre-data chunks are rejected. */
export const MAX_HEADER_BYTES = 1024 * 1024;

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_ALAW = 0x0006;
const FORMAT_MULAW = 0x0007;
const FORMAT_EXTENSIBLE = 0xfffe;
/** KSDATAFORMAT_SUBTYPE_* GUIDs share these 14 bytes after the 2-byte format code. */
const SUBFORMAT_GUID_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

const FORMAT_NAMES: Record<number, string> = {
  2: 'MS ADPCM',
  17: 'IMA ADPCM',
  49: 'GSM 6.10',
  80: 'MPEG',
  85: 'MP3',
  146: 'Dolby AC3',
};

function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

function ascii(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

function printableId(b: Uint8Array, at: number): boolean {
  for (let i = at; i < at + 4; i++) if (b[i]! < 0x20 || b[i]! > 0x7e) return false;
  return true;
}

function malformed(message: string): WavError {
  return new WavError('MALFORMED', message);
}

function unsupported(message: string): WavError {
  return new WavError('UNSUPPORTED_FORMAT', message);
}

/** Parses a `fmt ` chunk body into the few facts silencing needs, rejecting what it cannot silence. */
export function parseFmt(body: Uint8Array): WavFormat {
  if (body.length < 16) throw malformed(`fmt chunk is ${body.length} bytes, expected at least 16`);
  const formatTag = u16(body, 0);
  const channels = u16(body, 2);
  const sampleRate = u32(body, 4);
  const blockAlign = u16(body, 12);
  const bitsPerSample = u16(body, 14);
  const extensible = formatTag === FORMAT_EXTENSIBLE;
  let code = formatTag;
  let validBits = bitsPerSample;
  if (extensible) {
    if (body.length < 40 || u16(body, 16) < 22) {
      throw malformed(
        `EXTENSIBLE fmt chunk is ${body.length} bytes (cbSize ${u16(body, 16)}), expected 40 (22)`,
      );
    }
    code = u16(body, 24);
    if (!SUBFORMAT_GUID_TAIL.every((v, i) => body[26 + i] === v)) {
      throw unsupported('EXTENSIBLE subformat GUID is not a standard KSDATAFORMAT_SUBTYPE');
    }
    // validBits 0 means "not specified": the whole container is the sample.
    validBits = u16(body, 18) || bitsPerSample;
    if (validBits > bitsPerSample) {
      throw malformed(`EXTENSIBLE validBits ${validBits} exceeds the ${bitsPerSample}-bit container`);
    }
  }
  const name = FORMAT_NAMES[code];
  if (code !== FORMAT_PCM && code !== FORMAT_FLOAT && code !== FORMAT_ALAW && code !== FORMAT_MULAW) {
    throw unsupported(
      `format ${hex4(code)}${name ? ` (${name})` : ''}${extensible ? ' in EXTENSIBLE' : ''} is not supported; ` +
        'supported: PCM, IEEE float, A-law, mu-law (plain or EXTENSIBLE)',
    );
  }
  if (channels === 0) throw malformed('fmt declares 0 channels');
  if (sampleRate === 0) throw malformed('fmt declares a sample rate of 0');
  if (blockAlign === 0 || blockAlign % channels !== 0) {
    throw malformed(`fmt blockAlign ${blockAlign} is not a multiple of ${channels} channels`);
  }
  const bytesPerSample = blockAlign / channels;
  const bad = (what: string) =>
    unsupported(`${what}: ${bitsPerSample} bits in a ${bytesPerSample}-byte container is not supported`);
  let encoding: SampleEncoding;
  let silenceByte: number;
  if (code === FORMAT_PCM) {
    encoding = 'pcm';
    // EXTENSIBLE states the container in wBitsPerSample; plain PCM rounds bits up to bytes.
    const container = extensible ? bitsPerSample / 8 : Math.ceil(bitsPerSample / 8);
    if (bitsPerSample < 8 || bytesPerSample > 4 || container !== bytesPerSample) throw bad('PCM');
    // 8-bit PCM is unsigned (midpoint 0x80); wider PCM is signed, so zero bytes whatever validBits.
    silenceByte = bytesPerSample === 1 ? 0x80 : 0x00;
  } else if (code === FORMAT_FLOAT) {
    encoding = 'float';
    if ((bitsPerSample !== 32 && bitsPerSample !== 64) || bytesPerSample * 8 !== bitsPerSample) {
      throw bad('IEEE float');
    }
    silenceByte = 0x00;
  } else {
    encoding = code === FORMAT_ALAW ? 'alaw' : 'mulaw';
    if (bitsPerSample !== 8 || bytesPerSample !== 1) throw bad(encoding);
    // G.711 encodings of 0: A-law 0x80 ^ 0x55, mu-law ~0x00.
    silenceByte = code === FORMAT_ALAW ? 0xd5 : 0xff;
  }
  return {
    formatTag,
    extensible,
    encoding,
    channels,
    sampleRate,
    bitsPerSample,
    validBits,
    blockAlign,
    bytesPerSample,
    silenceByte,
  };
}

export type HeaderParse = { readonly layout: WavLayout } | { readonly needBytes: number };

/**
 * Walks the chunks of `head` (the first bytes of a file of `fileSize` bytes) up to the `data`
 * chunk header. Returns `needBytes` when `head` is too short to decide.
 *
 * Size policy: chunk sizes are checked against the real file size, never against the RIFF size
 * field. A RIFF size that disagrees with the file is accepted (flagged, and kept byte for byte),
 * because only the `data` chunk is written and it is proven to lie inside the real file. A `data`
 * chunk that claims more bytes than the file has is a truncated file and is rejected.
 */
export function tryParseWavHeader(head: Uint8Array, fileSize: number): HeaderParse {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) throw new RangeError(`bad file size ${fileSize}`);
  // The cap applies whatever the caller passed in, so the answer never depends on how much was read.
  const need = (n: number): HeaderParse | undefined => {
    if (n > MAX_HEADER_BYTES + 8) {
      throw malformed(`no data chunk within the first ${MAX_HEADER_BYTES} bytes (pre-data chunks too large)`);
    }
    return n <= head.length ? undefined : { needBytes: n };
  };
  if (fileSize < 12) throw malformed(`file is ${fileSize} bytes, shorter than a RIFF header`);
  const more = need(12);
  if (more) return more;
  const magic = ascii(head, 0);
  if (magic === 'RIFX') throw unsupported('RIFX (big-endian RIFF) is not supported');
  if (magic === 'RF64' || magic === 'BW64') throw unsupported(`${magic} (64-bit RIFF) is not supported`);
  if (magic !== 'RIFF') throw malformed('not a RIFF file');
  if (ascii(head, 8) !== 'WAVE') throw unsupported(`RIFF form ${JSON.stringify(ascii(head, 8))} is not WAVE`);
  const riffSize = u32(head, 4);
  const chunks: WavChunk[] = [];
  let format: WavFormat | undefined;
  let pos = 12;
  for (;;) {
    if (pos + 8 > fileSize) {
      throw malformed(format ? 'no data chunk' : 'no fmt chunk and no data chunk');
    }
    const m = need(pos + 8);
    if (m) return m;
    if (!printableId(head, pos)) throw malformed(`invalid chunk id at offset ${pos}`);
    const id = ascii(head, pos);
    const size = u32(head, pos + 4);
    chunks.push({ id, offset: pos, size });
    const bodyEnd = pos + 8 + size;
    if (id === 'data') {
      if (!format) throw malformed('data chunk comes before (or without) a fmt chunk');
      if (bodyEnd > fileSize) {
        throw malformed(
          `data chunk declares ${size} bytes but only ${fileSize - pos - 8} remain (truncated)`,
        );
      }
      return {
        layout: {
          fileSize,
          riffSize,
          riffSizeMatchesFile: riffSize + 8 === fileSize,
          format,
          chunks,
          dataOffset: pos + 8,
          dataLength: size,
          frames: Math.floor(size / format.blockAlign),
          dataPadMissing: size % 2 === 1 && bodyEnd === fileSize,
          headerLength: pos + 8,
        },
      };
    }
    if (bodyEnd > fileSize) {
      throw malformed(
        `chunk ${JSON.stringify(id)} at offset ${pos} declares ${size} bytes, past the end of the file`,
      );
    }
    if (id === 'fmt ') {
      if (format) throw malformed('more than one fmt chunk');
      const mf = need(bodyEnd);
      if (mf) return mf;
      format = parseFmt(head.subarray(pos + 8, bodyEnd));
    }
    // Odd-sized chunks are followed by a pad byte.
    pos = bodyEnd + (size & 1);
  }
}

/** Like `tryParseWavHeader`, but `head` must already hold everything the header needs. */
export function parseWavHeader(head: Uint8Array, fileSize: number): WavLayout {
  const r = tryParseWavHeader(head, fileSize);
  if ('layout' in r) return r.layout;
  throw malformed(`header needs ${r.needBytes} bytes, got ${head.length}`);
}

export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * Reads just enough of a file (local or S3 ranged GET) to parse its header: 4 KiB, then doubling,
 * never more than MAX_HEADER_BYTES + 8. Returns the layout and the header bytes it read.
 */
export async function readWavLayout(
  readAt: ReadAt,
  fileSize: number,
): Promise<{ layout: WavLayout; head: Uint8Array }> {
  let head = new Uint8Array(0);
  let want = Math.min(fileSize, 4096);
  for (;;) {
    if (want > head.length) {
      const extra = await readAt(head.length, want - head.length);
      if (extra.length !== want - head.length) {
        throw malformed(
          `short read: wanted ${want - head.length} bytes at ${head.length}, got ${extra.length}`,
        );
      }
      const next = new Uint8Array(want);
      next.set(head);
      next.set(extra, head.length);
      head = next;
    }
    const r = tryParseWavHeader(head, fileSize);
    if ('layout' in r) return { layout: r.layout, head };
    want = Math.min(fileSize, MAX_HEADER_BYTES + 8, Math.max(r.needBytes, want * 2));
  }
}

// Products within this many frames of an integer snap to it, so decimal seconds such as 1.15 s
// (1.15 * 8000 = 9199.999999999998 in binary floating point) give the frame a person expects.
const FRAME_EPSILON = 1e-6;

function toFrame(seconds: number, rate: number, round: (x: number) => number): number {
  const x = seconds * rate;
  const r = Math.round(x);
  return Math.abs(x - r) <= FRAME_EPSILON ? r : round(x);
}

/** Frames [floor(from·rate), ceil(to·rate)) clamped to the audio; throws for bad or outside ranges. */
export function frameRange(range: TimeRange, sampleRate: number, frames: number): [number, number] {
  const { from, to } = range;
  if (typeof from !== 'number' || typeof to !== 'number' || !Number.isFinite(from) || !Number.isFinite(to)) {
    throw new WavError('INVALID_RANGE', `range ${from}-${to}: from and to must be finite numbers of seconds`);
  }
  if (from < 0) throw new WavError('INVALID_RANGE', `range ${from}-${to}: from must not be negative`);
  if (from >= to) throw new WavError('INVALID_RANGE', `range ${from}-${to}: from must be before to`);
  const start = toFrame(from, sampleRate, Math.floor);
  const end = Math.min(toFrame(to, sampleRate, Math.ceil), frames);
  if (start >= frames) {
    const duration = frames / sampleRate;
    throw new WavError(
      'RANGE_OUT_OF_BOUNDS',
      `range ${from}-${to} starts at or after the end of the audio (${duration} s, ${frames} frames)`,
    );
  }
  return [start, end];
}

/** Merges the ranges and turns them into byte spans to silence on the given channel(s). */
export function planSilence(layout: WavLayout, ranges: readonly TimeRange[], channel: Channel): SilencePlan {
  const { format } = layout;
  if (!CHANNELS.includes(channel)) {
    throw new WavError(
      'UNSUPPORTED_CHANNEL',
      `channel ${JSON.stringify(channel)} is not one of ${CHANNELS.join(', ')}`,
    );
  }
  if (channel !== 'both' && format.channels !== 2) {
    // Only the Connect stereo layout says which channel is the agent; guessing would silence the wrong person.
    throw new WavError(
      'UNSUPPORTED_CHANNEL',
      `channel ${channel} needs a stereo file (customer left, agent right); this file has ${format.channels} channel(s), use both`,
    );
  }
  if (ranges.length === 0) throw new WavError('INVALID_RANGE', 'at least one range is required');
  const frameRanges = ranges
    .map((r) => frameRange(r, format.sampleRate, layout.frames))
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of frameRanges) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const stride = format.blockAlign;
  const offset = channel === 'both' ? 0 : CHANNEL_INDEX[channel] * format.bytesPerSample;
  const width = channel === 'both' ? stride : format.bytesPerSample;
  const spans = merged.map(([s, e]) => ({
    start: layout.dataOffset + s * stride,
    end: layout.dataOffset + e * stride,
    stride,
    offset,
    width,
    fill: format.silenceByte,
  }));
  const framesSilenced = merged.reduce((n, [s, e]) => n + e - s, 0);
  return { spans, framesSilenced, bytesSilenced: framesSilenced * width };
}

/**
 * Silences, in place, the parts of `spans` that fall inside `chunk`, whose first byte sits at file
 * offset `chunkStart`. `spans` must be sorted and disjoint; `fromSpan` lets streaming callers skip
 * spans already passed. Returns the index of the first span that may still reach later bytes.
 */
export function applySilence(
  chunk: Uint8Array,
  chunkStart: number,
  spans: readonly SilenceSpan[],
  fromSpan = 0,
): number {
  const chunkEnd = chunkStart + chunk.length;
  let first = fromSpan;
  while (first < spans.length && spans[first]!.end <= chunkStart) first++;
  for (let i = first; i < spans.length; i++) {
    const span = spans[i]!;
    if (span.start >= chunkEnd) break;
    const lo = Math.max(span.start, chunkStart);
    const hi = Math.min(span.end, chunkEnd);
    const { stride, offset, width, fill } = span;
    if (width === stride) {
      chunk.fill(fill, lo - chunkStart, hi - chunkStart);
      continue;
    }
    // Positions relative to the chunk: partial frames at either edge, a tight loop in between.
    const loR = lo - chunkStart;
    const hiR = hi - chunkStart;
    const base = span.start - chunkStart;
    let f = base + Math.floor((loR - base) / stride) * stride;
    const partial = (frame: number) => {
      const a = Math.max(loR, frame + offset);
      const b = Math.min(hiR, frame + offset + width);
      for (let k = a; k < b; k++) chunk[k] = fill;
    };
    for (; f < hiR && !(f + offset >= loR && f + offset + width <= hiR); f += stride) partial(f);
    const last = hiR - offset - width;
    const at = chunk.byteOffset + f + offset;
    if ((width === 2 || width === 4) && stride % width === 0 && at % width === 0 && f <= last) {
      // A 2- or 4-byte sample per frame: one store per frame through a typed view (every byte of
      // the word is `fill`, so byte order does not matter), e.g. one channel of 16-bit stereo.
      const step = stride / width;
      const count = Math.floor((last - f) / stride) + 1;
      const length = (count - 1) * step + 1;
      const word = width === 2 ? fill * 0x101 : fill * 0x1010101;
      const view =
        width === 2 ? new Uint16Array(chunk.buffer, at, length) : new Uint32Array(chunk.buffer, at, length);
      for (let i = 0; i < length; i += step) view[i] = word;
      f += count * stride;
    } else if (width === 1) {
      for (let k = f + offset; f <= last; f += stride, k += stride) chunk[k] = fill;
    } else if (width === 2) {
      for (let k = f + offset; f <= last; f += stride, k += stride) {
        chunk[k] = fill;
        chunk[k + 1] = fill;
      }
    } else {
      for (; f <= last; f += stride) chunk.fill(fill, f + offset, f + offset + width);
    }
    for (; f < hiR; f += stride) partial(f);
  }
  return first;
}

/** True if any span byte falls in [start, end); used to skip untouched stream chunks without copying. */
function touches(spans: readonly SilenceSpan[], from: number, start: number, end: number): boolean {
  for (let i = from; i < spans.length; i++) {
    const s = spans[i]!;
    if (s.start >= end) return false;
    if (s.end > start) return true;
  }
  return false;
}

/**
 * A Transform that silences `spans` in a byte stream whose first byte is at file offset
 * `startOffset` (0 for a whole file, the part's start for an S3 ranged GET). Chunks that touch a
 * span are copied before being changed, so the producer's buffers are never mutated.
 */
export function createSilenceTransform(spans: readonly SilenceSpan[], startOffset = 0): Transform {
  let pos = startOffset;
  let next = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const end = pos + chunk.length;
      let out = chunk;
      if (touches(spans, next, pos, end)) {
        out = Buffer.from(chunk);
        next = applySilence(out, pos, spans, next);
      }
      pos = end;
      callback(null, out);
    },
  });
}
