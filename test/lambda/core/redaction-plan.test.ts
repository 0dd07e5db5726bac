import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ByteRange,
  type PartLimits,
  PlanError,
  planRedactionParts,
  type RedactionPartPlan,
  S3_PART_LIMITS,
} from '../../../lambda/core/redaction-plan';
import { parseWavHeader, planSilence } from '../../../lambda/core/wav';

const MiB = 1024 * 1024;

function checkPlan(plan: RedactionPartPlan, size: number, spans: readonly ByteRange[], limits: PartLimits) {
  const { parts } = plan;
  // Tiles [0, size) exactly, in order.
  let pos = 0;
  for (const p of parts) {
    expect(p.start).toBe(pos);
    expect(p.end).toBeGreaterThan(p.start);
    pos = p.end;
  }
  expect(pos).toBe(size);
  // Legal sizes and count.
  expect(parts.length).toBeLessThanOrEqual(limits.maxParts);
  parts.forEach((p, i) => {
    expect(p.end - p.start).toBeLessThanOrEqual(limits.maxPartSize);
    if (i < parts.length - 1) expect(p.end - p.start).toBeGreaterThanOrEqual(limits.minPartSize);
  });
  // Every non-empty span lies inside a single rewrite part.
  for (const s of spans) {
    if (s.end === s.start) continue;
    const holder = parts.find((p) => p.start <= s.start && s.end <= p.end);
    expect(holder?.kind).toBe('rewrite');
  }
  const rewritten = parts.filter((p) => p.kind === 'rewrite').reduce((n, p) => n + p.end - p.start, 0);
  expect(plan.rewriteBytes).toBe(rewritten);
  expect(plan.copyBytes).toBe(size - rewritten);
  expect(plan.multipart).toBe(parts.length > 1);
}

describe('planRedactionParts', () => {
  it('10 s of stereo in a 1-hour Connect recording rewrites one 5 MiB part', () => {
    const size = 44 + 3600 * 32_000;
    const header = new Uint8Array(44);
    const dv = new DataView(header.buffer);
    header.set([0x52, 0x49, 0x46, 0x46], 0);
    dv.setUint32(4, size - 8, true);
    header.set([0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20], 8);
    dv.setUint32(16, 16, true);
    dv.setUint16(20, 1, true);
    dv.setUint16(22, 2, true);
    dv.setUint32(24, 8000, true);
    dv.setUint32(28, 32_000, true);
    dv.setUint16(32, 4, true);
    dv.setUint16(34, 16, true);
    header.set([0x64, 0x61, 0x74, 0x61], 36);
    dv.setUint32(40, 3600 * 32_000, true);
    const layout = parseWavHeader(header, size);
    const { spans } = planSilence(layout, [{ from: 1234.5, to: 1244.5 }], 'both');
    const plan = planRedactionParts(size, spans);
    checkPlan(plan, size, spans, S3_PART_LIMITS);
    expect(plan.rewriteBytes).toBe(5 * MiB);
    expect(plan.parts.map((p) => p.kind)).toEqual(['copy', 'rewrite', 'copy']);
  });

  it('a span at the very end is rewritten as a small last part', () => {
    const size = 100 * MiB;
    const plan = planRedactionParts(size, [{ start: size - 1000, end: size - 10 }]);
    expect(plan.parts.map((p) => [p.kind, p.end - p.start])).toEqual([
      ['copy', size - 1000],
      ['rewrite', 1000],
    ]);
  });

  it('a span near the start is rewritten from byte 0', () => {
    const plan = planRedactionParts(100 * MiB, [{ start: 44, end: 1000 }]);
    expect(plan.parts[0]).toEqual({ kind: 'rewrite', start: 0, end: 5 * MiB });
    expect(plan.rewriteBytes).toBe(5 * MiB);
  });

  it('spans closer than 5 MiB share one rewrite part', () => {
    const plan = planRedactionParts(100 * MiB, [
      { start: 10 * MiB, end: 10 * MiB + 10 },
      { start: 14 * MiB, end: 14 * MiB + 10 },
    ]);
    expect(plan.parts.filter((p) => p.kind === 'rewrite')).toEqual([
      { kind: 'rewrite', start: 10 * MiB, end: 15 * MiB },
    ]);
  });

  it('objects under 5 MiB are one rewrite part: a plain PutObject', () => {
    const plan = planRedactionParts(3 * MiB, [{ start: 100, end: 200 }]);
    expect(plan).toEqual({
      parts: [{ kind: 'rewrite', start: 0, end: 3 * MiB }],
      multipart: false,
      rewriteBytes: 3 * MiB,
      copyBytes: 0,
    });
  });

  it('no spans: copy only', () => {
    expect(planRedactionParts(12 * MiB, []).parts).toEqual([{ kind: 'copy', start: 0, end: 12 * MiB }]);
  });

  it('rejects spans outside the object, bad sizes and bad limits', () => {
    expect(() => planRedactionParts(10, [{ start: 5, end: 11 }])).toThrow(PlanError);
    expect(() => planRedactionParts(10, [{ start: 6, end: 5 }])).toThrow(/not inside the object/);
    expect(() => planRedactionParts(-1, [])).toThrow(/not a byte count/);
    expect(() => planRedactionParts(10, [], { minPartSize: 5, maxPartSize: 9, maxParts: 10 })).toThrow(
      /2·min/,
    );
    expect(() =>
      planRedactionParts(
        100,
        [
          { start: 0, end: 1 },
          { start: 50, end: 51 },
          { start: 99, end: 100 },
        ],
        { minPartSize: 10, maxPartSize: 20, maxParts: 3 },
      ),
    ).toThrow(expect.objectContaining({ code: 'TOO_MANY_PARTS' }));
  });

  it('a gap of exactly minPartSize is copied; one byte less is rewritten through', () => {
    const limits = { minPartSize: 10, maxPartSize: 20, maxParts: 100 };
    const exact = planRedactionParts(
      40,
      [
        { start: 0, end: 1 },
        { start: 20, end: 21 },
      ],
      limits,
    );
    expect(exact.parts.map((p) => [p.kind, p.start, p.end])).toEqual([
      ['rewrite', 0, 10],
      ['copy', 10, 20],
      ['rewrite', 20, 30],
      ['copy', 30, 40],
    ]);
    const closer = planRedactionParts(
      40,
      [
        { start: 0, end: 1 },
        { start: 19, end: 20 },
      ],
      limits,
    );
    expect(closer.parts.map((p) => [p.kind, p.start, p.end])).toEqual([
      ['rewrite', 0, 20],
      ['copy', 20, 40],
    ]);
  });

  it('accepts a plan of exactly maxParts parts and refuses one more', () => {
    const spans = [
      { start: 0, end: 1 },
      { start: 20, end: 21 },
    ];
    const limits = { minPartSize: 10, maxPartSize: 20, maxParts: 4 };
    expect(planRedactionParts(40, spans, limits).parts).toHaveLength(4);
    expect(() => planRedactionParts(40, spans, { ...limits, maxParts: 3 })).toThrow(
      /plan needs 4 parts, more than 3/,
    );
  });

  it('splits a long copy into near-equal parts no bigger than maxPartSize', () => {
    const plan = planRedactionParts(70, [], { minPartSize: 10, maxPartSize: 20, maxParts: 100 });
    expect(plan.parts.map((p) => [p.start, p.end])).toEqual([
      [0, 17],
      [17, 35],
      [35, 52],
      [52, 70],
    ]);
    expect(planRedactionParts(20, [], { minPartSize: 10, maxPartSize: 20, maxParts: 100 }).parts).toEqual([
      { kind: 'copy', start: 0, end: 20 },
    ]);
    expect(planRedactionParts(0, []).parts).toEqual([]);
  });

  it('splits a long rewrite without cutting a span or leaving a last part under minPartSize', () => {
    const limits = { minPartSize: 10, maxPartSize: 20, maxParts: 100 };
    // Spans 0–45 with 5-byte gaps: one rewrite region, cut at 20 unless a span crosses it.
    const spans = [
      { start: 0, end: 18 },
      { start: 19, end: 25 },
      { start: 30, end: 45 },
    ];
    const plan = planRedactionParts(60, spans, limits);
    expect(plan.parts.map((p) => [p.kind, p.start, p.end])).toEqual([
      ['rewrite', 0, 19],
      ['rewrite', 19, 30],
      ['rewrite', 30, 45],
      ['copy', 45, 60],
    ]);
    // Not at the end of the object the cut moves back so that the rest is at least minPartSize;
    // at the end of the object a short last part is allowed.
    const dots = [0, 9, 18, 27].map((start) => ({ start, end: start + 1 }));
    expect(planRedactionParts(40, dots, limits).parts.map((p) => [p.kind, p.start, p.end])).toEqual([
      ['rewrite', 0, 18],
      ['rewrite', 18, 28],
      ['copy', 28, 40],
    ]);
    expect(planRedactionParts(28, dots, limits).parts.map((p) => [p.kind, p.start, p.end])).toEqual([
      ['rewrite', 0, 20],
      ['rewrite', 20, 28],
    ]);
    // A span wider than maxPartSize cannot be placed.
    expect(() => planRedactionParts(100, [{ start: 10, end: 40 }], limits)).toThrow(
      expect.objectContaining({ code: 'PART_TOO_LARGE' }),
    );
  });

  it('accepts limits at their edges and refuses them one step beyond', () => {
    expect(
      planRedactionParts(4, [{ start: 1, end: 2 }], { minPartSize: 1, maxPartSize: 2, maxParts: 4 }).parts,
    ).toEqual([
      { kind: 'copy', start: 0, end: 1 },
      { kind: 'rewrite', start: 1, end: 2 },
      { kind: 'copy', start: 2, end: 4 },
    ]);
    for (const bad of [
      { minPartSize: 0, maxPartSize: 2, maxParts: 4 },
      { minPartSize: 2, maxPartSize: 3, maxParts: 4 },
      { minPartSize: 1, maxPartSize: 2, maxParts: 0 },
    ]) {
      expect(() => planRedactionParts(4, [], bad), JSON.stringify(bad)).toThrow(/part limits need/);
    }
  });

  it('accepts empty spans and spans ending at the object end; refuses the rest', () => {
    expect(
      planRedactionParts(10, [
        { start: 10, end: 10 },
        { start: 3, end: 3 },
      ]).parts,
    ).toEqual([{ kind: 'copy', start: 0, end: 10 }]);
    expect(planRedactionParts(10, [{ start: 9, end: 10 }]).rewriteBytes).toBe(10);
    for (const bad of [
      { start: -1, end: 2 },
      { start: 1.5, end: 2 },
      { start: 1, end: 2.5 },
      { start: 3, end: 2 },
      { start: 0, end: 11 },
    ]) {
      expect(() => planRedactionParts(10, [bad]), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
    expect(() => planRedactionParts(1.5, [])).toThrow(/not a byte count/);
  });

  it('merges overlapping and touching spans before planning', () => {
    const limits = { minPartSize: 10, maxPartSize: 20, maxParts: 100 };
    // Touching spans form one 20-byte cluster: it fits one part (it could not be cut at 20 anyway).
    const plan = planRedactionParts(
      60,
      [
        { start: 30, end: 40 },
        { start: 20, end: 30 },
        { start: 25, end: 35 },
      ],
      limits,
    );
    expect(plan.parts.map((p) => [p.kind, p.start, p.end])).toEqual([
      ['copy', 0, 20],
      ['rewrite', 20, 40],
      ['copy', 40, 60],
    ]);
  });

  it('never cuts a rewrite through the union of overlapping or touching spans', () => {
    const limits = { minPartSize: 10, maxPartSize: 20, maxParts: 100 };
    const kinds = (spans: ByteRange[]) =>
      planRedactionParts(100, [{ start: 0, end: 1 }, ...spans], limits)
        .parts.filter((p) => p.kind === 'rewrite')
        .map((p) => [p.start, p.end]);
    // The cut wants to fall at 19, inside the second span; cutting at that span's start (15) would
    // split the first span, so the cut goes to the start of their union.
    expect(
      kinds([
        { start: 10, end: 18 },
        { start: 15, end: 29 },
      ]),
    ).toEqual([
      [0, 10],
      [10, 29],
    ]);
    // Touching spans are one span too: 19 is their common edge, not a legal cut.
    expect(
      kinds([
        { start: 10, end: 19 },
        { start: 19, end: 29 },
      ]),
    ).toEqual([
      [0, 10],
      [10, 29],
    ]);
    // A span that starts near byte 0 and is wider than maxPartSize cannot be placed either.
    expect(() => planRedactionParts(100, [{ start: 1, end: 25 }], limits)).toThrow(
      expect.objectContaining({ code: 'PART_TOO_LARGE' }),
    );
  });

  it('cuts a long rewrite at a span end, and at a span start exactly minPartSize on', () => {
    const limits = { minPartSize: 5, maxPartSize: 10, maxParts: 100 };
    const spans = [
      { start: 0, end: 4 },
      { start: 6, end: 10 },
      { start: 12, end: 14 },
      { start: 15, end: 22 },
    ];
    const plan = planRedactionParts(100, spans, limits);
    checkPlan(plan, 100, spans, limits);
    // 10 is where the first span group ends: a legal cut. The next cut would be 20, moved back to
    // 17 so that the rest is ≥ 5 bytes, then to 15 (the start of the span around 17): exactly 5 on.
    expect(plan.parts.filter((p) => p.kind === 'rewrite').map((p) => [p.start, p.end])).toEqual([
      [0, 10],
      [10, 15],
      [15, 22],
    ]);
  });

  it('rewrites through a gap that a padded region leaves empty instead of starting a new region', () => {
    const limits = { minPartSize: 10, maxPartSize: 20, maxParts: 100 };
    // The first region is padded to 10 bytes; the next span starts exactly there. One 12-byte
    // rewrite, not two parts of 10.
    const spans = [
      { start: 0, end: 2 },
      { start: 10, end: 12 },
    ];
    const plan = planRedactionParts(40, spans, limits);
    checkPlan(plan, 40, spans, limits);
    expect(plan.parts.map((p) => [p.kind, p.start, p.end])).toEqual([
      ['rewrite', 0, 12],
      ['copy', 12, 26],
      ['copy', 26, 40],
    ]);
    expect(plan.rewriteBytes).toBe(12);
  });

  it('accepts maxParts 1: a one-part plan passes, a two-part plan is too many parts', () => {
    const limits = { minPartSize: 1, maxPartSize: 4, maxParts: 1 };
    expect(planRedactionParts(4, [{ start: 0, end: 4 }], limits).parts).toEqual([
      { kind: 'rewrite', start: 0, end: 4 },
    ]);
    expect(() => planRedactionParts(8, [{ start: 1, end: 2 }], limits)).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_PARTS' }),
    );
  });

  it('property: overlapping spans, no splitting needed: tiles exactly, legal sizes, spans inside rewrites', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(40)), { maxLength: 12 }),
        (min, size, raw) => {
          const limits = { minPartSize: min, maxPartSize: Math.max(2 * min, size), maxParts: 10_000 };
          const spans = raw.map(([s, len]) => {
            const start = s % size;
            return { start, end: Math.min(size, start + len) };
          });
          const plan = planRedactionParts(size, spans, limits);
          checkPlan(plan, size, spans, limits);
          if (spans.every((s) => s.end === s.start)) expect(plan.rewriteBytes).toBe(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: disjoint spans with small part limits: big copies and rewrites are split legally', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.nat(60),
        fc.array(fc.tuple(fc.nat(80), fc.nat(100)), { maxLength: 15 }),
        fc.nat(200),
        (min, extra, raw, tail) => {
          const limits = { minPartSize: min, maxPartSize: 3 * min + extra, maxParts: 10_000 };
          const spans: ByteRange[] = [];
          let pos = 0;
          for (const [gap, len] of raw) {
            const start = pos + 1 + gap;
            spans.push({ start, end: start + 1 + (len % min) });
            pos = start + 1 + (len % min);
          }
          const size = pos + tail + 1;
          const plan = planRedactionParts(size, spans, limits);
          checkPlan(plan, size, spans, limits);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: real S3 limits on recording-sized objects', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 * 1024 * MiB }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(20 * MiB)), { maxLength: 8 }),
        (size, raw) => {
          const spans = raw.map(([f, len]) => {
            const start = Math.min(size - 1, Math.floor(f * size));
            return { start, end: Math.min(size, start + len + 1) };
          });
          const plan = planRedactionParts(size, spans);
          checkPlan(plan, size, spans, S3_PART_LIMITS);
          // Each span group costs at most max(5 MiB, its own bytes + the < 5 MiB gaps it swallowed).
          const covered = spans.reduce((n, s) => n + s.end - s.start, 0);
          expect(plan.rewriteBytes).toBeLessThanOrEqual(
            Math.min(size, spans.length * 10 * MiB + covered * 2),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
