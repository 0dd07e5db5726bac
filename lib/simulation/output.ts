/**
 * The files the simulation and `fairlisten export` write, in one canonical form so that both can be
 * given to `fairlisten verify` and compared byte for byte:
 * - decisions.jsonl: one DecisionRecord per line (fields in the order of the interface, no
 *   `expiresAt`), sorted by decidedAt then contactId;
 * - seeds.json: `{"YYYY-MM": {commitment, committedAt, seed, revealedAt}}`, revealed seeds only.
 */
import { compareDecisionKeys, type DecisionRecord } from '../../lambda/core/decision';
import { ALGORITHM_V2, type FairDecisionRecord } from '../../lambda/core/fair-lottery';
import { type SeedItem, seedOfItem } from '../../lambda/shared/seed-item';

export const DECISION_FIELDS = [
  'contactId',
  'initialContactId',
  'agentArn',
  'agentId',
  'queue',
  'period',
  'decidedAt',
  'u',
  'rate',
  'lotterySelected',
  'recorded',
  'reason',
  'policyVersion',
  'policyHash',
  'algorithmVersion',
] as const satisfies readonly (keyof DecisionRecord)[];

/** The fields a version-2 decision adds after the common ones (FairDecisionRecord). */
export const FAIR_DECISION_FIELDS = [
  'callIndex',
  'recordedBefore',
  'probability',
] as const satisfies readonly (keyof FairDecisionRecord)[];

/**
 * Exactly the DecisionRecord fields of a stored item, in interface order (absent → null), and for a
 * version-2 decision its three extra fields after them (a version-1 line stays byte for byte the same).
 */
export function toDecisionRecord(item: Record<string, unknown>): DecisionRecord {
  const out: Record<string, unknown> = {};
  for (const field of DECISION_FIELDS) out[field] = item[field] ?? null;
  if (item.algorithmVersion === ALGORITHM_V2)
    for (const field of FAIR_DECISION_FIELDS) out[field] = item[field] ?? null;
  return out as unknown as DecisionRecord;
}

export function sortDecisions(records: DecisionRecord[]): DecisionRecord[] {
  return records.sort(compareDecisionKeys);
}

export function decisionsJsonl(records: readonly DecisionRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

export interface RevealedSeed {
  commitment: string;
  committedAt: string;
  seed: string;
  revealedAt: string;
}

/** seeds.json from seed items: revealed and consistent ones only (an unrevealed seed is never written). */
export function seedsFile(items: readonly SeedItem[]): Record<string, RevealedSeed> {
  const out: Record<string, RevealedSeed> = {};
  for (const item of [...items].sort((a, b) => (a.period < b.period ? -1 : 1))) {
    if (!item.revealedAt || !item.committedAt || typeof item.seed !== 'string') continue;
    try {
      seedOfItem(item);
    } catch {
      continue; // a seed that does not match its commitment is not a revealed seed
    }
    out[item.period] = {
      commitment: item.commitment,
      committedAt: item.committedAt,
      seed: item.seed,
      revealedAt: item.revealedAt,
    };
  }
  return out;
}

export const jsonFile = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
