/**
 * ffmpeg as an independent reference (CI installs it; these tests fail, never skip, without it).
 *
 * Two mutes are compared with ours after decoding everything to s16le with ffmpeg:
 * - `aeval`, evaluated per sample: `between(t,a,b)` is inclusive, ours is [floor(a·r), ceil(b·r)),
 *   so with a on a frame boundary and b·r not an integer both mute exactly the same frames and the
 *   decoded outputs must be identical.
 * - `volume=enable='between(t,a,b)':volume=0` (the command users know), which is evaluated once
 *   per decoded packet of up to 4096 frames: compare only frames more than a packet away from the
 *   boundaries, where both must be silent (inside) or equal to the source (outside).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../../lambda/core/wav';
import { redactFile } from '../../../lambda/core/wav-redact-file';
import { buildWav } from '../../support/wav-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'fairlisten-ffmpeg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PACKET_FRAMES = 4096;

function decode(file: string, filter?: string): Int16Array {
  const args = ['-nostdin', '-v', 'error', '-i', file];
  if (filter) args.push('-af', filter);
  args.push('-f', 's16le', '-acodec', 'pcm_s16le', '-');
  const out = execFileSync('ffmpeg', args, { maxBuffer: 1 << 28 });
  return new Int16Array(out.buffer, out.byteOffset, out.byteLength / 2);
}

interface Case {
  readonly name: string;
  readonly file: () => string;
  readonly channels: number;
  readonly rate: number;
}

const connectLike = () => {
  const f = join(dir, 'connect.wav');
  // 30 s of Connect-format audio: 8 kHz stereo s16le, a different tone per channel plus noise.
  const frames = 240_000;
  const bytes = buildWav({
    encoding: 'pcm',
    bits: 16,
    channels: 2,
    sampleRate: 8000,
    frames,
    before: [{ id: 'LIST', size: 21 }],
  });
  const dataOffset = bytes.length - frames * 4;
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < frames; i++) {
    dv.setInt16(dataOffset + i * 4, Math.round(8000 * Math.sin(i * 0.071)) | 1, true);
    dv.setInt16(dataOffset + i * 4 + 2, Math.round(6000 * Math.sin(i * 0.023)) | 1, true);
  }
  writeFileSync(f, bytes);
  return f;
};

const CASES: Case[] = [
  { name: 'PCM s16 stereo (generated, Connect format)', file: connectLike, channels: 2, rate: 8000 },
  {
    name: 'PCM s16 stereo (corpus)',
    file: () =>
      new URL('../../fixtures/corpus/wav/wavefile_16bit-8kHz-stereo_junk-before-data.wav', import.meta.url)
        .pathname,
    channels: 2,
    rate: 8000,
  },
  {
    name: 'mu-law stereo (corpus)',
    file: () =>
      new URL('../../fixtures/corpus/wav/wavefile_out_8bit-mulaw-8kHz-stereo_fmt7.wav', import.meta.url)
        .pathname,
    channels: 2,
    rate: 8000,
  },
  {
    name: 'mu-law mono (corpus)',
    file: () =>
      new URL('../../fixtures/corpus/wav/wavefile_8bit-mulaw-8kHz-mono_fmt7-fact.wav', import.meta.url)
        .pathname,
    channels: 1,
    rate: 8000,
  },
];

describe('ffmpeg reference', () => {
  for (const c of CASES) {
    const channels: Channel[] = c.channels === 2 ? ['both', 'agent', 'customer'] : ['both'];
    for (const channel of channels) {
      it(`${c.name}, ${channel}: identical to ffmpeg's per-sample mute`, async () => {
        const src = c.file();
        const a = 1.5;
        const b = 4.00005; // b·rate = 32000.4: frames ≤ 32000 are muted by both
        const out = join(dir, `out-${channel}.wav`);
        await redactFile(src, out, [{ from: a, to: b }], channel);
        const chan = channel === 'both' ? '1' : `eq(ch,${channel === 'agent' ? 1 : 0})`;
        const reference = decode(src, `aeval='val(ch)*not(between(t,${a},${b})*${chan})':c=same`);
        const ours = decode(out);
        const source = decode(src);
        expect(ours.length).toBe(reference.length);
        expect(ours.length).toBe(source.length);
        expect(Buffer.compare(Buffer.from(ours.buffer), Buffer.from(reference.buffer))).toBe(0);
        // And the mute did something: the source is not silent there.
        expect(Buffer.compare(Buffer.from(ours.buffer), Buffer.from(source.buffer))).not.toBe(0);
      });
    }

    it(`${c.name}: agrees with volume=enable away from ffmpeg's packet boundaries`, async () => {
      const src = c.file();
      const [a, b] = [2, 5];
      const out = join(dir, 'out-volume.wav');
      await redactFile(src, out, [{ from: a, to: b }], 'both');
      const ffmpeg = decode(src, `volume=enable='between(t,${a},${b})':volume=0`);
      const ours = decode(out);
      const source = decode(src);
      const frames = source.length / c.channels;
      let inside = 0;
      let outside = 0;
      for (let f = 0; f < frames; f++) {
        const strictlyInside = f >= a * c.rate + PACKET_FRAMES && f < b * c.rate - PACKET_FRAMES;
        const strictlyOutside = f < a * c.rate - PACKET_FRAMES || f >= b * c.rate + PACKET_FRAMES;
        for (let ch = 0; ch < c.channels; ch++) {
          const i = f * c.channels + ch;
          if (strictlyInside) {
            if (ours[i] !== 0 || ffmpeg[i] !== 0) throw new Error(`frame ${f} ch ${ch} not silent in both`);
          } else if (strictlyOutside) {
            if (ours[i] !== source[i] || ffmpeg[i] !== source[i])
              throw new Error(`frame ${f} ch ${ch} changed`);
          }
        }
        if (strictlyInside) inside++;
        if (strictlyOutside) outside++;
      }
      expect(inside).toBeGreaterThan(8000);
      expect(outside).toBeGreaterThan(8000);
    });
  }
});

describe('ffmpeg reference: header quirks of real files, and ranges at or past the end', () => {
  const corpus = (name: string) => new URL(`../../fixtures/corpus/wav/${name}`, import.meta.url).pathname;
  const files = [
    // LIST-INFO and an id3 chunk after data (Audacity), 3.94 s.
    'wavefile_Audacity-16bit_8k-stereo_LIST-INFO+id3-after-data.wav',
    // WAVE_FORMAT_EXTENSIBLE, 12 valid bits in 16, a LIST chunk after data, 2.94 s.
    'wavefile_M1F1-int12WE-AFsp_EXTENSIBLE-8k-stereo_LIST-after-data.wav',
  ];
  for (const file of files) {
    for (const channel of ['both', 'agent', 'customer'] as const) {
      it(`${file}, ${channel}: a middle range, a range to the last frame and one past it`, async () => {
        const src = corpus(file);
        const source = decode(src);
        // b·rate not an integer, so ffmpeg's inclusive between() and our ceil() mute the same frames.
        for (const [a, b] of [
          [0.5, 2.00005],
          [2.25, 2.93660625],
          [2.5, 100],
        ] as const) {
          const out = join(dir, `quirk-${channel}.wav`);
          await redactFile(src, out, [{ from: a, to: b }], channel, { sha256: true });
          const chan = channel === 'both' ? '1' : `eq(ch,${channel === 'agent' ? 1 : 0})`;
          const reference = decode(src, `aeval='val(ch)*not(between(t,${a},${b})*${chan})':c=same`);
          const ours = decode(out);
          expect(ours.length).toBe(source.length);
          expect(Buffer.compare(Buffer.from(ours.buffer), Buffer.from(reference.buffer))).toBe(0);
          if (a === 0.5) {
            // The middle of each file has sound on both channels (its ends may already be silent).
            expect(Buffer.compare(Buffer.from(ours.buffer), Buffer.from(source.buffer))).not.toBe(0);
          }
        }
      });
    }
  }
});
