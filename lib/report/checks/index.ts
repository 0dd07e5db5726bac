/**
 * The registry of compliance checks, in report order. To add a check: write it in a file of this folder
 * (a `Check` object: stable id, title, concern, `run(ctx)` returning problems and evidence) and add it to
 * CHECKS. A check that only makes sense once some resource exists sets `onlyWhenRole` (e.g. `table:seeds`).
 */
import type { Check } from '../types';
import { ACCESS_CHECKS } from './access';
import { AUDIT_CHECKS } from './audit';
import { FLOW_CHECKS } from './flows';
import { LISTENING_CHECKS } from './listening';
import { nagAcknowledgements } from './nag';
import { PRIVACY_CHECKS } from './privacy';
import { regionEu } from './region';
import { retentionWorstCase } from './retention';
import { SAMPLER_CHECKS } from './sampler';
import { STORAGE_CHECKS } from './storage';

export const CHECKS: readonly Check[] = [
  regionEu,
  ...STORAGE_CHECKS, // storage (C3)
  ...FLOW_CHECKS, // contact flows (C1, CNIL notice)
  ...SAMPLER_CHECKS, // sampler: rate, cap and pacing, algorithm, objection, seeds (C4–C7)
  ...ACCESS_CHECKS, // who reads and rewrites recordings and seeds (C2, C9)
  ...PRIVACY_CHECKS, // ingest triggers and privacy API (C9)
  ...LISTENING_CHECKS, // playback URL and assignment (C3, C5, C8, C10)
  ...AUDIT_CHECKS, // audit trail and one-year retention (C2, CNIL)
  retentionWorstCase, // worst-case lifetime of every kind of data (C3, CNIL)
  nagAcknowledgements,
];

export { bucketAccessCheck, tableReadersCheck } from './access';
