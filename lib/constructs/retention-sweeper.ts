import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { retentionSweeperEnvironment, SWEEP_INTERVAL_HOURS } from '../../lambda/retention-sweeper/config';
import type { AuditLog } from './audit-log';
import { FairlistenFunction } from './fairlisten-function';
import { acknowledge } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RecordingsBucket } from './recordings-bucket';

export interface RetentionSweeperProps {
  readonly recordings: RecordingsBucket;
  /**
   * The recordings index (`RecordingActions.recordingsIndex.table`): each key removed is marked
   * there, so playback and the assignment no longer offer it. The sweeper may only update its items.
   */
  readonly index: ITableV2;
  /** Where each deletion is recorded (`retention-expired`). */
  readonly audit: AuditLog;
  /** Key of the log group (the project data key). */
  readonly dataKey: IKey;
  readonly logRetentionDays: number;
  /** Where the sweeper's alarms notify. @default - the alarms notify nobody */
  readonly alerts?: OperatorAlerts;
  /**
   * Key prefixes swept, each ending in `/`.
   * @default - every prefix declared on the bucket so far (`RecordingsBucket.recordingPrefixes`):
   * create the sweeper after the constructs that declare them (ingest)
   */
  readonly prefixes?: readonly string[];
}

/** Message of the sweeper's log line about keys it cannot date (lambda/retention-sweeper/sweep.ts). */
export const UNREADABLE_KEYS_MESSAGE = 'retention sweep kept keys it cannot date';

/**
 * Retention counted from the call (C3): once a day, deletes every version and delete marker of the
 * recordings whose call is past `retentionDays` — the case S3's lifecycle cannot hold, since it
 * counts each version from its own creation (a redaction on day 89 would live to day 178). Each
 * deletion is audited, and the recordings index stops offering what it removed. The role may list
 * and delete under the swept prefixes, and update items of the index; nothing else.
 *
 * Alarms: a failed run (error), two days without a run, and keys the sweeper cannot date.
 */
export class RetentionSweeper extends Construct {
  readonly function: FairlistenFunction;
  readonly schedule: Rule;
  readonly prefixes: readonly string[];
  readonly errorAlarm: Alarm;
  readonly notRunAlarm: Alarm;
  readonly unreadableAlarm: Alarm;

  constructor(scope: Construct, id: string, props: RetentionSweeperProps) {
    super(scope, id);
    const prefixes = props.prefixes ?? props.recordings.recordingPrefixes;
    if (prefixes.length === 0)
      throw new Error(
        'RetentionSweeper has no prefix to sweep: pass prefixes, or create it after the constructs that declare them on the bucket',
      );
    this.prefixes = prefixes;
    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'retention-sweeper',
      serviceName: 'fairlisten-retention-sweeper',
      description:
        'fairlisten: deletes every version of the recordings past their retention counted from the call (C3)',
      logKey: props.dataKey,
      logRetentionDays: props.logRetentionDays,
      timeout: Duration.minutes(15),
      memorySize: 512,
      writesAudit: true,
      environment: retentionSweeperEnvironment({
        bucket: props.recordings.bucket.bucketName,
        recordingsTable: props.index.tableName,
        prefixes,
        retentionDays: props.recordings.retentionDays,
        intervalHours: SWEEP_INTERVAL_HOURS,
      }),
    });
    props.recordings.grantRetentionSweep(this.function.role!, prefixes);
    // Marks index items gone (conditional updates of items that exist): no read, put or delete.
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [props.index.tableArn],
    });
    props.index.encryptionKey?.grant(this.function, 'kms:Decrypt', 'kms:GenerateDataKey*');
    props.audit.bindWriter(this.function);
    this.schedule = new Rule(this, 'Daily', {
      description: 'fairlisten: delete recordings past their retention, counted from the call',
      schedule: Schedule.rate(Duration.hours(SWEEP_INTERVAL_HOURS)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });

    this.errorAlarm = new Alarm(this, 'ErrorAlarm', {
      alarmDescription:
        'fairlisten: a retention sweep failed (recordings past their retention may still exist; see the function log)',
      metric: this.function.metricErrors({ statistic: 'Sum', period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notRunAlarm = new Alarm(this, 'NotRunAlarm', {
      alarmDescription:
        'fairlisten: the retention sweeper has not run for two days (schedule disabled or removed?)',
      metric: this.function.metricInvocations({ statistic: 'Sum', period: Duration.days(1) }),
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
    const unreadable = new MetricFilter(this, 'UnreadableKeys', {
      logGroup: this.function.logs,
      filterPattern: FilterPattern.stringValue('$.message', '=', UNREADABLE_KEYS_MESSAGE),
      metricNamespace: 'fairlisten',
      metricName: 'RetentionSweepUnreadableKeys',
      metricValue: '1',
    });
    this.unreadableAlarm = new Alarm(this, 'UnreadableAlarm', {
      alarmDescription:
        'fairlisten: the retention sweeper found recording keys it cannot date (kept; only the lifecycle bounds them)',
      metric: unreadable.metric({ statistic: 'Sum', period: Duration.days(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    props.alerts?.watch(this.errorAlarm, this.notRunAlarm, this.unreadableAlarm);

    acknowledge(
      this.schedule,
      ['serverless'],
      'EventBusDLQ',
      'The schedule event carries no data: a dropped run is repeated by the next day’s run, and two days without a run raise the not-run alarm.',
    );
  }
}
