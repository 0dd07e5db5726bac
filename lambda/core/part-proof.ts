/**
 * The redaction proof of a multipart object, from the SHA-256 checksums S3 computes per part
 * (for UploadPart and for server-side UploadPartCopy alike) and its composite object checksum:
 * SHA-256 over the concatenated binary part digests, base64, suffixed `-<parts>`. With these the
 * function never reads the new object back, and anyone holding a downloaded copy can check it
 * offline, part by part.
 *
 * Pure: digests in, checks out (node:crypto only).
 */
import { createHash } from 'node:crypto';

export interface ProofPart {
  /** Byte offset of the part in the object (inclusive). */
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** SHA-256 of the part's bytes, base64 (as S3 returns it). */
  readonly sha256: string;
}

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** SHA-256 of the bytes, base64: S3's `ChecksumSHA256` of a part or a single-part object. */
export function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** S3's composite checksum of a multipart object from its parts' base64 SHA-256s, in part order. */
export function compositeChecksum(partDigests: readonly string[]): string {
  const hash = createHash('sha256');
  for (const d of partDigests) {
    if (!BASE64_SHA256.test(d)) throw new Error(`not a base64 SHA-256 digest: ${JSON.stringify(d)}`);
    hash.update(Buffer.from(d, 'base64'));
  }
  return `${hash.digest('base64')}-${partDigests.length}`;
}

/**
 * What is wrong with a proof's part list before any byte is read (empty: nothing): the parts
 * must tile [0, size) in order and the composite must be the one of their digests.
 */
export function proofShapeProblems(parts: readonly ProofPart[], checksum: string, size: number): string[] {
  const problems: string[] = [];
  if (parts.length === 0) return ['the proof lists no parts'];
  let pos = 0;
  parts.forEach((p, i) => {
    const n = i + 1;
    if (
      !Number.isSafeInteger(p.start) ||
      !Number.isSafeInteger(p.end) ||
      p.start !== pos ||
      p.end <= p.start
    ) {
      problems.push(`part ${n}: bytes ${p.start}-${p.end} do not follow on from byte ${pos}`);
    }
    if (!BASE64_SHA256.test(p.sha256))
      problems.push(`part ${n}: ${JSON.stringify(p.sha256)} is not a SHA-256`);
    pos = Number.isSafeInteger(p.end) ? p.end : pos;
  });
  if (pos !== size) problems.push(`the parts cover ${pos} bytes, the file has ${size}`);
  if (problems.length === 0) {
    const expected = compositeChecksum(parts.map((p) => p.sha256));
    if (expected !== checksum) {
      problems.push(
        `the object checksum ${checksum} is not the composite of the part checksums (${expected})`,
      );
    }
  }
  return problems;
}
