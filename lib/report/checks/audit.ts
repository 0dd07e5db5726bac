/**
 * The audit trail and retention: the audit export bucket is write-once for its retention (S3 Object
 * Lock, compliance mode) while recordings stay deletable; the audit table is append-only (append-only.ts);
 * nothing the template stores is kept beyond one year (CNIL).
 */
import { WORKSPACE_APP_BUCKET_ROLE } from '../../policy/metadata';
import { at, isRecord, type StackView } from '../template';
import type { Check } from '../types';
import { auditAppendOnly } from './append-only';
import { ev, Findings, HARD_LIMITS, policyNumber, recordingBuckets, whoCan } from './helpers';
import { lifecycleOf } from './storage';

const LOCK = 'Properties.ObjectLockConfiguration';
const auditMax = HARD_LIMITS.auditRetentionDays.max;

/** Object Lock default retention in days (Years × 365), undefined when not set. */
function lockDays(retention: unknown): number | undefined {
  if (!isRecord(retention)) return undefined;
  if (typeof retention.Days === 'number') return retention.Days;
  if (typeof retention.Years === 'number') return retention.Years * 365;
  return undefined;
}

export const auditObjectLock: Check = {
  id: 'AUDIT-OBJECT-LOCK',
  title: `The audit export bucket is versioned with S3 Object Lock in COMPLIANCE mode for auditRetentionDays (≤ ${auditMax}); recording buckets have no Object Lock (they must stay deletable)`,
  concern: 'C2',
  run: (ctx) => {
    const f = new Findings();
    let n = 0;
    for (const stack of ctx.stacks) {
      const policyDays = policyNumber(stack, 'auditRetentionDays');
      for (const [id, r] of stack.withRole('bucket:audit')) {
        n++;
        const enabled = r.Properties?.ObjectLockEnabled;
        const cfg = at(r, LOCK);
        const retention = at(cfg, 'Rule.DefaultRetention');
        const versioning = at(r, 'Properties.VersioningConfiguration.Status');
        f.add(ev(stack, id, 'Properties.ObjectLockEnabled', enabled ?? null, 'bucket:audit'));
        f.add(ev(stack, id, LOCK, cfg ?? null));
        f.add(ev(stack, id, 'Properties.VersioningConfiguration.Status', versioning ?? null));
        if (enabled !== true || at(cfg, 'ObjectLockEnabled') !== 'Enabled')
          f.problem(
            `${id}: Object Lock is not enabled (ObjectLockEnabled ${JSON.stringify(enabled ?? null)}, configuration ${JSON.stringify(at(cfg, 'ObjectLockEnabled') ?? null)})`,
          );
        const mode = at(retention, 'Mode');
        if (mode !== 'COMPLIANCE')
          f.problem(
            `${id}: default retention mode is ${JSON.stringify(mode ?? null)}, not COMPLIANCE (GOVERNANCE can be lifted by anyone with s3:BypassGovernanceRetention)`,
          );
        const days = lockDays(retention);
        if (days === undefined) f.problem(`${id}: no default retention period`);
        else {
          if (days > auditMax)
            f.problem(
              `${id}: audit objects are locked ${days} days, above ${auditMax} (CNIL: at most one year)`,
            );
          if (policyDays !== undefined && days !== policyDays)
            f.problem(
              `${id}: audit objects are locked ${days} days but the policy says auditRetentionDays ${policyDays}`,
            );
        }
        if (versioning !== 'Enabled')
          f.problem(
            `${id}: versioning is ${JSON.stringify(versioning ?? null)}, Object Lock needs "Enabled"`,
          );
      }
      for (const b of recordingBuckets(stack).buckets) {
        const enabled = b.resource.Properties?.ObjectLockEnabled;
        const cfg = at(b.resource, LOCK);
        f.add(
          ev(
            stack,
            b.logicalId,
            'Properties.ObjectLockEnabled',
            enabled ?? null,
            `receives recordings (${b.why}): must stay deletable`,
          ),
        );
        if (enabled === true || cfg !== undefined)
          f.problem(
            `${b.logicalId}: a bucket receiving recordings has Object Lock (${JSON.stringify(cfg ?? { ObjectLockEnabled: enabled })}): recordings could not be deleted on request (C9) or at the end of their retention (C3)`,
          );
      }
    }
    if (n === 0) f.problem('no bucket marked bucket:audit in any stack');
    return f;
  },
};

const LOG_WRITE = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

/** The log group a function writes to, if the template defines it (LoggingConfig.LogGroup). */
function functionLogGroup(stack: StackView, r: { Properties?: Record<string, unknown> }): string | undefined {
  const ref = at(r, 'Properties.LoggingConfig.LogGroup');
  const id = stack.refTarget(ref);
  if (id && stack.resource(id)?.Type === 'AWS::Logs::LogGroup') return id;
  // LoggingConfig.LogGroup is the group's name: match it against the template's named log groups.
  const name = typeof ref === 'string' ? ref : undefined;
  return stack
    .ofType('AWS::Logs::LogGroup')
    .find(([, g]) => name !== undefined && g.Properties?.LogGroupName === name)?.[0];
}

export const retentionOneYear: Check = {
  id: 'RETENTION-ONE-YEAR',
  title: `Nothing the template stores outlives ${auditMax} days: every table has TTL, every log group a retention ≤ ${auditMax} days, every other bucket expires its objects within ${auditMax} days`,
  concern: 'CNIL',
  run: (ctx) => {
    const f = new Findings();
    const counts = { tables: 0, logGroups: 0, buckets: 0, appBuckets: 0 };
    for (const stack of ctx.stacks) {
      for (const [id, r] of [
        ...stack.ofType('AWS::DynamoDB::Table'),
        ...stack.ofType('AWS::DynamoDB::GlobalTable'),
      ]) {
        counts.tables++;
        const spec = r.Properties?.TimeToLiveSpecification;
        f.add(ev(stack, id, 'Properties.TimeToLiveSpecification', spec ?? null, stack.roleOf(id)));
        if (
          !isRecord(spec) ||
          spec.Enabled !== true ||
          typeof spec.AttributeName !== 'string' ||
          spec.AttributeName === ''
        )
          f.problem(
            `${id}${stack.roleOf(id) ? ` (${stack.roleOf(id)})` : ''}: no TTL (TimeToLiveSpecification ${JSON.stringify(spec ?? null)}): its items would be kept forever`,
          );
      }
      for (const [id, r] of stack.ofType('AWS::Logs::LogGroup')) {
        counts.logGroups++;
        const days = r.Properties?.RetentionInDays;
        f.add(ev(stack, id, 'Properties.RetentionInDays', days ?? null));
        if (typeof days !== 'number')
          f.problem(`${id}: log group without RetentionInDays: logs would be kept forever`);
        else if (days > auditMax) f.problem(`${id}: logs kept ${days} days, above ${auditMax}`);
      }
      for (const [id, r] of stack.ofType('AWS::Lambda::Function')) {
        if (functionLogGroup(stack, r)) continue;
        const roleId = stack.refTarget(r.Properties?.Role);
        const writers = roleId
          ? whoCan(stack, {
              actions: LOG_WRITE,
              resources: [
                `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws/lambda/*`,
              ],
            }).filter((a) => a.principal.logicalId === roleId)
          : [];
        f.add(
          ev(
            stack,
            id,
            'Properties.LoggingConfig',
            r.Properties?.LoggingConfig ?? null,
            writers.length > 0
              ? `may write ${writers[0]!.actions.join(', ')} to /aws/lambda/…`
              : `no log group in the template; role ${roleId ?? '(not in the template)'} cannot write logs`,
          ),
        );
        if (!roleId)
          f.problem(`${id}: its role is not in the template, so where it logs and for how long is unknown`);
        else if (writers.length > 0)
          f.problem(
            `${id}: logs to the default /aws/lambda log group, which the template does not define: kept forever`,
          );
      }
      const recording = new Set(recordingBuckets(stack).buckets.map((b) => b.logicalId));
      for (const [id, r] of stack.ofType('AWS::S3::Bucket')) {
        if (recording.has(id)) continue; // REC-RETENTION: ≤ 90 days
        counts.buckets++;
        const lc = lifecycleOf({ logicalId: id, resource: r, why: stack.roleOf(id) ?? 'bucket' });
        f.add(
          ev(
            stack,
            id,
            'Properties.LifecycleConfiguration.Rules',
            at(r, 'Properties.LifecycleConfiguration.Rules') ?? null,
            stack.roleOf(id),
          ),
        );
        // The workspace app's bucket keeps the current app code for as long as the app is used.
        // The template cannot prove it holds nothing else: the summary says it is exempt, and
        // its replaced versions must still expire.
        const appCode = stack.roleOf(id) === WORKSPACE_APP_BUCKET_ROLE;
        if (appCode) counts.appBuckets++;
        if (lc.expirationDays === undefined && !appCode)
          f.problem(`${id}: no bucket-wide expiration: objects would be kept forever`);
        else if (lc.expirationDays !== undefined && lc.expirationDays > auditMax)
          f.problem(`${id}: objects expire after ${lc.expirationDays} days, above ${auditMax}`);
        if (
          at(r, 'Properties.VersioningConfiguration.Status') === 'Enabled' &&
          lc.noncurrentDays === undefined
        )
          f.problem(
            `${id}: versioned without a bucket-wide NoncurrentVersionExpiration: old versions would be kept forever`,
          );
        if (lc.keepsNewer) f.problem(`${id}: NewerNoncurrentVersions keeps old versions regardless of age`);
      }
    }
    return {
      ...f,
      summary:
        `${counts.tables} tables, ${counts.logGroups} log groups, ${counts.buckets} buckets besides the recordings (REC-RETENTION)` +
        (counts.appBuckets > 0
          ? `; ${counts.appBuckets} of them (${WORKSPACE_APP_BUCKET_ROLE}) exempt from object expiry because it serves the agent workspace app's code — the template does not prove that nothing else is stored there; its replaced versions still expire`
          : ''),
    };
  },
};

export const AUDIT_CHECKS: readonly Check[] = [auditObjectLock, auditAppendOnly, retentionOneYear];
