/**
 * Which listens an approved coaching plan granted (C5, C7): an agent's listens up to the policy
 * maximum are regular; those beyond it, up to the plan's approved extra, are the plan's and carry
 * its id, in the published assignments (assignments.jsonl, the `listens/<P>` audit chain) and in
 * the month model — so a reader checks C5 without the database: regular listens per agent ≤ the
 * maximum, each plan's listens ≤ its approved extra (lib/verify/listens.ts). Pure.
 */
import { compareUtf16 } from './canonical-json';
import { effectiveStatus, type Plan } from './plans';

export interface PlanGrant {
  readonly agentId: string;
  readonly planId: string;
  /** Extra listens this plan may grant (already capped by the policy). */
  readonly extra: number;
}

/**
 * The listens with `planId` on those beyond `maxPerAgent` (an agent's listens in contact-id order;
 * the order is arbitrary but fixed so every reader marks the same ones). Beyond the maximum plus
 * the plans' extra, or without a plan, a listen stays unmarked: the check then reports it.
 */
export function markPlanListens<T extends { readonly agentId: string; readonly contactId: string }>(
  assignments: readonly T[],
  maxPerAgent: number,
  plans: readonly PlanGrant[],
): (T & { planId?: string })[] {
  const byAgent = new Map<string, T[]>();
  for (const a of assignments) byAgent.set(a.agentId, [...(byAgent.get(a.agentId) ?? []), a]);
  const planOf = new Map<T, string>();
  for (const [agentId, list] of byAgent) {
    const sorted = [...list].sort((x, y) => compareUtf16(x.contactId, y.contactId));
    const grants = plans
      .filter((p) => p.agentId === agentId)
      .flatMap((p) => Array.from({ length: Math.max(0, p.extra) }, () => p.planId));
    sorted.slice(maxPerAgent, maxPerAgent + grants.length).forEach((a, i) => {
      planOf.set(a, grants[i]!);
    });
  }
  return assignments.map((a) => {
    const planId = planOf.get(a);
    return planId ? { ...a, planId } : { ...a };
  });
}

/**
 * The grants of the plans running at `at` (approved before it, not ended), per agent in decision
 * order, capped together at `maxExtraListens` — the same selection as `extraListensByAgent`.
 */
export function planGrants(plans: readonly Plan[], at: Date, maxExtraListens: number): PlanGrant[] {
  const running = plans
    .filter(
      (p) => effectiveStatus(p, at) === 'approved' && p.decidedAt && Date.parse(p.decidedAt) <= at.getTime(),
    )
    .sort((x, y) => compareUtf16(`${x.decidedAt}|${x.planId}`, `${y.decidedAt}|${y.planId}`));
  const left = new Map<string, number>();
  const grants: PlanGrant[] = [];
  for (const p of running) {
    const room = left.get(p.agentId) ?? maxExtraListens;
    const extra = Math.min(room, p.extraListens);
    left.set(p.agentId, room - extra);
    if (extra > 0) grants.push({ agentId: p.agentId, planId: p.planId, extra });
  }
  return grants;
}
