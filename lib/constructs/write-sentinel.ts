import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { sentinelEnvironment } from '../../lambda/audit-sentinel/config';
import { TAMPER_LOG_MESSAGE } from '../../lambda/audit-sentinel/sentinel';
import type { AuditLog } from './audit-log';
import { FailureQueue } from './failure-queue';
import { FairlistenFunction } from './fairlisten-function';
import type { FairlistenTable } from './fairlisten-table';
import type { OperatorAlerts } from './operator-alerts';

export interface WriteSentinelProps {
  /** The audit log: its table is watched, and the sentinel appends its findings to it. */
  readonly audit: AuditLog;
  /** The sampler's decisions table (append-only, watched too). */
  readonly decisions: FairlistenTable;
  /** Key of the sentinel's logs and dead-letter queue. */
  readonly dataKey: IKey;
  /** Where its alarms notify. */
  readonly alerts: OperatorAlerts;
}

/** Metric the sentinel's log filter counts (one per tampering found). */
export const TAMPER_METRIC = { namespace: 'fairlisten', name: 'AuditTampered' } as const;

/**
 * Detects what IAM cannot forbid on the append-only tables: the streams of the audit and
 * decisions tables feed a function that records every MODIFY or REMOVE other than a TTL expiry
 * (or the exporter's bookkeeping) as an `audit-tampered` record in its own chain, and an alarm
 * fires on the first one. INSERTs are filtered out before the function is invoked.
 *
 * A batch the function cannot handle is retried, then its stream position goes to a dead-letter
 * queue whose alarm fires: a change can go unrecorded, never unnoticed.
 */
export class WriteSentinel extends Construct {
  readonly function: FairlistenFunction;
  readonly deadLetters: FailureQueue;
  readonly tamperAlarm: Alarm;
  readonly errorAlarm: Alarm;

  constructor(scope: Construct, id: string, props: WriteSentinelProps) {
    super(scope, id);
    const auditTable = props.audit.table;
    for (const t of [auditTable, props.decisions]) {
      if (!t.appendOnly || !t.table.tableStreamArn) {
        throw new Error(
          `${t.node.path} is not an append-only table with a stream; the sentinel cannot watch it`,
        );
      }
    }
    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'audit-sentinel',
      serviceName: 'fairlisten-audit-sentinel',
      description:
        'fairlisten write sentinel: records every change to the audit and decisions tables that is not an append',
      logKey: props.dataKey,
      logRetentionDays: props.audit.retentionDays,
      timeout: Duration.minutes(1),
      environment: sentinelEnvironment({ decisionsTable: props.decisions.table.tableName }),
      writesAudit: true,
    });
    props.audit.bindWriter(this.function);

    this.deadLetters = new FailureQueue(this, 'DeadLetters', {
      what: 'changes to the audit or decisions table',
      key: props.dataKey,
    });
    for (const t of [auditTable, props.decisions]) {
      this.function.addEventSource(
        new DynamoEventSource(t.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          bisectBatchOnError: true,
          retryAttempts: 10,
          onFailure: new SqsDlq(this.deadLetters.queue),
          filters: [FilterCriteria.filter({ eventName: FilterRule.or('MODIFY', 'REMOVE') })],
        }),
      );
    }

    const metric = new MetricFilter(this, 'TamperedFilter', {
      logGroup: this.function.logs,
      filterPattern: FilterPattern.stringValue('$.message', '=', TAMPER_LOG_MESSAGE),
      metricNamespace: TAMPER_METRIC.namespace,
      metricName: TAMPER_METRIC.name,
      metricValue: '1',
    });
    this.tamperAlarm = new Alarm(this, 'TamperedAlarm', {
      alarmDescription:
        'fairlisten: an audit or decisions record was changed or deleted (see chain audit-tampered)',
      metric: new Metric({
        namespace: metric.metric().namespace,
        metricName: metric.metric().metricName,
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorAlarm = new Alarm(this, 'ErrorAlarm', {
      alarmDescription: 'fairlisten: the write sentinel fails (changes are not being checked)',
      metric: this.function.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    props.alerts.watch(this.tamperAlarm, this.errorAlarm, this.deadLetters.alarm);
  }
}
