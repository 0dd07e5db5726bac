import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REJECTED_EVENT_MESSAGE } from '../../lambda/shared/rejected-event';
import { acknowledge } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import { markRole } from './roles';

export interface FailureQueueProps {
  /** What fails into it, for the alarm's description (e.g. `ingest events`). */
  readonly what: string;
  /** Key encrypting the messages (the project data key). */
  readonly key: IKey;
  /** @default Duration.days(14) — the longest SQS keeps a message */
  readonly retention?: Duration;
}

/**
 * A dead-letter queue with an alarm: what a function could not process ends here once, instead of
 * being retried for ever, and the alarm fires as soon as one message is waiting. Messages hold
 * identifiers only (object keys, request ids, stream positions), are KMS-encrypted, TLS-only, and
 * expire after at most 14 days.
 */
export class FailureQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    const retention = props.retention ?? Duration.days(14);
    if (retention.toSeconds() > Duration.days(14).toSeconds()) {
      throw new Error(`retention must be at most 14 days (SQS), got ${retention.toHumanString()}`);
    }
    this.queue = new Queue(this, 'Queue', {
      retentionPeriod: retention,
      removalPolicy: RemovalPolicy.RETAIN,
      // Security settings last.
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
    });
    markRole(this.queue, 'queue:dead-letter');
    this.alarm = new Alarm(this, 'Alarm', {
      alarmDescription: `fairlisten: ${props.what} could not be processed (dead-letter queue not empty)`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    acknowledge(
      this.queue,
      ['solutions'],
      'SQS3',
      'This queue is itself the dead-letter queue of a function; what reaches it is inspected by an operator, not re-driven automatically.',
    );
    acknowledge(
      this.queue,
      ['serverless'],
      'SQSRedrivePolicy',
      'This queue is itself the dead-letter queue of a function; a dead-letter queue of a dead-letter queue would only move the same messages one step further.',
    );
  }

  /** Lets `grantee` send what it rejects to the queue. */
  grantSend(grantee: IGrantable): void {
    this.queue.grantSendMessages(grantee);
  }
}

/** Retries of a failed asynchronous invocation before its event goes to the dead-letter queue. */
export const ASYNC_RETRY_ATTEMPTS = 2;

/**
 * Guards an asynchronously invoked function: a failed event is retried at most
 * {@link ASYNC_RETRY_ATTEMPTS} times within six hours, then sent to a dead-letter queue with an
 * alarm; an event the function rejects as malformed (lambda/shared/rejected-event.ts) is not
 * retried, and a metric filter on its log line raises a second alarm.
 */
export function guardAsyncFunction(
  fn: LambdaFunction & { readonly logs: ILogGroup },
  props: {
    readonly what: string;
    /** Metric counting the rejected events of this function, e.g. `IngestRejectedEvents`. */
    readonly metricName: string;
    readonly key: IKey;
    readonly alerts?: OperatorAlerts;
  },
): { deadLetters: FailureQueue; rejectedAlarm: Alarm } {
  const deadLetters = new FailureQueue(fn, 'DeadLetters', { what: props.what, key: props.key });
  fn.configureAsyncInvoke({
    retryAttempts: ASYNC_RETRY_ATTEMPTS,
    maxEventAge: Duration.hours(6),
    onFailure: new SqsDestination(deadLetters.queue),
  });
  const filter = new MetricFilter(fn, 'RejectedEvents', {
    logGroup: fn.logs,
    filterPattern: FilterPattern.stringValue('$.message', '=', REJECTED_EVENT_MESSAGE),
    metricNamespace: 'fairlisten',
    metricName: props.metricName,
    metricValue: '1',
  });
  const rejectedAlarm = new Alarm(fn, 'RejectedAlarm', {
    alarmDescription: `fairlisten: ${props.what} rejected as malformed (see the function's log)`,
    metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  props.alerts?.watch(deadLetters.alarm, rejectedAlarm);
  return { deadLetters, rejectedAlarm };
}
