import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { guardAsyncFunction } from './failure-queue';
import { FairlistenFunction } from './fairlisten-function';
import { acknowledge } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RecordingActions } from './recording-actions';
import type { RecordingsBucket } from './recordings-bucket';
import type { SamplingService } from './sampling-service';

export interface RecordingIngestProps {
  readonly recordings: RecordingsBucket;
  /** The recording actions whose tables ingest fills and whose requests it applies on arrival. */
  readonly actions: RecordingActions;
  /**
   * The sampler's tables: a recording whose decision was never stored is recognised by the drawn
   * decision the sampler reserved for it, which ingest then stores.
   */
  readonly sampling: Pick<SamplingService, 'bindRecovery'>;
  /** Connect's CALL_RECORDINGS prefix (`ContactCenter.recordingsPrefix`), without a trailing slash. */
  readonly recordingsPrefix: string;
  /**
   * Contact Lens voice output prefixes (`Analysis/Voice/Redacted/` is inside them).
   * @default - `Analysis/Voice/` at the bucket root (as the Connect admin guide shows it) and
   * under the instance folder (`connect/<alias>/Analysis/Voice/`, as seen on real instances)
   */
  readonly analysisPrefixes?: readonly string[];
  readonly dataKey: IKey;
  readonly logRetentionDays: number;
  /** @default Duration.minutes(5) — ingest may apply a waiting redaction of a one-hour file */
  readonly timeout?: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
  /** Where the dead-letter and rejected-event alarms notify. @default - the alarms notify nobody */
  readonly alerts?: OperatorAlerts;
}

/** The S3 events ingest listens to, on every prefix. */
export const INGEST_EVENT_TYPES = [
  EventType.OBJECT_CREATED_PUT,
  EventType.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD,
];

/**
 * Recording ingest: every object Connect or Contact Lens writes under a recording
 * prefix is checked against the sampler's decision — deleted at once (every version) and audited
 * when it was not meant to exist — then indexed, and the requests waiting for it applied.
 */
export class RecordingIngest extends Construct {
  readonly function: FairlistenFunction;
  /** Dead-letter queue (after retries) and rejected-event alarm. */
  readonly failures: ReturnType<typeof guardAsyncFunction>;
  /** Prefixes with event notifications (each ending in `/`). */
  readonly prefixes: readonly string[];

  constructor(scope: Construct, id: string, props: RecordingIngestProps) {
    super(scope, id);
    const recordingsPrefix = props.recordingsPrefix.replace(/\/+$/, '');
    if (recordingsPrefix === '' || recordingsPrefix.startsWith('/')) {
      throw new Error(
        `recordingsPrefix must be a relative key prefix such as connect/<alias>/CallRecordings, got "${props.recordingsPrefix}"`,
      );
    }
    const instanceFolder = recordingsPrefix.split('/').slice(0, -1).join('/');
    const analysis = props.analysisPrefixes ?? [
      'Analysis/Voice/',
      ...(instanceFolder ? [`${instanceFolder}/Analysis/Voice/`] : []),
    ];
    const prefixes = [`${recordingsPrefix}/`, ...analysis.map((p) => (p.endsWith('/') ? p : `${p}/`))];
    for (const a of prefixes) {
      for (const b of prefixes) {
        // S3 refuses overlapping notification prefixes for one event type.
        if (a !== b && b.startsWith(a))
          throw new Error(`notification prefixes overlap: "${a}" contains "${b}"`);
      }
    }
    if (new Set(prefixes).size !== prefixes.length)
      throw new Error(`duplicate notification prefix in ${prefixes.join(', ')}`);
    this.prefixes = prefixes;
    // The retention sweeper must cover each of them (the bucket checks it at synthesis).
    for (const prefix of prefixes) props.recordings.addRecordingPrefix(prefix);

    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'ingest',
      serviceName: 'fairlisten-ingest',
      description:
        'fairlisten ingest: delete recordings made outside the policy, index the others, apply waiting requests (C9)',
      logKey: props.dataKey,
      logRetentionDays: props.logRetentionDays,
      timeout: props.timeout ?? Duration.minutes(5),
      memorySize: props.memorySize ?? 1024,
      writesAudit: true,
    });
    // Applying a waiting request is the executor's work, done in place: the same environment and grants.
    props.actions.bindApplier(this.function);
    props.sampling.bindRecovery(this.function);
    this.failures = guardAsyncFunction(this.function, {
      what: 'recording events',
      metricName: 'IngestRejectedEvents',
      key: props.dataKey,
      alerts: props.alerts,
    });

    const destination = new LambdaDestination(this.function);
    for (const prefix of prefixes) {
      for (const type of INGEST_EVENT_TYPES) {
        props.recordings.bucket.addEventNotification(type, destination, { prefix });
      }
    }
    sealNotificationsHandler(this, props.recordings);
  }
}

/** Id CDK gives the stack-wide custom resource that writes bucket notification configurations. */
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * The deploy-time handler CDK adds for S3 notifications comes with the AWS managed
 * AWSLambdaBasicExecutionRole, which fairlisten allows on no role. It is removed: the handler
 * only calls s3:PutBucketNotification during deploys, and its logs would hold nothing but the
 * bucket configuration CloudFormation already reports.
 */
function sealNotificationsHandler(scope: Construct, bucket: RecordingsBucket): void {
  const handler = Stack.of(scope).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
  const role = handler?.node.tryFindChild('Role');
  const cfnRole = role?.node.defaultChild;
  if (role && cfnRole instanceof CfnResource) {
    cfnRole.addPropertyDeletionOverride('ManagedPolicyArns');
    acknowledge(
      role,
      ['solutions'],
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK adds this managed policy to its bucket-notifications custom resource; the template does not carry it (removed by a property override), the role only has s3:PutBucketNotification.',
    );
  }
  const notifications = bucket.bucket.node.tryFindChild('Notifications');
  if (notifications) {
    acknowledge(
      notifications,
      ['hipaa', 'nist', 'pci'],
      'IAMNoInlinePolicy',
      'CDK deploy-time custom resource for bucket notifications: its one inline statement (s3:PutBucketNotification on the recordings bucket) is generated for this role only.',
    );
  }
}
