/**
 * A small Connect-format call recording: WAV, 8 kHz, stereo (agent and customer tracks), signed
 * 16-bit little-endian, 44-byte header — the layout Amazon Connect writes (see
 * test/fixtures/corpus/RECORDING-FORMAT.md). Content is deterministic noise derived from `seed`,
 * never silent, so a redaction is visible in the bytes.
 */
import { createHash } from 'node:crypto';

export const WAV_SAMPLE_RATE = 8000;

export function connectWav(seconds: number, seed: string): Buffer {
  return connectNoiseWav(seconds, createHash('sha256').update(seed).digest().readUInt32LE(0));
}

/** The 44-byte header of a Connect-format WAV whose `data` chunk holds `dataBytes`. */
export function connectWavHeader(dataBytes: number): Buffer {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(2, 22);
  b.writeUInt32LE(WAV_SAMPLE_RATE, 24);
  b.writeUInt32LE(WAV_SAMPLE_RATE * 4, 28);
  b.writeUInt16LE(4, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(dataBytes, 40);
  return b;
}

/**
 * A Connect-format WAV of `seconds` whose samples come from a linear congruential generator started
 * at `state` (0 counts as 1): the same state gives the same bytes.
 */
export function connectNoiseWav(seconds: number, state: number): Buffer {
  const dataBytes = Math.round(seconds * WAV_SAMPLE_RATE) * 4;
  const b = Buffer.alloc(44 + dataBytes);
  connectWavHeader(dataBytes).copy(b);
  let s = state >>> 0 || 1;
  for (let i = 44; i < b.length; i++) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    b[i] = ((s >>> 16) & 0xfe) | 1; // odd bytes: no sample is ever silence
  }
  return b;
}

/** The key Connect gives a call recording: `<prefix>/YYYY/MM/DD/<contactId>_<YYYYMMDD>T<HH:MM>_UTC.wav`. */
export function recordingKey(prefix: string, contactId: string, at: Date): string {
  const iso = at.toISOString();
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  return `${prefix}/${y}/${m}/${d}/${contactId}_${y}${m}${d}T${iso.slice(11, 16)}_UTC.wav`;
}
