/**
 * Coaching plans (C5, C7): the only way an agent gets listens above the monthly
 * maximum. Pure rules, no AWS.
 *
 *  - A coach proposes: the agent, a reason (≥ 20 characters: a plan is a documented decision, not a
 *    hunch), extra listens (1..policy.coachingPlan.maxExtraListens) and an end date (after now, at
 *    most policy.coachingPlan.maxDays away), only for an agent of another team (the cross-team rule
 *    of the assignment, C10; checked against the roster by the coaching function). A coach cannot
 *    propose a plan about themself. One running plan per agent (approved, not ended): plans cannot
 *    be stacked to pile listens on one person (C7). Pending proposals do not block each other —
 *    otherwise one coach's proposal would shut every other coach out until the DPO rejects it; the
 *    DPO approves at most one of them (the coaching function makes that approval conditional).
 *  - The data-protection officer approves or rejects — a second person, never the proposer, and
 *    outside the coaching line: a second coach could be the proposer's colleague; the DPO answers
 *    to the works council for every approval (they are counted in the transparency report).
 *  - A plan ends by date: its effective status is `expired` from `endsAt` on, whatever is stored
 *    (the item itself disappears by TTL after the audit retention).
 *  - No approved, running plan, no extra listen.
 */
import { z } from 'zod';
import { compareUtf16 } from './canonical-json';

export const PLAN_STATUSES = ['proposed', 'approved', 'rejected'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export type EffectiveStatus = PlanStatus | 'expired';

export const MIN_REASON_LENGTH = 20;
export const MAX_REASON_LENGTH = 1000;
const DAY_MS = 86_400_000;

export interface PlanLimits {
  readonly maxDays: number;
  readonly maxExtraListens: number;
}

export interface Plan {
  planId: string;
  agentId: string;
  /** Connect user id of the proposing coach. */
  proposedBy: string;
  /** Token subject of the proposer (to refuse self-approval across roles). */
  proposerSubject: string;
  reason: string;
  extraListens: number;
  createdAt: string;
  endsAt: string;
  status: PlanStatus;
  decidedBy?: string;
  decidedAt?: string;
  /** Epoch seconds (TTL). */
  expiresAt: number;
}

export const proposalSchema = (limits: PlanLimits) =>
  z.strictObject({
    agentId: z.uuid(),
    reason: z
      .string()
      .trim()
      .min(MIN_REASON_LENGTH, { error: `reason must be at least ${MIN_REASON_LENGTH} characters` })
      .max(MAX_REASON_LENGTH),
    extraListens: z
      .number()
      .int()
      .min(1)
      .max(limits.maxExtraListens, {
        error: `extraListens must not exceed policy.coachingPlan.maxExtraListens (${limits.maxExtraListens}, C5)`,
      }),
    endsAt: z.iso.datetime({ offset: true }),
  });
export type Proposal = z.infer<ReturnType<typeof proposalSchema>>;

export const decisionSchema = z.strictObject({ decision: z.enum(['approve', 'reject']) });

export function effectiveStatus(plan: Pick<Plan, 'status' | 'endsAt'>, now: Date): EffectiveStatus {
  if (plan.status === 'rejected') return 'rejected';
  return now.getTime() >= Date.parse(plan.endsAt) ? 'expired' : plan.status;
}

/** Problems with a proposal (empty: acceptable). `existing` = the agent's other plans. */
export function checkProposal(
  proposal: Proposal,
  context: { now: Date; limits: PlanLimits; proposerId: string; existing: readonly Plan[] },
): string[] {
  const problems: string[] = [];
  const { now, limits } = context;
  const ends = Date.parse(proposal.endsAt);
  if (!(ends > now.getTime())) problems.push('endsAt must be in the future');
  if (ends > now.getTime() + limits.maxDays * DAY_MS) {
    problems.push(`endsAt must be at most ${limits.maxDays} days from now (policy.coachingPlan.maxDays, C5)`);
  }
  if (proposal.agentId === context.proposerId) problems.push('a coach cannot propose a plan about themself');
  if (runningPlanOf(context.existing, now))
    problems.push('the agent already has an approved, running plan (one at a time, C7)');
  return problems;
}

/** The agent's approved plan still running at `now`, if any (`existing` = the agent's plans). */
export function runningPlanOf(existing: readonly Plan[], now: Date, except?: string): Plan | undefined {
  return existing.find((p) => p.planId !== except && effectiveStatus(p, now) === 'approved');
}

/** Problems with a decision on `plan` by the caller (empty: acceptable). */
export function checkDecision(
  plan: Plan,
  context: { now: Date; deciderSubject: string; deciderIsDpo: boolean },
): string[] {
  const problems: string[] = [];
  if (!context.deciderIsDpo) problems.push('only the data-protection officer decides on plans');
  if (context.deciderSubject === plan.proposerSubject)
    problems.push('the proposer cannot decide on their own plan');
  const status = effectiveStatus(plan, context.now);
  if (status !== 'proposed') problems.push(`the plan is ${status}, not proposed`);
  return problems;
}

/**
 * Extra listens per agent for an assignment run at `at`: approved plans running at `at`
 * (decided before it, ending after it), summed per agent and capped at `maxExtraListens`.
 */
export function extraListensByAgent(
  plans: readonly Plan[],
  at: Date,
  maxExtraListens: number,
): { agentId: string; extra: number; plans: number }[] {
  const byAgent = new Map<string, { extra: number; plans: number }>();
  for (const p of plans) {
    if (effectiveStatus(p, at) !== 'approved') continue;
    if (!p.decidedAt || Date.parse(p.decidedAt) > at.getTime()) continue;
    const e = byAgent.get(p.agentId) ?? { extra: 0, plans: 0 };
    e.extra += p.extraListens;
    e.plans += 1;
    byAgent.set(p.agentId, e);
  }
  return [...byAgent]
    .map(([agentId, e]) => ({ agentId, extra: Math.min(e.extra, maxExtraListens), plans: e.plans }))
    .sort((a, b) => compareUtf16(a.agentId, b.agentId));
}

/**
 * TTL of a plan item: the audit retention after its creation (a plan ends within
 * coachingPlanMaxDays of it, so it is never removed while it runs).
 */
export function planExpiresAt(createdAt: string, retentionDays: number): number {
  return Math.floor(Date.parse(createdAt) / 1000) + retentionDays * 86_400;
}

/** Whether a plan was running at some time within [from, to). */
export function overlaps(plan: Pick<Plan, 'createdAt' | 'endsAt'>, from: Date, to: Date): boolean {
  return Date.parse(plan.createdAt) < to.getTime() && Date.parse(plan.endsAt) > from.getTime();
}
