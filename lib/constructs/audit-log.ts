import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, Effect, Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { auditExportEnvironment, EXPORT_PREFIX } from '../../lambda/audit-export/config';
import { HARD_LIMITS } from '../../lambda/core/policy';
import { auditEnvironment } from '../../lambda/shared/audit-config';
import { AccessLogsBucket } from './access-logs-bucket';
import { FairlistenFunction } from './fairlisten-function';
import { FairlistenTable } from './fairlisten-table';
import { acknowledge } from './nag';
import { PART_OPERATIONS, Publication, WRITE_ACTIONS } from './publication';
import { markRole } from './roles';

export interface AuditLogProps {
  /** Days audit records, exports and transparency objects are kept and locked: 1..365 (CNIL ≤ 1 year). */
  readonly retentionDays: number;
  /** Key of the audit table, the audit bucket and the exporter's logs (the project data key). */
  readonly dataKey: IKey;
  /** The sampler's decisions table, read by the exporter. */
  readonly decisions: ITable;
  /**
   * Bucket receiving the audit bucket's server access logs (SSE-S3, as S3 logging requires).
   * @default - a new private, TLS-only bucket whose logs expire after `retentionDays`
   */
  readonly accessLogsBucket?: IBucket;
  /** @default Schedule.rate(Duration.hours(1)) */
  readonly exportSchedule?: Schedule;
}

/** Table actions an appender gets: read the head, conditional put. Never Update or Delete. */
export const AUDIT_APPEND_ACTIONS = ['dynamodb:Query', 'dynamodb:PutItem'] as const;
export const AUDIT_READ_ACTIONS = ['dynamodb:Query', 'dynamodb:GetItem'] as const;
const KEY_READ = ['kms:Decrypt', 'kms:DescribeKey'] as const;
const KEY_WRITE = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] as const;

/**
 * The tamper-evident audit log: the `audit` table of hash chains, the audit bucket
 * holding their hourly JSON Lines exports (and the seed function's transparency objects) under
 * S3 Object Lock in COMPLIANCE mode — nobody, root included, can delete or overwrite a locked
 * version before `retentionDays` — and the scheduled exporter.
 *
 * Object Lock is on this bucket only, never on the recordings bucket, which must stay redactable.
 */
export class AuditLog extends Construct {
  readonly table: FairlistenTable;
  readonly bucket: Bucket;
  readonly accessLogs: IBucket;
  readonly exporter: FairlistenFunction;
  /** The write-once `published/` prefix of the bucket and the key that signs the heads. */
  readonly publication: Publication;
  readonly schedule: Rule;
  readonly retentionDays: number;
  private readonly dataKey: IKey;

  constructor(scope: Construct, id: string, props: AuditLogProps) {
    super(scope, id);
    const n = props.retentionDays;
    if (!Number.isInteger(n) || n < 1 || n > HARD_LIMITS.auditRetentionDays.max) {
      throw new Error(
        `retentionDays must be a whole number 1..${HARD_LIMITS.auditRetentionDays.max} (CNIL: at most one year), got ${n}`,
      );
    }
    this.retentionDays = n;
    this.dataKey = props.dataKey;

    this.table = new FairlistenTable(this, 'Table', { name: 'audit', encryptionKey: props.dataKey });

    let ownLogs: Bucket | undefined;
    if (props.accessLogsBucket) {
      this.accessLogs = props.accessLogsBucket;
    } else {
      ownLogs = new AccessLogsBucket(this, 'AccessLogs', { retentionDays: n });
      this.accessLogs = ownLogs;
    }

    this.bucket = new Bucket(this, 'Bucket', {
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'audit/',
      lifecycleRules: [
        {
          id: 'expire-audit-objects',
          expiration: Duration.days(n),
          // Object Lock keeps a noncurrent version until its own retention ends; then it goes.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // S3 refuses ExpiredObjectDeleteMarker beside Days in one rule, hence a second rule.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      // Security settings last, so nothing above can turn them off.
      encryption: BucketEncryption.KMS,
      encryptionKey: props.dataKey,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(n)),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.exporter = new FairlistenFunction(this, 'Exporter', {
      handlerDir: 'audit-export',
      serviceName: 'fairlisten-audit-export',
      description: 'fairlisten audit export: sampler decisions into chains, chains to Object Lock JSON Lines',
      logKey: props.dataKey,
      logRetentionDays: n,
      timeout: Duration.minutes(10),
      memorySize: 512,
      environment: auditExportEnvironment({
        bucket: this.bucket.bucketName,
        decisionsTable: props.decisions.tableName,
      }),
      writesAudit: true,
    });
    // Chains: read heads and records, append decisions, watermark and lease items; find chains.
    this.bindWriter(this.exporter);
    this.table.table.grant(this.exporter, 'dynamodb:Scan');
    props.decisions.grant(this.exporter, 'dynamodb:Scan');
    props.decisions.encryptionKey?.grant(this.exporter, ...KEY_READ);
    // Exports: list, read the last file of a chain, write new files. No delete (and Object Lock).
    this.exporter.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${EXPORT_PREFIX}*`] } },
      }),
    );
    this.exporter.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${EXPORT_PREFIX}*`)],
      }),
    );
    props.dataKey.grant(this.exporter, ...KEY_READ, ...KEY_WRITE);
    // Export files are written once (each names the seq range it holds, and the exporter resumes
    // after the last one): a put that does not require the key to be new is refused, so no new
    // version of an export file can become current. Object Lock keeps the old versions anyway.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ExportsOnlyOnce',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: WRITE_ACTIONS,
        resources: [this.bucket.arnForObjects(`${EXPORT_PREFIX}*`)],
        conditions: {
          Null: { 's3:if-none-match': 'true' },
          StringNotEquals: { 's3:ObjectCreationOperation': PART_OPERATIONS },
        },
      }),
    );
    this.publication = new Publication(this, 'Publication', { bucket: this.bucket, exporter: this.exporter });

    this.schedule = new Rule(this, 'ExportSchedule', {
      description: 'fairlisten: hourly audit export',
      schedule: props.exportSchedule ?? Schedule.rate(Duration.hours(1)),
      targets: [new LambdaFunction(this.exporter, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });

    acknowledge(
      this.schedule,
      ['serverless'],
      'EventBusDLQ',
      'The schedule event carries no data: a failed or dropped run is completed by the next hourly run, which resumes from the exported files and the decision watermark; Lambda errors are visible in its metrics.',
    );

    markRole(this.bucket, 'bucket:audit');
    if (ownLogs) markRole(ownLogs, 'bucket:access-logs');
    // FairlistenTable marks the table `table:audit`.

    const stack = Stack.of(this);
    acknowledge(
      this.exporter.role!,
      ['solutions'],
      `IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/${EXPORT_PREFIX}*]`,
      'The exporter writes one object per chain and seq range, named at run time; the resource is limited to the exports/ prefix of the audit bucket, where Object Lock forbids deleting or overwriting a version.',
    );
    const buckets = ownLogs ? [this.bucket, ownLogs] : [this.bucket];
    for (const bucket of buckets) {
      acknowledge(
        bucket,
        ['hipaa', 'nist', 'pci'],
        'S3BucketReplicationEnabled',
        'A replica outside the policy region would leave the single EU region (C3); the audit exports are already a second, Object Lock–protected copy of the audit table (which has PITR).',
      );
    }
    if (ownLogs) {
      acknowledge(
        ownLogs,
        ['hipaa', 'nist', 'pci'],
        'S3DefaultEncryptionKMS',
        'S3 server access logging delivers only to buckets encrypted with SSE-S3; the logs hold object keys and request metadata, are TLS-only and private.',
      );
    }
  }

  /**
   * The one way a function writes to the audit log: sets its audit environment (the table and the
   * records' retention, lambda/shared/audit-config.ts) and lets it append (Query the head, PutItem
   * the next record; no UpdateItem, no DeleteItem). The function must declare `writesAudit`, and
   * one that does fails synthesis until it is bound here.
   */
  bindWriter(fn: FairlistenFunction): Grant {
    fn.markAuditBound();
    // The table's resource policy names each appender.
    this.table.allowAppender(fn);
    const environment = auditEnvironment({
      table: this.table.table.tableName,
      retentionDays: this.retentionDays,
    });
    for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value);
    this.dataKey.grant(fn, ...KEY_READ, ...KEY_WRITE);
    return this.table.table.grant(fn, ...AUDIT_APPEND_ACTIONS);
  }

  /** Lets `grantee` read chains (views, agent and council pages): Query and GetItem. */
  grantReadChains(grantee: IGrantable): Grant {
    this.dataKey.grant(grantee, ...KEY_READ);
    return this.table.table.grant(grantee, ...AUDIT_READ_ACTIONS);
  }

  /**
   * Lets `grantee` publish transparency objects (seed commitments and reveals) under `prefix` of
   * the audit bucket: PutObject there only. The exports prefix is the exporter's alone.
   */
  grantPublish(grantee: IGrantable, prefix = 'transparency/'): Grant {
    if (!/^[a-z0-9][a-z0-9-]*\/$/.test(prefix) || prefix === EXPORT_PREFIX) {
      throw new Error(
        `grantPublish prefix must be a lowercase folder ending in "/" other than "${EXPORT_PREFIX}", got "${prefix}"`,
      );
    }
    this.dataKey.grant(grantee, 'kms:GenerateDataKey*', 'kms:Encrypt');
    const resource = this.bucket.arnForObjects(`${prefix}*`);
    if (Construct.isConstruct(grantee.grantPrincipal)) {
      acknowledge(
        grantee.grantPrincipal,
        ['solutions'],
        `IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/${prefix}*]`,
        `Transparency objects are named per period at run time; PutObject only, limited to the ${prefix} prefix of the Object Lock audit bucket.`,
      );
    }
    return Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [resource] });
  }
}
