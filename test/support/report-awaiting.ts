/**
 * Report rows that fail on the real template because the template itself lacks something (real findings,
 * reported to the lead with the exact construct change). Each entry knows how to tell from the template whether
 * the gap is still there, so the tests follow the template: once the change lands, the row must pass.
 * Nothing here hides a failure — the compliance report itself still fails until the change is made.
 */
import type { StackView } from '../../lib/report/template';
import type { Mutable } from './report-fixture';

export interface AwaitingChange {
  readonly ids: readonly string[];
  /** Expected failure detail while the gap exists. */
  readonly detail: RegExp;
  /** The change the lead makes (README of the hand-off). */
  readonly change: string;
  /** True while the template still lacks it. */
  readonly missing: (stacks: readonly StackView[]) => boolean;
  /** The same change applied to a template copy, to show the rows pass once it is made. */
  readonly apply: (m: Mutable) => void;
}

const samplerVars = (s: StackView) =>
  s.withRole('function:sampler').map(([, r]) => (r.Properties?.Environment as Json)?.Variables ?? {});
// biome-ignore lint/suspicious/noExplicitAny: raw CloudFormation JSON
type Json = any;

export const AWAITING: readonly AwaitingChange[] = [
  {
    ids: ['ALGORITHM-PUBLISHED', 'RECORDING-CAPS'],
    detail: /has no environment variable FAIRLISTEN_ALGORITHM/,
    change:
      'lib/constructs/sampling-service.ts: environment FAIRLISTEN_ALGORITHM: ALGORITHM_VERSION (lambda/core/lottery.ts)',
    missing: (stacks) => stacks.some((s) => samplerVars(s).some((v: Json) => !('FAIRLISTEN_ALGORITHM' in v))),
    apply: (m) => {
      m.props('function:sampler').Environment.Variables.FAIRLISTEN_ALGORITHM = 'fairlisten-lottery-v1';
    },
  },
  {
    ids: ['RETENTION-ONE-YEAR'],
    detail: /\(table:seeds\): no TTL/,
    change: "lambda/shared/tables.ts: seeds ttlAttribute 'expiresAt' (+ the seed item writes expiresAt)",
    missing: (stacks) =>
      stacks.some((s) =>
        s
          .withRole('table:seeds')
          .some(([, r]) => (r.Properties as Json)?.TimeToLiveSpecification?.Enabled !== true),
      ),
    apply: (m) => {
      m.props('table:seeds').TimeToLiveSpecification = { AttributeName: 'expiresAt', Enabled: true };
    },
  },
];

/** The entries whose gap the template still has. */
export const awaiting = (stacks: readonly StackView[]) => AWAITING.filter((a) => a.missing(stacks));

/** Row ids expected to fail on the template because of a pending change. */
export const awaitingIds = (stacks: readonly StackView[]) =>
  [...new Set(awaiting(stacks).flatMap((a) => a.ids))].sort();

/** Applies every pending change (as the lead will in the constructs) to a template copy. */
export const withLeadChanges = (m: Mutable) => {
  for (const a of AWAITING) a.apply(m);
};
