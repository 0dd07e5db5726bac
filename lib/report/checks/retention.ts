/**
 * The worst-case lifetime of each kind of data, computed from what the template enforces (C3, CNIL):
 *
 * - audio: every version of a recording is gone within `retentionDays` **of the call** — the
 *   lifecycle alone for the versions written at the call (its days plus S3's rounding to the next
 *   midnight UTC, lib/policy/retention.ts), and an enabled daily retention sweeper, counting from the
 *   call, for every version written later (a redaction restarts S3's count);
 * - table items: the TTL attribute is on, the functions that write a table count its items' expiry
 *   from their creation with a retention the template shows (their environment), and no
 *   point-in-time recovery keeps restorable copies beyond it;
 * - Connect flow logs: off (they would go to a log group outside the template, kept forever).
 *
 * What the template cannot show (S3's and DynamoDB's processing delay after the expiry date, the
 * 24-hour stream copies) is in the summary and in docs/compliance/retention.md.
 */

import { RETENTION_SWEEPER_ENV } from '../../../lambda/retention-sweeper/config';
import { SAMPLER_ENV } from '../../../lambda/sampler/config';
import { SEEDS_ENV } from '../../../lambda/seeds/config';
import { AUDIT_ENV } from '../../../lambda/shared/audit-config';
import { LISTENING_ENV } from '../../../lambda/shared/listening-config';
import { RECORDING_ENV } from '../../../lambda/shared/recording-config';
import { lifecycleWorstCaseDays, SHORTEST_LIFECYCLE_WORST_CASE } from '../../policy/retention';
import { asArray, at, type CfnResource, isRecord, NEVER, type StackView } from '../template';
import type { Check } from '../types';
import {
  bucketPolicySources,
  envVariables,
  ev,
  Findings,
  policyNumber,
  recordingBuckets,
  whoCan,
} from './helpers';
import { isDaily, scheduleEvidence, schedulesOf } from './sampler';
import { lifecycleOf } from './storage';

/** Days DynamoDB keeps a point-in-time recovery window when RecoveryPeriodInDays is not set. */
export const DEFAULT_PITR_DAYS = 35;

/**
 * Where a function's environment says how long the items it writes live (days from creation):
 * each function's config owns the variable; this list only names where to read it.
 */
const TTL_SOURCES: ReadonlyArray<{ readonly variable: string; readonly field?: string }> = [
  { variable: AUDIT_ENV.retentionDays },
  { variable: SEEDS_ENV.retentionDays },
  { variable: RECORDING_ENV.retentionDays },
  { variable: SAMPLER_ENV.policy, field: 'auditRetentionDays' },
  { variable: LISTENING_ENV.policy, field: 'auditRetentionDays' },
];

const ITEM_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

/** The retention days a function's environment names (the largest if several), or undefined. */
export function itemRetentionDays(vars: Record<string, unknown> | undefined): number | undefined {
  if (!vars) return undefined;
  const days: number[] = [];
  for (const s of TTL_SOURCES) {
    const raw = vars[s.variable];
    if (typeof raw !== 'string') continue;
    let value: unknown = raw;
    if (s.field) {
      try {
        const parsed = JSON.parse(raw) as unknown;
        value = isRecord(parsed) ? parsed[s.field] : undefined;
      } catch {
        value = undefined;
      }
    }
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (Number.isInteger(n) && n > 0) days.push(n);
  }
  return days.length > 0 ? Math.max(...days) : undefined;
}

/** Hours between two runs of a schedule expression, when it runs at a fixed rate or daily. */
export function scheduleIntervalHours(expression: unknown): number | undefined {
  if (typeof expression !== 'string') return undefined;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!;
    return unit.startsWith('minute') ? n / 60 : unit.startsWith('hour') ? n : n * 24;
  }
  return isDaily(expression) ? 24 : undefined;
}

/** The functions (logical ids) whose role is `roleId`. */
const functionsOfRole = (stack: StackView, roleId: string): Array<[string, CfnResource]> =>
  stack.ofType('AWS::Lambda::Function').filter(([, r]) => stack.refTarget(r.Properties?.Role) === roleId);

/** Prefixes of the S3 notifications of a bucket (CDK's notifications custom resource). */
function notificationPrefixes(stack: StackView, bucketId: string): string[] {
  return stack
    .ofType('Custom::S3BucketNotifications')
    .filter(([, r]) => stack.refTarget(r.Properties?.BucketName) === bucketId)
    .flatMap(([, r]) => asArray(at(r, 'Properties.NotificationConfiguration.LambdaFunctionConfigurations')))
    .flatMap((c) => asArray(at(c, 'Filter.Key.FilterRules')))
    .filter((rule) => isRecord(rule) && String(rule.Name).toLowerCase() === 'prefix')
    .map((rule) => String((rule as Record<string, unknown>).Value));
}

interface Sweeper {
  readonly logicalId: string;
  readonly retentionDays?: number;
  readonly intervalHours?: number;
  readonly prefixes: readonly string[];
  readonly scheduleHours?: number;
}

function sweepersOf(stack: StackView, bucketId: string, f: Findings): Sweeper[] {
  const out: Sweeper[] = [];
  for (const [id, r] of stack.withRole('function:retention-sweeper')) {
    const vars = envVariables(r) ?? {};
    if (stack.refTarget(vars[RETENTION_SWEEPER_ENV.bucket]) !== bucketId) continue;
    let prefixes: string[] = [];
    try {
      const parsed = JSON.parse(String(vars[RETENTION_SWEEPER_ENV.prefixes])) as unknown;
      if (Array.isArray(parsed)) prefixes = parsed.map(String);
    } catch {
      f.problem(`${id}: ${RETENTION_SWEEPER_ENV.prefixes} is not a JSON list of prefixes`);
    }
    const num = (name: string) => {
      const n = Number(vars[name]);
      return Number.isFinite(n) && n > 0 ? n : undefined;
    };
    const rules = schedulesOf(stack, id).filter((x) => x.rule.Properties?.State !== 'DISABLED');
    const hours = rules
      .map((x) => scheduleIntervalHours(x.rule.Properties?.ScheduleExpression))
      .filter((h): h is number => h !== undefined);
    for (const x of schedulesOf(stack, id))
      f.add(scheduleEvidence(stack, x, ` → ${id} (function:retention-sweeper)`));
    f.add(ev(stack, id, 'Properties.Environment.Variables', vars, 'function:retention-sweeper'));
    out.push({
      logicalId: id,
      retentionDays: num(RETENTION_SWEEPER_ENV.retentionDays),
      intervalHours: num(RETENTION_SWEEPER_ENV.intervalHours),
      prefixes,
      scheduleHours: hours.length > 0 ? Math.min(...hours) : undefined,
    });
  }
  return out;
}

function audioWorstCase(stack: StackView, f: Findings, lines: string[]): void {
  const policyDays = policyNumber(stack, 'retentionDays');
  for (const b of recordingBuckets(stack).buckets) {
    const id = b.logicalId;
    const lc = lifecycleOf(b);
    const lifecycle =
      lc.expirationDays !== undefined && lc.noncurrentDays !== undefined && !lc.keepsNewer
        ? lifecycleWorstCaseDays(lc.expirationDays, lc.noncurrentDays)
        : undefined;
    const limit = policyDays ?? Number.POSITIVE_INFINITY;
    f.add(
      ev(stack, id, 'Properties.LifecycleConfiguration.Rules(bucket-wide)', {
        expirationDays: lc.expirationDays ?? null,
        noncurrentDays: lc.noncurrentDays ?? null,
        lifecycleWorstCaseDays: lifecycle ?? null,
        policyRetentionDays: policyDays ?? null,
      }),
    );
    if (lifecycle === undefined)
      f.problem(
        `${id}: the lifecycle does not bound every version (no bucket-wide expiration and noncurrent expiration)`,
      );
    else if (lifecycle > Math.max(limit, SHORTEST_LIFECYCLE_WORST_CASE))
      f.problem(
        `${id}: a version written at the call may live ${lc.expirationDays} + 1 + ${lc.noncurrentDays} + 1 = ${lifecycle} days under the lifecycle (S3 rounds each action to the next midnight UTC), above retentionDays ${policyDays}`,
      );

    const sweepers = sweepersOf(stack, id, f);
    const holding = sweepers.filter((s) => {
      const problems: string[] = [];
      if (s.retentionDays === undefined || s.retentionDays > limit)
        problems.push(
          `sweeps at ${s.retentionDays ?? '(unset)'} days, not within retentionDays ${policyDays}`,
        );
      if (s.scheduleHours === undefined) problems.push('no enabled schedule invokes it at a fixed rate');
      else if (s.intervalHours === undefined || s.scheduleHours > s.intervalHours)
        problems.push(
          `runs every ${s.scheduleHours} h but counts on one run every ${s.intervalHours ?? '(unset)'} h`,
        );
      const arn = stack.resolve({ 'Fn::GetAtt': [id, 'Arn'] }, NEVER);
      const roleId = stack.refTarget(stack.resource(s.logicalId)?.Properties?.Role);
      const uncovered = notificationPrefixes(stack, id).filter(
        (p) => !s.prefixes.some((q) => p.startsWith(q)),
      );
      if (uncovered.length > 0)
        problems.push(`does not sweep ${uncovered.join(', ')}, where recordings arrive (S3 notifications)`);
      for (const p of s.prefixes) {
        const may = whoCan(stack, {
          actions: ['s3:DeleteObjectVersion'],
          resources: [`${arn}/${p}x`],
          resourcePolicies: bucketPolicySources(stack, id),
        }).some((a) => a.principal.logicalId === roleId && a.actions.includes('s3:DeleteObjectVersion'));
        if (!may) problems.push(`may not delete versions under ${p}`);
      }
      for (const p of problems) f.problem(`${s.logicalId} (retention sweeper of ${id}) ${p}`);
      return problems.length === 0;
    });
    if (holding.length === 0) {
      f.problem(
        `${id}: no working retention sweeper — a version written after the call (a redaction on day ${Math.max(1, (policyDays ?? 90) - 1)}) restarts S3's count and would live up to ${lifecycle ?? '∞'} days after that write`,
      );
      lines.push(`audio (${id}): unbounded from the call for versions written later`);
    } else {
      lines.push(
        `audio (${id}): ≤ ${policyDays} d from the call (daily sweeper); lifecycle alone ≤ ${lifecycle} d from each version's creation`,
      );
    }
  }
}

function tableWorstCase(stack: StackView, f: Findings, lines: string[]): void {
  const audit = policyNumber(stack, 'auditRetentionDays');
  let worst = 0;
  for (const [id, r] of [
    ...stack.ofType('AWS::DynamoDB::GlobalTable'),
    ...stack.ofType('AWS::DynamoDB::Table'),
  ]) {
    const label = `${id}${stack.roleOf(id) ? ` (${stack.roleOf(id)})` : ''}`;
    const ttl = at(r, 'Properties.TimeToLiveSpecification');
    if (!isRecord(ttl) || ttl.Enabled !== true) continue; // RETENTION-ONE-YEAR reports it
    const pitrs = [
      at(r, 'Properties.PointInTimeRecoverySpecification'),
      ...asArray(at(r, 'Properties.Replicas')).map((x) => at(x, 'PointInTimeRecoverySpecification')),
    ].filter(isRecord);
    const pitrDays = pitrs
      .filter((p) => p.PointInTimeRecoveryEnabled === true)
      .map((p) => (typeof p.RecoveryPeriodInDays === 'number' ? p.RecoveryPeriodInDays : DEFAULT_PITR_DAYS));
    const recovery = pitrDays.length > 0 ? Math.max(...pitrDays) : 0;
    f.add(
      ev(stack, id, 'PointInTimeRecoverySpecification', pitrs.length > 0 ? pitrs : null, stack.roleOf(id)),
    );

    const arn = stack.resolve({ 'Fn::GetAtt': [id, 'Arn'] }, NEVER);
    const writers = whoCan(stack, { actions: ITEM_WRITES, resources: [arn] }).filter(
      (a) => a.principal.kind === 'role',
    );
    const days: number[] = [];
    for (const w of writers) {
      const fns = w.principal.logicalId ? functionsOfRole(stack, w.principal.logicalId) : [];
      for (const [fnId, fn] of fns) {
        const d = itemRetentionDays(envVariables(fn));
        f.add(
          ev(
            stack,
            fnId,
            'Properties.Environment.Variables',
            d ?? null,
            `writes ${label}: items live ≤ this many days`,
          ),
        );
        if (d === undefined)
          f.problem(
            `${fnId} writes ${label} but its environment names no retention: how long its items live is unknown`,
          );
        else days.push(d);
      }
    }
    const ttlDays = days.length > 0 ? Math.max(...days) : 0;
    const total = ttlDays + recovery;
    worst = Math.max(worst, total);
    if (recovery > 0)
      f.problem(
        `${label}: point-in-time recovery keeps restorable copies ${recovery} days after an item is deleted: items live ${ttlDays} + ${recovery} = ${total} days${audit !== undefined && total > audit ? `, above auditRetentionDays ${audit}` : ''}`,
      );
    else if (audit !== undefined && ttlDays > audit)
      f.problem(
        `${label}: items live up to ${ttlDays} days (the writers' retention), above auditRetentionDays ${audit}`,
      );
  }
  lines.push(
    `table items: ≤ ${worst} d from creation + DynamoDB's deletion delay (typically within two days)`,
  );
}

function flowLogs(stack: StackView, f: Findings, lines: string[]): void {
  for (const [id, r] of stack.ofType('AWS::Connect::Instance')) {
    const on = at(r, 'Properties.Attributes.ContactflowLogs');
    f.add(ev(stack, id, 'Properties.Attributes.ContactflowLogs', on ?? null));
    if (on !== false)
      f.problem(
        `${id}: contact flow logs are ${on === true ? 'on' : 'not explicitly off'}: Connect would write them to /aws/connect/<alias>, a log group outside the template with no retention`,
      );
  }
  lines.push('Connect flow logs: off');
}

export const retentionWorstCase: Check = {
  id: 'RETENTION-WORST-CASE',
  title:
    'The worst-case lifetime of every kind of data, computed from the template, is within the policy: every audio version ≤ retentionDays from the call (lifecycle with rounding + daily sweeper), table items ≤ auditRetentionDays (TTL, writers’ retention, no point-in-time copies), Connect flow logs off',
  concern: 'C3',
  run: (ctx) => {
    const f = new Findings();
    const lines: string[] = [];
    for (const stack of ctx.stacks) {
      audioWorstCase(stack, f, lines);
      tableWorstCase(stack, f, lines);
      flowLogs(stack, f, lines);
    }
    return {
      ...f,
      summary: `${lines.join('; ')}. Not in the template: S3's and DynamoDB's processing delay after expiry, the 24-h stream copies (docs/compliance/retention.md).`,
    };
  },
};
