import { type CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { sweeperEnvironment } from '../../lambda/request-sweeper/config';
import { recordingEnvironment } from '../../lambda/shared/recording-config';
import type { AuditLog } from './audit-log';
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
  /** The audit log, where deletions, redactions and unauthorized recordings are recorded. */
  readonly audit: AuditLog;
  /** Where the dead-letter and rejected-event alarms notify. @default - the alarms notify nobody */
  readonly alerts?: OperatorAlerts;
  /** @default Duration.minutes(5) — enough to copy, rewrite and hash a one-hour recording */
  readonly timeout?: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
}

/**
 * The recording actions (C9): the `requests` and `recordings` tables and the
 * executor that deletes every version of a contact's recordings or redacts them in place in S3.
 * The privacy API writes requests and invokes the executor (`grantInvoke`); ingest applies
 * requests on arrival with the same environment and permissions (`bindApplier`).
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
  private readonly props: RecordingActionsProps;

  constructor(scope: Construct, id: string, props: RecordingActionsProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(5);
    if (timeout.toSeconds() > 900)
      throw new Error(`timeout must be at most 15 minutes, got ${timeout.toHumanString()}`);
    this.props = props;
    this.requests = new FairlistenTable(this, 'Requests', { name: 'requests', encryptionKey: props.dataKey });
    this.recordingsIndex = new FairlistenTable(this, 'Index', {
      name: 'recordings',
      encryptionKey: props.dataKey,
    });
    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'recording-actions',
      serviceName: 'fairlisten-recording-actions',
      description:
        'fairlisten recording actions: delete every version, or redact in place with server-side copies (C9)',
      logKey: props.dataKey,
      logRetentionDays: props.logRetentionDays,
      timeout,
      memorySize: props.memorySize ?? 1024,
      writesAudit: true,
    });
    this.bindApplier(this.function);
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
      environment: sweeperEnvironment({
        requestsTable: this.requests.table.tableName,
        executorFunctionName: this.function.functionName,
      }),
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
   * Makes `fn` (the executor, ingest) apply requests: its environment (lambda/shared/recording-config.ts)
   * and everything applying a request takes — read, rewrite and delete recordings (named in the
   * bucket policy's exceptions), multipart uploads, the index and request tables, the decisions —
   * and the audit log, where each deletion and redaction is recorded.
   */
  bindApplier(fn: FairlistenFunction): void {
    const { recordings } = this.props;
    const environment = recordingEnvironment({
      bucket: recordings.bucket.bucketName,
      kmsKeyId: recordings.key.keyArn,
      recordingsTable: this.recordingsIndex.table.tableName,
      requestsTable: this.requests.table.tableName,
      decisionsTable: this.props.decisions.tableName,
      retentionDays: recordings.retentionDays,
    });
    for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value);
    this.grantApply(fn.role!);
    this.props.audit.bindWriter(fn);
  }

  private grantApply(role: IRole): void {
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
