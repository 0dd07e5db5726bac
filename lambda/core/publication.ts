/**
 * The publication: what the works council relies on, written once to the audit bucket under
 * `published/` (Object Lock COMPLIANCE, `if-none-match` required, one writer per prefix):
 *
 *   published/seeds/<period>/commitment.json   {period, commitment, algorithm, committedAt}   before the period
 *   published/seeds/<period>/seed.json         {period, seed, commitment, revealedAt}         after it ended
 *   published/policies/<sha256>.json           canonical JSON of the policy the sampler enforces
 *   published/keys/<sha256 of SPKI>.pem        the public key that verifies the signed heads
 *   published/heads/<exportedAt>.json          {exportedAt, key, algorithm, chains[], signature}
 *
 * Heads are signed with ECDSA P-256 / SHA-256 over the canonical JSON (RFC 8785) of the heads
 * object without `signature`; the signature is DER, base64. KMS (`ECC_NIST_P256`,
 * `ECDSA_SHA_256`, MessageType RAW) produces exactly that, and so does node:crypto, so one
 * verification path serves the deployed key and the local stand-in.
 *
 * Pure: no SDK, no clock.
 */
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { z } from 'zod';
import { canonicalize, type JsonObject } from './canonical-json';
import { policyDocument, sha256Hex } from './policy-document';

export const PUBLISHED_PREFIX = 'published/';
export const PUBLISHED_SEEDS_PREFIX = `${PUBLISHED_PREFIX}seeds/`;
export const PUBLISHED_POLICIES_PREFIX = `${PUBLISHED_PREFIX}policies/`;
export const PUBLISHED_KEYS_PREFIX = `${PUBLISHED_PREFIX}keys/`;
export const PUBLISHED_HEADS_PREFIX = `${PUBLISHED_PREFIX}heads/`;
export const HEAD_SIGNATURE_ALGORITHM = 'ECDSA_SHA_256';

export const commitmentKey = (period: string): string => `${PUBLISHED_SEEDS_PREFIX}${period}/commitment.json`;
export const revealKey = (period: string): string => `${PUBLISHED_SEEDS_PREFIX}${period}/seed.json`;
export const policyKey = (sha256: string): string => `${PUBLISHED_POLICIES_PREFIX}${sha256}.json`;
export const publicKeyKey = (fingerprint: string): string => `${PUBLISHED_KEYS_PREFIX}${fingerprint}.pem`;
/** One heads object per export run; `:` is left out of the key so it is also a portable file name. */
export const headsKey = (exportedAt: string): string =>
  `${PUBLISHED_HEADS_PREFIX}${exportedAt.replaceAll(':', '')}.json`;

/** Keys of published commitments and policy documents: group 1 is the period or the SHA-256. */
export const PUBLISHED_COMMITMENT_RE = /^published\/seeds\/(\d{4}-\d{2})\/commitment\.json$/;
export const PUBLISHED_POLICY_RE = /^published\/policies\/([0-9a-f]{64})\.json$/;

const HEX64 = /^[0-9a-f]{64}$/;
const hex64 = z.string().regex(HEX64, 'must be 64 lowercase hex characters');
const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a period YYYY-MM');
const instant = z.iso.datetime({ offset: false });

export const commitmentObjectSchema = z.strictObject({
  period,
  commitment: hex64,
  algorithm: z.literal('sha256'),
  committedAt: instant,
});
export type CommitmentObject = z.infer<typeof commitmentObjectSchema>;

export const revealObjectSchema = z.strictObject({
  period,
  seed: hex64,
  commitment: hex64,
  revealedAt: instant,
});
export type RevealObject = z.infer<typeof revealObjectSchema>;

export const publishedHeadSchema = z.strictObject({
  chain: z.string().min(1).max(200),
  seq: z.number().int().min(1),
  hash: hex64,
  /** `at` of the head record. */
  at: instant,
});
export type PublishedHead = z.infer<typeof publishedHeadSchema>;

export const headsObjectSchema = z.strictObject({
  exportedAt: instant,
  /** SHA-256 of the public key's DER SubjectPublicKeyInfo: names `published/keys/<key>.pem`. */
  key: hex64,
  algorithm: z.literal(HEAD_SIGNATURE_ALGORITHM),
  chains: z.array(publishedHeadSchema),
  /** DER ECDSA signature, base64, of `headsSigningPayload`. */
  signature: z.string().min(1),
});
export type HeadsObject = z.infer<typeof headsObjectSchema>;
export type UnsignedHeads = Omit<HeadsObject, 'signature'>;

export { policyDocument, sha256Hex };

/** The bytes a heads object's signature covers. */
export function headsSigningPayload(heads: UnsignedHeads): Uint8Array {
  return new TextEncoder().encode(canonicalize(heads as unknown as JsonObject));
}

/** SHA-256 of the DER SubjectPublicKeyInfo of a PEM public key; throws when it is not one. */
export function publicKeyFingerprint(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return sha256Hex(der);
}

/** A PEM public key from the DER SubjectPublicKeyInfo KMS GetPublicKey returns. */
export function pemFromSpki(der: Uint8Array): string {
  return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

/** Does `heads.signature` verify with `publicKeyPem`? Never throws. */
export function headsSignatureValid(heads: HeadsObject, publicKeyPem: string): boolean {
  try {
    const { signature, ...unsigned } = heads;
    return verifySignature(
      'sha256',
      headsSigningPayload(unsigned),
      { key: createPublicKey(publicKeyPem), dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Formats a heads object as it is published (pretty JSON: council members read it). */
export const publishedJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
