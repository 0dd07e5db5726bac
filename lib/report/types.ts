/**
 * The compliance report's vocabulary: a check reads the synthesized templates (never the policy file or the
 * source) and answers pass or fail with the template values that decided it.
 */
import type { StackView } from './template';

export const CONCERNS = [
  'C1',
  'C2',
  'C3',
  'C4',
  'C5',
  'C6',
  'C7',
  'C8',
  'C9',
  'C10',
  'CNIL',
  'platform',
] as const;
export type Concern = (typeof CONCERNS)[number];

export type CheckStatus = 'pass' | 'fail';

/** One template value a verdict rests on. */
export interface Evidence {
  /** Stack the resource belongs to (omitted when the report covers a single stack). */
  readonly stack?: string;
  /** Logical id of the resource, or `(stack)` for stack-level facts (region, metadata). */
  readonly logicalId: string;
  /** Property path inside the resource, e.g. `Properties.LifecycleConfiguration.Rules[0].ExpirationInDays`. */
  readonly property: string;
  readonly value: unknown;
  /** Short reading of the value, when the raw value is not self-explanatory. */
  readonly note?: string;
}

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly concern: Concern;
  /** Further concerns the check answers in part (as declared by the check). */
  readonly alsoConcerns?: readonly Concern[];
  readonly status: CheckStatus;
  readonly evidence: readonly Evidence[];
  /** Why it failed (every problem), or a one-line summary of what was verified. */
  readonly detail?: string;
}

/** What a check returns; the engine adds id, title and concern. */
export interface CheckOutcome {
  /** Problems found; none means pass. */
  readonly problems: readonly string[];
  readonly evidence: readonly Evidence[];
  /** Summary printed when the check passes (and after the problems when it fails). */
  readonly summary?: string;
}

export interface CheckContext {
  /** Every stack of the cloud assembly. */
  readonly stacks: readonly StackView[];
}

export interface Check {
  /** Stable id (`REC-RETENTION`); reviewers and later issues refer to it. */
  readonly id: string;
  readonly title: string;
  readonly concern: Concern;
  /**
   * Further concerns this check answers in part (the concern → check matrix lists it under each).
   * @default - only `concern`
   */
  readonly alsoConcerns?: readonly Concern[];
  /**
   * The check is expected only once a resource with this `fairlisten:role` exists in some stack; until then it
   * is listed as not applicable instead of failing. Remove it to make the resource itself mandatory.
   * @default - always expected
   */
  readonly onlyWhenRole?: string;
  run(ctx: CheckContext): CheckOutcome;
}

export interface NotApplicable {
  readonly id: string;
  readonly title: string;
  readonly concern: Concern;
  readonly reason: string;
}

export interface Acknowledgement {
  readonly stack: string;
  readonly logicalId: string;
  readonly path?: string;
  readonly ruleId: string;
  readonly reason: string;
  /** `template`: resource Metadata `cdk_nag.rules_to_suppress`; `assembly`: the stack's cloud-assembly metadata. */
  readonly source: 'template' | 'assembly';
}

export interface StackSummary {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly templateFile: string;
  /** sha256 of the template file: the report is about exactly this template. */
  readonly templateSha256: string;
  /** SHA-256 of the template with its account id set aside: equal for the offline synth and the deployed stack. */
  readonly templateFingerprint: string;
  readonly resourceCount: number;
  readonly policyVersion?: string;
}

export interface ComplianceReport {
  readonly title: string;
  readonly cloudAssembly: string;
  readonly stacks: readonly StackSummary[];
  readonly summary: {
    readonly status: CheckStatus;
    readonly total: number;
    readonly passed: number;
    readonly failed: number;
    readonly notApplicable: number;
    readonly acknowledgements: number;
  };
  readonly checks: readonly CheckResult[];
  readonly notApplicable: readonly NotApplicable[];
  readonly acknowledgements: readonly Acknowledgement[];
}
