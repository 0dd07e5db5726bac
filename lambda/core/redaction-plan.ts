/**
 * Plans an S3 multipart upload that rewrites a recording in place with as few bytes as possible
 * travelling through the function: untouched ranges become server-side UploadPartCopy parts, and
 * only the parts holding silence spans are fetched, silenced and uploaded.
 *
 * Pure: sizes in, parts out.
 */

export interface ByteRange {
  /** Inclusive. */
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export interface PlannedPart extends ByteRange {
  /** `copy`: UploadPartCopy of the source range; `rewrite`: GET, silence, UploadPart. */
  readonly kind: 'copy' | 'rewrite';
}

export interface PartLimits {
  /** Every part except the last must be at least this big. */
  readonly minPartSize: number;
  readonly maxPartSize: number;
  readonly maxParts: number;
}

/** https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
export const S3_PART_LIMITS: PartLimits = {
  minPartSize: 5 * 1024 * 1024,
  maxPartSize: 5 * 1024 * 1024 * 1024,
  maxParts: 10_000,
};

export interface RedactionPartPlan {
  /** Tiles [0, objectSize) in order. */
  readonly parts: readonly PlannedPart[];
  /** False when one part covers the object: use PutObject (rewrite) or CopyObject (copy) instead. */
  readonly multipart: boolean;
  readonly rewriteBytes: number;
  readonly copyBytes: number;
}

export type PlanErrorCode = 'INVALID_INPUT' | 'TOO_MANY_PARTS' | 'PART_TOO_LARGE';

export class PlanError extends Error {
  override readonly name = 'PlanError';
  constructor(
    readonly code: PlanErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Region {
  start: number;
  coverEnd: number;
  clusters: ByteRange[];
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Spans sorted and merged where they overlap or touch; empty spans dropped. */
function mergeSpans(spans: readonly ByteRange[], objectSize: number): ByteRange[] {
  for (const s of spans) {
    if (!isSize(s.start) || !isSize(s.end) || s.start > s.end || s.end > objectSize) {
      throw new PlanError(
        'INVALID_INPUT',
        `span ${s.start}-${s.end} is not inside the object (0-${objectSize})`,
      );
    }
  }
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  return merged;
}

/** Splits an untouched range into copy parts no bigger than the limit (each ≥ max/2 ≥ min). */
function copyParts(start: number, end: number, limits: PartLimits): PlannedPart[] {
  const len = end - start;
  // An empty range gives n = 0 parts.
  const n = Math.ceil(len / limits.maxPartSize);
  const parts: PlannedPart[] = [];
  for (let i = 0; i < n; i++) {
    parts.push({
      kind: 'copy',
      start: start + Math.floor((len * i) / n),
      end: start + Math.floor((len * (i + 1)) / n),
    });
  }
  return parts;
}

/** Splits a rewrite region bigger than the part limit, never cutting through a span. */
function rewriteParts(
  start: number,
  end: number,
  clusters: readonly ByteRange[],
  limits: PartLimits,
  objectSize: number,
) {
  const parts: PlannedPart[] = [];
  let p = start;
  while (end - p > limits.maxPartSize) {
    let e = p + limits.maxPartSize;
    if (end - e < limits.minPartSize && end !== objectSize) e = end - limits.minPartSize;
    const inside = clusters.find((c) => c.start < e && e < c.end);
    if (inside) e = inside.start;
    if (e - p < limits.minPartSize) {
      throw new PlanError(
        'PART_TOO_LARGE',
        `cannot split the rewrite range ${start}-${end} into legal parts`,
      );
    }
    parts.push({ kind: 'rewrite', start: p, end: e });
    p = e;
  }
  parts.push({ kind: 'rewrite', start: p, end });
  return parts;
}

/**
 * Tiles [0, objectSize) with copy and rewrite parts so that every span lies inside one rewrite
 * part, every part but the last is ≥ minPartSize, none exceeds maxPartSize, and the rewritten
 * bytes are as few as this greedy allows: each group of spans is rewritten in a part of
 * max(group, minPartSize) bytes, and groups closer than minPartSize share a part because the copy
 * between them would be too small.
 */
export function planRedactionParts(
  objectSize: number,
  spans: readonly ByteRange[],
  limits: PartLimits = S3_PART_LIMITS,
): RedactionPartPlan {
  if (!isSize(objectSize))
    throw new PlanError('INVALID_INPUT', `object size ${objectSize} is not a byte count`);
  const { minPartSize: min, maxPartSize: max } = limits;
  if (!(min >= 1 && max >= 2 * min && limits.maxParts >= 1)) {
    throw new PlanError(
      'INVALID_INPUT',
      `part limits need 1 ≤ min and 2·min ≤ max, got min ${min}, max ${max}`,
    );
  }
  const clusters = mergeSpans(spans, objectSize);
  const regions: Region[] = [];
  const requiredEnd = (r: Region) => Math.min(objectSize, Math.max(r.coverEnd, r.start + min));
  for (const c of clusters) {
    const last = regions[regions.length - 1];
    const gapFrom = last ? requiredEnd(last) : 0;
    // A copy part between two regions must be at least min bytes: a smaller (or empty) gap is
    // rewritten through, which never rewrites more than starting a new region there would.
    if (c.start - gapFrom >= min) {
      regions.push({ start: c.start, coverEnd: c.end, clusters: [c] });
    } else if (last) {
      // The copy part in between would be too small: rewrite through it.
      last.coverEnd = Math.max(last.coverEnd, c.end);
      last.clusters.push(c);
    } else {
      regions.push({ start: 0, coverEnd: c.end, clusters: [c] });
    }
  }
  const parts: PlannedPart[] = [];
  let pos = 0;
  for (const r of regions) {
    const end = requiredEnd(r);
    parts.push(...copyParts(pos, r.start, limits));
    parts.push(...rewriteParts(r.start, end, r.clusters, limits, objectSize));
    pos = end;
  }
  parts.push(...copyParts(pos, objectSize, limits));
  if (parts.length > limits.maxParts) {
    throw new PlanError('TOO_MANY_PARTS', `plan needs ${parts.length} parts, more than ${limits.maxParts}`);
  }
  const rewriteBytes = parts.reduce((n, p) => n + (p.kind === 'rewrite' ? p.end - p.start : 0), 0);
  return { parts, multipart: parts.length > 1, rewriteBytes, copyBytes: objectSize - rewriteBytes };
}
