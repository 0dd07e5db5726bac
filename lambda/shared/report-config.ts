/**
 * What the month's transparency report needs from the recording policy, as the functions that build
 * it (views, monthly report) receive it (`REPORT_POLICY`): the policy summary the report prints and
 * the agents never recorded (staff representatives). Derived from the recording policy here, once,
 * for the constructs, the CLI and both parsers. No SDK.
 */
import { z } from 'zod';
import type { RecordingPolicy } from '../core/policy';
import { type MonthPolicy, monthPolicyOf } from '../core/transparency/build';
import { policySummarySchema } from '../core/transparency/model';

export const REPORT_POLICY_ENV = 'REPORT_POLICY';

export const reportPolicySchema = policySummarySchema.extend({
  /** Connect user ids never recorded: their model row says `excluded`. */
  excludedAgents: z.array(z.string().min(1)),
});
export type ReportPolicy = z.output<typeof reportPolicySchema>;

export function reportPolicyOf(policy: MonthPolicy & Pick<RecordingPolicy, 'excludedAgents'>): ReportPolicy {
  return {
    ...monthPolicyOf(policy),
    excludedAgents: [...policy.excludedAgents].sort(),
  };
}
