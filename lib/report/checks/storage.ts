/** Where recordings are stored and for how long (C3), and how the storage is protected. */
import { lifecycleWorstCaseDays, SHORTEST_LIFECYCLE_WORST_CASE } from '../../policy/retention';
import { deployedFlow } from '../flows';
import { globCovers } from '../glob';
import { asArray, at, isRecord, NEVER, type StackView } from '../template';
import type { Check, CheckContext } from '../types';
import {
  bucketPolicies,
  ev,
  Findings,
  HARD_LIMITS,
  policyNumber,
  type RecordingBucket,
  recordingBuckets,
  statements,
} from './helpers';

const LIFECYCLE = 'Properties.LifecycleConfiguration.Rules';
const FILTER_KEYS = ['Prefix', 'TagFilters', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan'];

/** Runs `each` on every bucket receiving recordings; none at all is a problem. */
function perRecordingBucket(
  ctx: CheckContext,
  each: (stack: StackView, b: RecordingBucket, f: Findings) => void,
): Findings {
  const f = new Findings();
  let count = 0;
  for (const stack of ctx.stacks) {
    const { buckets, external } = recordingBuckets(stack);
    for (const e of external)
      f.problem(
        `${e.logicalId} writes recordings to ${JSON.stringify(e.value)}, a bucket outside the template that the report cannot check`,
      ).add(e);
    for (const b of buckets) {
      count++;
      each(stack, b, f);
    }
  }
  if (count === 0)
    f.problem(
      'no bucket receiving recordings (fairlisten:role bucket:recordings or a Connect storage config) in any stack',
    );
  return f;
}

const enabledRules = (bucket: RecordingBucket) =>
  asArray(at(bucket.resource, LIFECYCLE))
    .map((rule, i) => ({ rule, i }))
    .filter(
      (x): x is { rule: Record<string, unknown>; i: number } =>
        isRecord(x.rule) && x.rule.Status === 'Enabled',
    );

const narrowing = (rule: Record<string, unknown>) =>
  FILTER_KEYS.filter((k) => rule[k] !== undefined && rule[k] !== '');

/** Lifecycle facts of one bucket: the bucket-wide rules and what they guarantee. */
export function lifecycleOf(bucket: RecordingBucket) {
  const rules = enabledRules(bucket);
  const wide = rules.filter((x) => narrowing(x.rule).length === 0);
  const days = wide.map((x) => x.rule.ExpirationInDays).filter((d): d is number => typeof d === 'number');
  const noncurrent = wide
    .map(
      (x) =>
        at(x.rule, 'NoncurrentVersionExpiration.NoncurrentDays') ?? x.rule.NoncurrentVersionExpirationInDays,
    )
    .filter((d): d is number => typeof d === 'number');
  const keepsNewer = wide.some(
    (x) => at(x.rule, 'NoncurrentVersionExpiration.NewerNoncurrentVersions') !== undefined,
  );
  return {
    rules,
    wide,
    narrowed: rules.filter((x) => narrowing(x.rule).length > 0),
    expirationDays: days.length > 0 ? Math.min(...days) : undefined,
    noncurrentDays: noncurrent.length > 0 ? Math.min(...noncurrent) : undefined,
    keepsNewer,
    deleteMarkers: wide.some((x) => x.rule.ExpiredObjectDeleteMarker === true),
    abortMultipart: wide.some(
      (x) => typeof at(x.rule, 'AbortIncompleteMultipartUpload.DaysAfterInitiation') === 'number',
    ),
  };
}

export const recordingRetention: Check = {
  id: 'REC-RETENTION',
  title:
    'Every bucket receiving recordings expires them within the retention (≤ 90 days), every version included, S3’s rounding to midnight counted',
  concern: 'C3',
  run: (ctx) =>
    perRecordingBucket(ctx, (stack, b, f) => {
      const id = b.logicalId;
      const lc = lifecycleOf(b);
      const max = HARD_LIMITS.retentionDays.max;
      const policyDays = policyNumber(stack, 'retentionDays');
      f.add(ev(stack, id, LIFECYCLE, at(b.resource, LIFECYCLE) ?? null, `receives recordings: ${b.why}`));
      if (lc.rules.length === 0) {
        f.problem(`${id}: no enabled lifecycle rule — recordings would be kept forever`);
        return;
      }
      for (const x of lc.narrowed) {
        if (x.rule.ExpirationInDays !== undefined || x.rule.NoncurrentVersionExpiration !== undefined) {
          f.add(
            ev(
              stack,
              id,
              `${LIFECYCLE}[${x.i}]`,
              x.rule,
              `narrowed by ${narrowing(x.rule).join(', ')}: does not count`,
            ),
          );
        }
      }
      if (lc.expirationDays === undefined) {
        f.problem(
          `${id}: no bucket-wide rule with ExpirationInDays (rules narrowed by a prefix/tag/size filter do not cover every object)`,
        );
      } else if (lc.expirationDays > max) {
        f.problem(
          `${id}: recordings expire after ${lc.expirationDays} days, above the hard limit ${max} (C3)`,
        );
      } else if (
        policyDays !== undefined &&
        lc.noncurrentDays !== undefined &&
        lifecycleWorstCaseDays(lc.expirationDays, lc.noncurrentDays) >
          Math.max(policyDays, SHORTEST_LIFECYCLE_WORST_CASE)
      ) {
        f.problem(
          `${id}: recordings expire after ${lc.expirationDays} days (+ ${lc.noncurrentDays} noncurrent, + S3's rounding to midnight twice = ${lifecycleWorstCaseDays(lc.expirationDays, lc.noncurrentDays)} days), above the policy's retentionDays ${policyDays}`,
        );
      }
      if (lc.noncurrentDays === undefined)
        f.problem(
          `${id}: no bucket-wide NoncurrentVersionExpiration — replaced or deleted versions would be kept forever`,
        );
      if (lc.keepsNewer) f.problem(`${id}: NewerNoncurrentVersions keeps old versions regardless of age`);
      if (!lc.deleteMarkers)
        f.problem(`${id}: no bucket-wide rule removing expired delete markers (ExpiredObjectDeleteMarker)`);
      if (!lc.abortMultipart)
        f.problem(
          `${id}: no bucket-wide AbortIncompleteMultipartUpload — partial uploads of audio would be kept`,
        );
      const lock = at(b.resource, 'Properties.ObjectLockConfiguration.Rule.DefaultRetention');
      if (isRecord(lock)) {
        const lockDays =
          typeof lock.Days === 'number'
            ? lock.Days
            : typeof lock.Years === 'number'
              ? lock.Years * 365
              : undefined;
        if (lockDays === undefined || (lc.expirationDays !== undefined && lockDays > lc.expirationDays)) {
          f.problem(
            `${id}: Object Lock default retention (${JSON.stringify(lock)}) outlives the lifecycle expiration`,
          );
          f.add(ev(stack, id, 'Properties.ObjectLockConfiguration.Rule.DefaultRetention', lock));
        }
      }
      if (lc.expirationDays !== undefined && lc.noncurrentDays !== undefined) {
        f.add(
          ev(
            stack,
            id,
            `${LIFECYCLE}(bucket-wide)`,
            {
              expirationDays: lc.expirationDays,
              noncurrentDays: lc.noncurrentDays,
              worstCaseDays: lifecycleWorstCaseDays(lc.expirationDays, lc.noncurrentDays),
              policyRetentionDays: policyDays ?? null,
            },
            `a version's bytes exist at most ${lc.expirationDays} + 1 + ${lc.noncurrentDays} + 1 days after its creation (current, then noncurrent, each rounded to the next midnight UTC)`,
          ),
        );
      }
    }),
};

export const recordingVersioning: Check = {
  id: 'REC-VERSIONING',
  title: 'Recording buckets are versioned (redaction replaces audio atomically; old versions expire)',
  concern: 'C9',
  run: (ctx) =>
    perRecordingBucket(ctx, (stack, b, f) => {
      const status = at(b.resource, 'Properties.VersioningConfiguration.Status');
      f.add(ev(stack, b.logicalId, 'Properties.VersioningConfiguration.Status', status ?? null));
      if (status !== 'Enabled')
        f.problem(
          `${b.logicalId}: versioning is ${JSON.stringify(status ?? 'not configured')}, expected "Enabled"`,
        );
    }),
};

export const recordingEncryption: Check = {
  id: 'REC-ENCRYPTION',
  title: 'Recording buckets are encrypted with a customer-managed KMS key of the template, with rotation on',
  concern: 'CNIL',
  run: (ctx) =>
    perRecordingBucket(ctx, (stack, b, f) => {
      const path = 'Properties.BucketEncryption.ServerSideEncryptionConfiguration';
      const configs = asArray(at(b.resource, path));
      if (configs.length === 0) {
        f.problem(`${b.logicalId}: no default encryption configuration`);
        return;
      }
      configs.forEach((c, i) => {
        const alg = at(c, 'ServerSideEncryptionByDefault.SSEAlgorithm');
        const keyRef = at(c, 'ServerSideEncryptionByDefault.KMSMasterKeyID');
        f.add(
          ev(
            stack,
            b.logicalId,
            `${path}[${i}].ServerSideEncryptionByDefault`,
            at(c, 'ServerSideEncryptionByDefault') ?? null,
          ),
        );
        if (alg !== 'aws:kms' && alg !== 'aws:kms:dsse') {
          f.problem(
            `${b.logicalId}: SSEAlgorithm is ${JSON.stringify(alg)}, expected aws:kms with a customer-managed key`,
          );
          return;
        }
        const keyId = stack.refTarget(keyRef);
        const key = keyId ? stack.resource(keyId) : undefined;
        if (!keyId || key?.Type !== 'AWS::KMS::Key') {
          f.problem(
            `${b.logicalId}: KMSMasterKeyID ${JSON.stringify(keyRef ?? null)} is not a customer-managed key of this template`,
          );
          return;
        }
        const rotation = key.Properties?.EnableKeyRotation;
        f.add(ev(stack, keyId, 'Properties.EnableKeyRotation', rotation ?? null, stack.roleOf(keyId)));
        if (rotation !== true)
          f.problem(
            `${keyId} (key of ${b.logicalId}): EnableKeyRotation is ${JSON.stringify(rotation ?? null)}, expected true`,
          );
      });
    }),
};

const PUBLIC_FLAGS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];

export const recordingPublicAccess: Check = {
  id: 'REC-PUBLIC-ACCESS',
  title: 'Recording buckets block every form of public access (all four flags)',
  concern: 'CNIL',
  run: (ctx) =>
    perRecordingBucket(ctx, (stack, b, f) => {
      const path = 'Properties.PublicAccessBlockConfiguration';
      const cfg = at(b.resource, path);
      f.add(ev(stack, b.logicalId, path, cfg ?? null));
      const off = PUBLIC_FLAGS.filter((k) => !isRecord(cfg) || cfg[k] !== true);
      if (off.length > 0) f.problem(`${b.logicalId}: public access not blocked: ${off.join(', ')} not true`);
    }),
};

/** The bucket policy denies every request without TLS on the bucket and its objects. */
export const recordingTlsOnly: Check = {
  id: 'REC-TLS-ONLY',
  title: 'Recording buckets refuse every request without TLS (Deny when aws:SecureTransport is false)',
  concern: 'CNIL',
  run: (ctx) =>
    perRecordingBucket(ctx, (stack, b, f) => {
      const bucketArn = stack.resolve({ 'Fn::GetAtt': [b.logicalId, 'Arn'] }, NEVER);
      const found = bucketPolicies(stack, b.logicalId).flatMap(([pid, p]) =>
        statements(p.Properties?.PolicyDocument)
          .filter(({ statement: s }) => {
            const insecure = at(s, 'Condition.Bool') as Record<string, unknown> | undefined;
            const anyone = s.Principal === '*' || (isRecord(s.Principal) && s.Principal.AWS === '*');
            const actions = asArray(s.Action).map(String);
            const resources = asArray(s.Resource).map((r) => stack.resolve(r, NEVER));
            return (
              s.Effect === 'Deny' &&
              anyone &&
              isRecord(insecure) &&
              String(insecure['aws:SecureTransport']) === 'false' &&
              (actions.includes('s3:*') || actions.includes('*')) &&
              [bucketArn, `${bucketArn}/*`].every((t) => resources.some((r) => globCovers(r, t)))
            );
          })
          .map(({ index, statement }) =>
            ev(stack, pid, `Properties.PolicyDocument.Statement[${index}]`, statement),
          ),
      );
      if (found.length === 0)
        f.problem(
          `${b.logicalId}: no bucket policy statement denies s3:* on the bucket and its objects when aws:SecureTransport is false`,
        );
      for (const e of found) f.add(e);
    }),
};

export const recordingAccessLogs: Check = {
  id: 'REC-ACCESS-LOGS',
  title: 'Recording buckets log every access to a log bucket of the template that itself expires',
  concern: 'C2',
  run: (ctx) =>
    perRecordingBucket(ctx, (stack, b, f) => {
      const path = 'Properties.LoggingConfiguration.DestinationBucketName';
      const dest = at(b.resource, path);
      f.add(ev(stack, b.logicalId, path, dest ?? null));
      const logId = stack.refTarget(dest);
      const log = logId ? stack.resource(logId) : undefined;
      if (!logId || log?.Type !== 'AWS::S3::Bucket') {
        f.problem(
          `${b.logicalId}: server access logging ${dest === undefined ? 'is not configured' : 'goes to a bucket outside the template'}`,
        );
        return;
      }
      const lc = lifecycleOf({ logicalId: logId, resource: log, why: 'access logs' });
      f.add(ev(stack, logId, LIFECYCLE, at(log, LIFECYCLE) ?? null, stack.roleOf(logId)));
      if (lc.expirationDays === undefined)
        f.problem(
          `${logId} (access logs of ${b.logicalId}) has no bucket-wide expiration: logs would be kept forever`,
        );
      const audit = policyNumber(stack, 'auditRetentionDays');
      if (lc.expirationDays !== undefined && audit !== undefined && lc.expirationDays > audit) {
        f.problem(
          `${logId}: access logs kept ${lc.expirationDays} days, longer than auditRetentionDays ${audit}`,
        );
      }
      if (
        lc.noncurrentDays === undefined &&
        at(log, 'Properties.VersioningConfiguration.Status') === 'Enabled'
      ) {
        f.problem(`${logId}: versioned without NoncurrentVersionExpiration`);
      }
    }),
};

export const connectStorage: Check = {
  id: 'CONNECT-STORAGE',
  title: 'Connect stores call recordings in the recordings bucket, encrypted with KMS',
  concern: 'C3',
  run: (ctx) => {
    const f = new Findings();
    let n = 0;
    for (const stack of ctx.stacks) {
      for (const [id, r] of stack.ofType('AWS::Connect::InstanceStorageConfig')) {
        if (r.Properties?.ResourceType !== 'CALL_RECORDINGS') continue;
        n++;
        f.add(ev(stack, id, 'Properties', r.Properties));
        const s3 = r.Properties?.S3Config;
        const bucket = stack.refTarget(at(s3, 'BucketName'));
        if (r.Properties?.StorageType !== 'S3' || !bucket || stack.roleOf(bucket) !== 'bucket:recordings') {
          f.problem(
            `${id}: CALL_RECORDINGS go to ${JSON.stringify(at(s3, 'BucketName') ?? r.Properties?.StorageType)}, not the bucket marked bucket:recordings`,
          );
        }
        const enc = at(s3, 'EncryptionConfig');
        const key = stack.refTarget(at(enc, 'KeyId'));
        if (at(enc, 'EncryptionType') !== 'KMS' || !key || stack.resource(key)?.Type !== 'AWS::KMS::Key') {
          f.problem(
            `${id}: recordings are not encrypted by Connect with a KMS key of this template (EncryptionConfig ${JSON.stringify(enc ?? null)})`,
          );
        }
      }
    }
    if (n === 0)
      f.problem(
        'no AWS::Connect::InstanceStorageConfig for CALL_RECORDINGS: Connect would store recordings where the template cannot show',
      );
    return f;
  },
};

/** The analytics settings of a flow action, read back from its content (evidence). */
function analyticsSettingsOf(content: string, actionId: string): unknown {
  try {
    const flow = JSON.parse(content) as {
      Actions?: { Identifier?: string; Parameters?: Record<string, unknown> }[];
    };
    const p = flow.Actions?.find((a) => a.Identifier === actionId)?.Parameters ?? {};
    return at(p, 'VoiceBehavior.VoiceAnalyticsBehavior') ?? at(p, 'AnalyticsBehavior') ?? null;
  } catch {
    return null;
  }
}

/** What the template cannot show about Contact Lens, said in every summary. */
const CONTACT_LENS_NOT_COVERED =
  'Not covered by this check: Contact Lens rules, categories, alerts and evaluation forms, and which Connect security profiles may read transcripts in the Connect console (all configured outside the template); the content of an analysis; a flow added to the instance outside this template (fairlisten doctor: FLOW-RECORDS).';

export const contactLensRetention: Check = {
  id: 'CONTACT-LENS-RETENTION',
  title:
    'Contact Lens is as the policy chose it (off by default); when on, only drawn contacts are analysed, and every output falls under the bucket-wide retention',
  concern: 'C3',
  run: (ctx) => {
    const f = new Findings();
    const lensOn: string[] = [];
    const lensOff: string[] = [];
    const enabling: string[] = [];
    let created = 0;
    for (const stack of ctx.stacks) {
      for (const [id, r] of stack.ofType('AWS::Connect::Instance')) {
        created++;
        const on = at(r, 'Properties.Attributes.ContactLens');
        f.add(ev(stack, id, 'Properties.Attributes.ContactLens', on ?? false));
        (on === true ? lensOn : lensOff).push(id);
      }
      if (stack.ofType('AWS::Connect::Instance').length === 0) {
        f.add(
          ev(
            stack,
            '(stack)',
            'AWS::Connect::Instance',
            null,
            'instance imported: its Contact Lens setting is not in the template',
          ),
        );
      }
      // Analytics turned on by a flow: only behind the sampler's answer (lib/flows/drawn-only.ts).
      const samplers = new Set(stack.withRole('function:sampler').map(([id]) => `{{GetAtt:${id}.Arn}}`));
      for (const [id] of stack.ofType('AWS::Connect::ContactFlow')) {
        const flow = deployedFlow(stack, id);
        const analytics = flow.facts?.analytics;
        if (!analytics) continue;
        for (const a of analytics.actions) {
          enabling.push(`${id}/${a.actionId}`);
          f.add(
            ev(
              stack,
              id,
              `Properties.Content (${a.type} ${a.actionId})`,
              analyticsSettingsOf(flow.content, a.actionId),
              a.drawnOnly ? 'behind the sampler answering record=true' : 'reachable by undrawn contacts',
            ),
          );
          if (!a.drawnOnly)
            f.problem(
              `${id}: action ${a.actionId} turns Contact Lens analytics on for contacts the lottery did not draw (it is not behind the sampler's record=true): analysing them would be a recording by another name`,
            );
        }
        for (const g of analytics.guards) {
          const other = g.functionArns.filter((arn) => !samplers.has(arn));
          if (other.length > 0 && analytics.actions.length > 0)
            f.problem(
              `${id}: the draw guard ${g.actionId} compares the answer of ${other.join(', ')}, not the sampler's`,
            );
        }
      }
      const { buckets } = recordingBuckets(stack);
      for (const b of buckets) {
        const lc = lifecycleOf(b);
        const max = HARD_LIMITS.retentionDays.max;
        if (lc.expirationDays === undefined || lc.expirationDays > max) {
          f.problem(
            `${b.logicalId}: no bucket-wide expiration ≤ ${max} days, so Contact Lens output would be kept beyond the retention`,
          );
        }
        for (const x of lc.narrowed) {
          f.add(
            ev(
              stack,
              b.logicalId,
              `${LIFECYCLE}[${x.i}]`,
              x.rule,
              'prefix-filtered rule (Contact Lens output lives under other prefixes)',
            ),
          );
        }
      }
    }
    const flows =
      enabling.length > 0
        ? `Analytics is turned on by ${enabling.join(', ')}, for the contacts the sampler drew only (post-contact analysis, redacted output only).`
        : 'No flow of the template turns analytics on.';
    const state =
      created === 0
        ? `The instance is imported: whether Contact Lens is on is not in the template. ${flows}`
        : lensOn.length > 0
          ? `Deployed setting: Contact Lens ON (${lensOn.join(', ')}). ${flows}${enabling.length === 0 ? ' Without such a flow it produces no output.' : ''}`
          : `Deployed setting: Contact Lens OFF (${lensOff.join(', ')}): it produces no analysis and no redacted audio.${enabling.length > 0 ? ` ${flows} (no effect while the instance has it off)` : ''}`;
    return {
      ...f,
      summary: `${state} Its output lands under Analysis/Voice/, which expires with the bucket-wide rule (REC-RETENTION) and reaches ingest (INGEST-TRIGGERS): the output of a call the lottery did not draw is deleted on arrival, that of a drawn call is indexed with the recording and deleted with it (a deletion request removes it too, and a redaction request deletes the transcripts). ${CONTACT_LENS_NOT_COVERED}`,
    };
  },
};

export const STORAGE_CHECKS: readonly Check[] = [
  recordingRetention,
  recordingVersioning,
  recordingEncryption,
  recordingPublicAccess,
  recordingTlsOnly,
  recordingAccessLogs,
  connectStorage,
  contactLensRetention,
];
