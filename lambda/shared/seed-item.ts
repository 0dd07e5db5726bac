/**
 * One item of the seeds table (`TABLES.seeds`, key `period`) and its life cycle:
 *
 *   created    {period, seed, commitment, createdAt}           conditional put, never overwritten
 *   audited    + commitAudit {seq, hash}                       seed-commitment appended to chain `seeds`
 *   committed  + committedAt                                   transparency object written; usable
 *   revealed   + revealAudit, revealedAt                        after the period ended + grace
 *
 * The sampler uses a seed only when `committedAt` is set and lies before the period's start, and
 * only when `SHA-256(seed)` equals the stored commitment.
 */
import { commitment as commitmentOf, seedFromHex } from '../core/lottery';

export interface AuditRef {
  readonly seq: number;
  readonly hash: string;
}

export interface SeedItem {
  readonly period: string;
  /** 64 lowercase hex characters: the secret until `revealedAt`. */
  readonly seed: string;
  /** SHA-256(seed), lowercase hex. */
  readonly commitment: string;
  readonly createdAt: string;
  readonly commitAudit?: AuditRef;
  /** When the commitment was published (audit chain and transparency object). */
  readonly committedAt?: string;
  readonly revealAudit?: AuditRef;
  readonly revealedAt?: string;
  /** Epoch seconds (TTL): the end of the period plus the audit retention; verification needs it until then. */
  readonly expiresAt?: number;
}

/** The transparency object `transparency/seeds/<period>.json`. */
export interface SeedTransparencyObject {
  period: string;
  commitment: string;
  committedAt: string;
  seed?: string;
  revealedAt?: string;
}

export const transparencyKey = (period: string): string => `transparency/seeds/${period}.json`;

/** Parses the seed of an item and checks it against its commitment; throws on any mismatch. */
export function seedOfItem(item: Pick<SeedItem, 'seed' | 'commitment'>): Uint8Array {
  const seed = seedFromHex(item.seed);
  if (commitmentOf(seed) !== item.commitment) throw new Error('seed does not match its commitment');
  return seed;
}
