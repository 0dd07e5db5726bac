import { Aspects, type CfnResource, Duration, type IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { HARD_LIMITS } from '../../lambda/core/policy';
import { RECORDING_NONCURRENT_DAYS, recordingExpirationDays } from '../policy/retention';
import { AccessLogsBucket } from './access-logs-bucket';
import { acknowledge } from './nag';
import { markRole } from './roles';

export interface RecordingsBucketProps {
  /** Days any recording (every version, Contact Lens output included) may exist: 1..90 (C3). */
  readonly retentionDays: number;
  /** Days the server access logs are kept. */
  readonly accessLogRetentionDays: number;
}

/** Object reads that expose audio. Denied to every principal that is not a named reader. */
export const RECORDING_READ_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectAttributes',
  's3:GetObjectVersionAttributes',
  's3:GetObjectTorrent',
  's3:GetObjectVersionTorrent',
  's3:RestoreObject',
] as const;

/**
 * Object actions that delete a recording or pin it beyond its retention. Denied to every
 * principal that is not a named rewriter. (Bucket-level settings stay with CloudFormation's
 * deployment role, so the lifecycle can still be updated by a reviewed deploy.)
 */
export const RECORDING_REWRITE_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
] as const;

/**
 * The only place recordings live: one EU-region bucket, KMS-encrypted with its own rotating key,
 * TLS-only, never public, and unable to keep anything — current or noncurrent version, delete
 * marker or half-uploaded part — beyond `retentionDays` (C3).
 *
 * Who may read or rewrite audio is decided here and nowhere else: `grantRecordingRead` and
 * `grantRecordingRewrite` add a role both to IAM and to the bucket policy's exception list; every
 * other principal of the account, administrators included, is denied by the bucket policy.
 */
export class RecordingsBucket extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;
  readonly accessLogs: Bucket;
  readonly retentionDays: number;
  private readonly readers: IRole[] = [];
  private readonly rewriters: IRole[] = [];
  private readonly expirers: IRole[] = [];
  private readonly prefixes: string[] = [];
  private readonly swept = new Set<string>();
  private connectWrites = false;

  constructor(scope: Construct, id: string, props: RecordingsBucketProps) {
    super(scope, id);
    const limit = HARD_LIMITS.retentionDays;
    if (
      !Number.isInteger(props.retentionDays) ||
      props.retentionDays < limit.min ||
      props.retentionDays > limit.max
    ) {
      throw new Error(
        `retentionDays must be a whole number ${limit.min}..${limit.max} (${limit.concern}), got ${props.retentionDays}`,
      );
    }
    if (!Number.isInteger(props.accessLogRetentionDays) || props.accessLogRetentionDays < 1) {
      throw new Error(
        `accessLogRetentionDays must be a whole number ≥ 1, got ${props.accessLogRetentionDays}`,
      );
    }
    this.retentionDays = props.retentionDays;

    this.key = new Key(this, 'Key', {
      description: 'fairlisten: call recordings only',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    // Access logs name contact ids: kept no longer than the audit trail.
    this.accessLogs = new AccessLogsBucket(this, 'AccessLogs', {
      retentionDays: props.accessLogRetentionDays,
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioning lets a redaction replace audio atomically; the lifecycle removes old versions.
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'recordings/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          // No prefix filter: Connect's call recordings and Contact Lens output alike. The days
          // leave room for S3's rounding (lib/policy/retention.ts): a version written at the call
          // is gone within retentionDays by the lifecycle alone. A version written later (a
          // redaction) restarts S3's count: the retention sweeper deletes it, counted from the call.
          id: 'expire-recordings',
          expiration: Duration.days(recordingExpirationDays(props.retentionDays)),
          noncurrentVersionExpiration: Duration.days(RECORDING_NONCURRENT_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // S3 refuses ExpiredObjectDeleteMarker beside Days in one rule, hence a second rule.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });

    Aspects.of(this).add(new SealRecordingAccess(this));
    // Every prefix recordings arrive under must be swept (retention counted from the call).
    this.node.addValidation({
      validate: () => {
        const missing = this.prefixes.filter((p) => !this.swept.has(p));
        return missing.length > 0
          ? [
              `recording prefixes ${missing.join(', ')} are not covered by a retention sweeper (RetentionSweeper): a version written after the call would outlive retentionDays`,
            ]
          : [];
      },
    });
    markRole(this.bucket, 'bucket:recordings');
    markRole(this.accessLogs, 'bucket:access-logs');
    markRole(this.key, 'key:recordings');

    for (const bucket of [this.bucket, this.accessLogs]) {
      acknowledge(
        bucket,
        ['hipaa', 'nist', 'pci'],
        'S3BucketReplicationEnabled',
        'A replica would be a second copy to erase on every deletion or redaction request (C9) and, in another region, would leave the single EU region the policy pins (C3). Durability comes from S3 within the region; versioning covers mistakes for one day.',
      );
    }
    acknowledge(
      this.accessLogs,
      ['hipaa', 'nist', 'pci'],
      'S3DefaultEncryptionKMS',
      'S3 server access logging delivers only to buckets encrypted with SSE-S3; the logs hold object keys and request metadata, never audio, and are TLS-only and private.',
    );
  }

  /**
   * Lets Amazon Connect write call recordings. Connect writes through its service-linked role, which
   * the storage-config association gives `s3:PutObject` on this bucket, and encrypts through a KMS
   * grant made by the deploying principal: an Allow for the `connect.amazonaws.com` service principal
   * would never be used. What this adds is the role's place in the write Deny's exception list.
   */
  allowConnectWrites(): void {
    this.connectWrites = true;
  }

  /** ARN pattern of Amazon Connect's service-linked roles in this account (one per instance). */
  get connectServiceLinkedRoleArns(): string {
    const stack = Stack.of(this);
    return `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*`;
  }

  /** Lets `role` read audio under `prefix` (IAM and bucket-policy exception). */
  grantRecordingRead(role: IRole, prefix = ''): void {
    this.readers.push(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    this.key.grantDecrypt(role);
  }

  /** Lets `role` replace and delete recordings, every version included (redaction, deletion). */
  grantRecordingRewrite(role: IRole, prefix = ''): void {
    this.rewriters.push(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucketVersions', 's3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.key.grantEncryptDecrypt(role);
  }

  /**
   * Declares a key prefix recordings arrive under (ingest's notification prefixes, Contact Lens
   * output). Synthesis fails unless a retention sweeper covers every declared prefix.
   */
  addRecordingPrefix(prefix: string): void {
    if (!/^[^/].*\/$/.test(prefix))
      throw new Error(`a recording prefix is relative and ends in "/", got "${prefix}"`);
    if (!this.prefixes.includes(prefix)) this.prefixes.push(prefix);
  }

  /** The prefixes declared so far, in order. */
  get recordingPrefixes(): readonly string[] {
    return [...this.prefixes];
  }

  /**
   * Lets `role` list and delete every version under `prefixes` — nothing else: no read, no write,
   * no key use. The role joins the bucket policy's exception for deletes; the prefixes count as swept.
   */
  grantRetentionSweep(role: IRole, prefixes: readonly string[]): void {
    if (prefixes.length === 0) throw new Error('grantRetentionSweep needs at least one prefix, got none');
    for (const p of prefixes) {
      if (!/^[^/].*\/$/.test(p)) throw new Error(`a swept prefix is relative and ends in "/", got "${p}"`);
      this.swept.add(p);
    }
    this.expirers.push(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: prefixes.map((p) => this.bucket.arnForObjects(`${p}*`)),
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucketVersions'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
      }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnResource);
    for (const p of prefixes) {
      acknowledge(
        role,
        ['solutions'],
        `IAM5[Resource::<${bucketId}.Arn>/${p}*]`,
        'Recordings under this prefix are keyed by date and contact id, unknown at deploy time; the sweeper may only list and delete versions there, and decides which from the call date in the key.',
      );
    }
  }

  /** Roles named as readers so far (the compliance report recomputes this from the template). */
  get recordingReaders(): readonly IRole[] {
    return this.readers;
  }

  /** @internal Adds the deny statements once every grant is known (called by the aspect). */
  _seal(): void {
    this.bucket.addToResourcePolicy(denyUnless('OnlyNamedRolesReadRecordings', RECORDING_READ_ACTIONS, this));
    this.bucket.addToResourcePolicy(
      denyUnless('OnlyNamedRolesRewriteRecordings', RECORDING_REWRITE_ACTIONS, this, [
        ...this.rewriters,
        ...this.expirers,
      ]),
    );
    // s3:PutObject also authorizes CopyObject, CreateMultipartUpload, UploadPart(Copy) and
    // CompleteMultipartUpload: one action name closes every way of writing a version.
    const writes = new PolicyStatement({
      sid: 'OnlyConnectAndNamedRolesWriteRecordings',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects('*')],
    });
    const writers = this.rewriters.map((r) => r.roleArn);
    if (writers.length > 0) writes.addCondition('ArnNotEquals', { 'aws:PrincipalArn': writers });
    if (this.connectWrites)
      writes.addCondition('ArnNotLike', { 'aws:PrincipalArn': this.connectServiceLinkedRoleArns });
    this.bucket.addToResourcePolicy(writes);
    // A write that names no encryption gets the bucket default (this key); one that names another
    // key, SSE-S3 or DSSE is refused, whoever makes it.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'RecordingsOnlyUnderTheRecordingsKey',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'RecordingsOnlyUnderTheRecordingsKeyArn',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.key.keyArn },
        },
      }),
    );
  }
}

function denyUnless(
  sid: string,
  actions: readonly string[],
  owner: RecordingsBucket,
  allowed: readonly IRole[] = owner.recordingReaders,
): PolicyStatement {
  const statement = new PolicyStatement({
    sid,
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: [...actions],
    resources: [owner.bucket.arnForObjects('*')],
  });
  if (allowed.length > 0) {
    statement.addCondition('ArnNotEquals', { 'aws:PrincipalArn': allowed.map((r) => r.roleArn) });
  }
  return statement;
}

/** Seals the bucket policy at synthesis, after every construct had its chance to grant. */
class SealRecordingAccess implements IAspect {
  private sealed = false;
  constructor(private readonly owner: RecordingsBucket) {}
  visit(node: IConstruct): void {
    if (node === this.owner && !this.sealed) {
      this.sealed = true;
      this.owner._seal();
    }
  }
}
