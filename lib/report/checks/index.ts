/**
 * The registry of compliance checks, in report order. To add a check: write it in a file of this folder
 * (a `Check` object: stable id, title, concern, `run(ctx)` returning problems and evidence) and add it to
 * CHECKS. A check that only makes sense once some resource exists sets `onlyWhenRole` (e.g. `table:seeds`).
 */
import type { Check } from '../types';
import { ACCESS_CHECKS } from './access';
import { FLOW_CHECKS } from './flows';
import { nagAcknowledgements } from './nag';
import { regionEu } from './region';
import { SAMPLER_CHECKS } from './sampler';
import { STORAGE_CHECKS } from './storage';

export const CHECKS: readonly Check[] = [
  regionEu,
  ...STORAGE_CHECKS,
  ...FLOW_CHECKS,
  ...SAMPLER_CHECKS,
  ...ACCESS_CHECKS,
  nagAcknowledgements,
];

export { bucketAccessCheck, tableReadersCheck } from './access';
