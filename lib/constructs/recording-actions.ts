import { type CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RECORDING_ENV } from '../../lambda/shared/recording-deps';
import { guardAsyncFunction } from './failure-queue';
import { FairlistenFunction } from './fairlisten-function';
import { FairlistenTable } from './fairlisten-table';
import { acknowledge } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RecordingsBucket } from './recordings-bucket';

export interface RecordingActionsProps {
  readonly recordings: RecordingsBucket;
  /** The sampler's decisions table (read: was this contact meant to be recorded?). */
  readonly decisions: ITable;
  /** Key of the tables and log groups (the project data key). */
  readonly dataKey: IKey;
  /** Days the functions' logs are kept. */
  readonly logRetentionDays: number;
  /** The audit table, where deletions and redactions are recorded. */
  readonly auditTableName: string;
  /** Days audit records are kept (the audit log's `retentionDays`). */
  readonly auditRetentionDays: number;
  /** Grants append to the audit chains (e.g. `(g) => audit.grantAppend(g)`). @default - none (wire it before deploying) */
  readonly grantAudit?: (grantee: IGrantable) => void;
  /** Where the dead-letter and rejected-event alarms notify. @default - the alarms notify nobody */
  readonly alerts?: OperatorAlerts;
  /** @default Duration.minutes(5) — enough to copy, rewrite and hash a one-hour recording */
  readonly timeout?: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
}

/** Environment the recording functions read (lambda/shared/recording-deps.ts). */
export interface RecordingEnvironment {
  readonly [name: string]: string;
}

/**
 * The recording actions (C9): the `requests` and `recordings` tables and the
 * executor that deletes every version of a contact's recordings or redacts them in place in S3.
 * The privacy API writes requests and invokes the executor (`grantInvoke`); ingest applies
 * requests on arrival with the same permissions (`grantApply`).
 */
export class RecordingActions extends Construct {
  readonly requests: FairlistenTable;
  readonly recordingsIndex: FairlistenTable;
  readonly function: FairlistenFunction;
  /** Dead-letter queue (after retries) and rejected-event alarm of the executor. */
  readonly failures: ReturnType<typeof guardAsyncFunction>;
  /** Re-runs requests that stopped moving (a timed-out run, a request that missed its file). */
  readonly sweeper: FairlistenFunction;
  readonly sweepSchedule: Rule;
  /** The environment every function applying requests needs (ingest reuses it). */
  readonly environment: RecordingEnvironment;
  private readonly props: RecordingActionsProps;

  constructor(scope: Construct, id: string, props: RecordingActionsProps) {
    super(scope, id);
    if (!Number.isInteger(props.auditRetentionDays) || props.auditRetentionDays < 1) {
      throw new Error(`auditRetentionDays must be a whole number ≥ 1, got ${props.auditRetentionDays}`);
    }
    const timeout = props.timeout ?? Duration.minutes(5);
    if (timeout.toSeconds() > 900)
      throw new Error(`timeout must be at most 15 minutes, got ${timeout.toHumanString()}`);
    this.props = props;
    this.requests = new FairlistenTable(this, 'Requests', { name: 'requests', encryptionKey: props.dataKey });
    this.recordingsIndex = new FairlistenTable(this, 'Index', {
      name: 'recordings',
      encryptionKey: props.dataKey,
    });
    this.environment = {
      [RECORDING_ENV.bucket]: props.recordings.bucket.bucketName,
      [RECORDING_ENV.kmsKeyId]: props.recordings.key.keyArn,
      [RECORDING_ENV.recordingsTable]: this.recordingsIndex.table.tableName,
      [RECORDING_ENV.requestsTable]: this.requests.table.tableName,
      [RECORDING_ENV.decisionsTable]: props.decisions.tableName,
      [RECORDING_ENV.retentionDays]: String(props.recordings.retentionDays),
      [RECORDING_ENV.auditTable]: props.auditTableName,
      [RECORDING_ENV.auditRetentionDays]: String(props.auditRetentionDays),
    };
    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'recording-actions',
      serviceName: 'fairlisten-recording-actions',
      description:
        'fairlisten recording actions: delete every version, or redact in place with server-side copies (C9)',
      logKey: props.dataKey,
      logRetentionDays: props.logRetentionDays,
      timeout,
      memorySize: props.memorySize ?? 1024,
      environment: { ...this.environment },
    });
    this.grantApply(this.function.role!);
    this.failures = guardAsyncFunction(this.function, {
      what: 'recording action requests',
      metricName: 'RecordingActionsRejectedEvents',
      key: props.dataKey,
      alerts: props.alerts,
    });

    this.sweeper = new FairlistenFunction(this, 'Sweeper', {
      handlerDir: 'request-sweeper',
      serviceName: 'fairlisten-request-sweeper',
      description: 'fairlisten: re-runs deletion and redaction requests that stopped moving (C9)',
      logKey: props.dataKey,
      logRetentionDays: props.logRetentionDays,
      timeout: Duration.minutes(1),
      environment: {
        REQUESTS_TABLE: this.requests.table.tableName,
        EXECUTOR_FUNCTION_NAME: this.function.functionName,
      },
    });
    // Read-only on requests, invoke on the executor: the sweeper itself changes nothing.
    this.requests.table.grantReadData(this.sweeper);
    this.function.grantInvoke(this.sweeper);
    this.sweepSchedule = new Rule(this, 'SweepEvery5Minutes', {
      description: 'fairlisten: re-run stalled privacy requests',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(this.sweeper, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });
    const sweeperRole = this.sweeper.role!;
    acknowledge(
      sweeperRole,
      ['solutions'],
      `IAM5[Resource::<${Stack.of(this).getLogicalId(this.requests.table.node.defaultChild as CfnResource)}.Arn>/index/*]`,
      'Generated by the CDK read grant: the wildcard spans the indexes of the one requests table; the sweeper only scans the table itself.',
    );
    acknowledge(
      sweeperRole,
      ['solutions'],
      `IAM5[Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnResource)}.Arn>:*]`,
      'Generated by the CDK invoke grant: the wildcard spans the versions and aliases of the one executor function.',
    );
    acknowledge(
      this.sweepSchedule,
      ['serverless'],
      'EventBusDLQ',
      'A missed sweep is repeated five minutes later by the schedule itself; a dead-letter queue would only hold copies of empty scheduled events.',
    );
  }

  /**
   * Everything applying a request takes: read, rewrite and delete recordings (named in the bucket
   * policy's exceptions), multipart uploads, the index and request tables, the decisions, the audit.
   */
  grantApply(role: IRole): void {
    const { recordings } = this.props;
    recordings.grantRecordingRead(role);
    recordings.grantRecordingRewrite(role);
    // Stale multipart uploads of a key are listed and aborted before a new one starts.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucketMultipartUploads'],
        resources: [recordings.bucket.bucketArn],
      }),
    );
    this.recordingsIndex.table.grantReadWriteData(role);
    this.requests.table.grantReadWriteData(role);
    this.props.decisions.grantReadData(role);
    this.props.grantAudit?.(role);

    const arnRef = (arn: string) => {
      const resolved = Stack.of(this).resolve(arn) as { 'Fn::GetAtt'?: [string, string] };
      return resolved['Fn::GetAtt'] ? `<${resolved['Fn::GetAtt'][0]}.Arn>` : arn;
    };
    acknowledge(
      role,
      ['solutions'],
      `IAM5[Resource::${arnRef(recordings.bucket.bucketArn)}/*]`,
      'Recordings are keyed by date and contact id, unknown at deploy time; the role acts on objects of the one recordings bucket, and the bucket policy names this role as one of the few allowed to read or delete audio.',
    );
    for (const table of [this.recordingsIndex, this.requests]) {
      acknowledge(
        role,
        ['solutions'],
        `IAM5[Resource::${arnRef(table.table.tableArn)}/index/*]`,
        'Generated by the CDK table grant: the wildcard spans the global secondary indexes of this one table (byContact, byAgent), which the role queries.',
      );
    }
  }

  /** Lets `grantee` (the privacy API) start the executor: `lambda:InvokeFunction` with `{ requestId }`. */
  grantInvoke(grantee: IGrantable) {
    return this.function.grantInvoke(grantee);
  }
}
