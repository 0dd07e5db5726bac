/**
 * Listening: the playback URL lifetime (C3) and the assignment rule — how many listens, by whom,
 * on what schedule (C5, C7, C8, C10) — as the functions receive them from the template.
 */
import { PLAYBACK_ENV } from '../../../lambda/playback/config';
import { LISTENING_ENV } from '../../../lambda/shared/listening-config';
import type { Check } from '../types';
import {
  envProperty,
  ev,
  Findings,
  functionsWithEnv,
  HARD_LIMITS,
  parseJsonObject,
  policyNumber,
} from './helpers';
import { dailyScheduleCheck } from './sampler';

const ttl = HARD_LIMITS.playbackUrlTtlSeconds;

export const playbackUrlTtl: Check = {
  id: 'PLAYBACK-URL-TTL',
  title: `A playback URL lives at most ${ttl.max} s (5 minutes), as the policy says`,
  concern: 'C3',
  run: (ctx) => {
    const f = new Findings();
    for (const d of functionsWithEnv(ctx, 'function:playback', PLAYBACK_ENV.urlTtlSeconds, f)) {
      f.add(ev(d.stack, d.logicalId, envProperty(PLAYBACK_ENV.urlTtlSeconds), d.value, 'function:playback'));
      const v = typeof d.value === 'string' && /^\d+$/.test(d.value) ? Number(d.value) : undefined;
      if (v === undefined) {
        f.problem(
          `${d.logicalId}: PLAYBACK_URL_TTL_SECONDS ${JSON.stringify(d.value)} is not a whole number of seconds`,
        );
        continue;
      }
      if (v < ttl.min || v > ttl.max)
        f.problem(
          `${d.logicalId}: playback URLs live ${v} s, outside the hard limits ${ttl.min}..${ttl.max} s (C3)`,
        );
      const declared = policyNumber(d.stack, 'playbackUrlTtlSeconds');
      if (declared !== undefined && declared !== v)
        f.problem(
          `${d.logicalId}: deployed PLAYBACK_URL_TTL_SECONDS ${v} differs from the policy metadata (${declared})`,
        );
    }
    return f;
  },
};

/** The fields of LISTENING_POLICY the assignment enforces, their limits and the policy field they come from. */
const LISTENING_FIELDS = [
  {
    field: 'minPerAgent',
    limit: HARD_LIMITS.listensPerAgentPerMonth,
    policy: ['listensPerAgentPerMonth', 'min'],
  },
  {
    field: 'maxPerAgent',
    limit: HARD_LIMITS.listensPerAgentPerMonth,
    policy: ['listensPerAgentPerMonth', 'max'],
  },
  {
    field: 'maxPerCoach',
    limit: HARD_LIMITS.maxListensPerCoachPerMonth,
    policy: ['maxListensPerCoachPerMonth'],
  },
  {
    field: 'maxExtraListens',
    limit: HARD_LIMITS.coachingPlanMaxExtraListens,
    policy: ['coachingPlan', 'maxExtraListens'],
  },
] as const;

const policyValue = (policy: Record<string, unknown> | undefined, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    policy,
  );

/** The assignment algorithm, stated as evidence: the template carries its inputs, not its code. */
export const ASSIGNMENT_ALGORITHM_EVIDENCE = {
  logicalId: '(code)',
  property: 'lambda/core/assignment.ts assignListens',
  value:
    'cross-team by construction: listens flow agent → agent team → coach team → coach, and the network has no edge between a team and itself; agent capacity min(maxPerAgent + approved extra, kept recordings), coach capacity maxPerCoach; choices by HMAC-SHA256(period seed) lottery',
  note: 'code, not template: the template cannot show it; test/lambda/core checks it',
} as const;

/** Part of ASSIGNMENT-RULE (not a row of its own). */
const assignmentSchedule = dailyScheduleCheck({
  id: 'ASSIGNMENT-SCHEDULE',
  title: 'The assignment runs daily',
  concern: 'C8',
  role: 'function:assignment',
  why: 'listens would not be assigned by rule',
});

export const assignmentRule: Check = {
  id: 'ASSIGNMENT-RULE',
  title:
    'Listens are assigned by rule: min/max per agent and max per coach within the hard limits and equal to the policy, to coaches of other teams',
  concern: 'C8',
  alsoConcerns: ['C5', 'C7', 'C10'],
  run: (ctx) => {
    const f = new Findings();
    const seen: string[] = [];
    for (const role of ['function:assignment', 'function:views']) {
      const required = role === 'function:assignment';
      const sub = new Findings();
      for (const d of functionsWithEnv(ctx, role, LISTENING_ENV.policy, sub)) {
        const { parsed, error } = parseJsonObject(d.value);
        f.add(ev(d.stack, d.logicalId, envProperty(LISTENING_ENV.policy), parsed ?? d.value, role));
        if (!parsed) {
          f.problem(`${d.logicalId}: LISTENING_POLICY is ${error}`);
          continue;
        }
        for (const { field, limit, policy } of LISTENING_FIELDS) {
          const v = parsed[field];
          if (typeof v !== 'number' || !Number.isInteger(v)) {
            f.problem(`${d.logicalId}: ${field} is ${JSON.stringify(v ?? null)}, not a whole number`);
            continue;
          }
          if (v < limit.min || v > limit.max)
            f.problem(
              `${d.logicalId}: ${field} ${v} is outside the hard limits ${limit.min}..${limit.max} (${limit.concern})`,
            );
          const declared = policyValue(d.stack.policy, policy);
          if (declared !== undefined && declared !== v)
            f.problem(
              `${d.logicalId}: deployed ${field} ${v} differs from the policy metadata ${policy.join('.')} (${String(declared)})`,
            );
        }
        const { minPerAgent: min, maxPerAgent: max } = parsed;
        if (typeof min === 'number' && typeof max === 'number' && min > max)
          f.problem(`${d.logicalId}: minPerAgent ${min} is above maxPerAgent ${max}`);
        if (required)
          seen.push(
            `min ${String(min)}, max ${String(max)} per agent, ${String(parsed.maxPerCoach)} per coach`,
          );
      }
      if (required) for (const p of sub.problems) f.problem(p);
      for (const e of sub.evidence) f.add(e);
    }
    for (const d of functionsWithEnv(ctx, 'function:assignment', LISTENING_ENV.teamLevel, f)) {
      const declared = policyValue(d.stack.policy, ['connect', 'teamHierarchyLevel']);
      f.add(ev(d.stack, d.logicalId, envProperty(LISTENING_ENV.teamLevel), d.value, 'what a team is (C10)'));
      if (declared !== undefined && declared !== d.value)
        f.problem(
          `${d.logicalId}: TEAM_HIERARCHY_LEVEL ${String(d.value)} differs from the policy (${String(declared)})`,
        );
    }
    const schedule = assignmentSchedule.run(ctx);
    for (const p of schedule.problems) f.problem(p);
    for (const e of schedule.evidence) f.add(e);
    f.add(ASSIGNMENT_ALGORITHM_EVIDENCE);
    return {
      ...f,
      summary: `${seen.join('; ') || '?'}; daily schedule; cross-team by construction (lambda/core/assignment.ts — code, not shown by the template)`,
    };
  },
};

export const LISTENING_CHECKS: readonly Check[] = [playbackUrlTtl, assignmentRule];
