import { Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { markRole } from './roles';

export interface OperatorAlertsProps {
  /** Key encrypting the topic (the project data key). */
  readonly key: IKey;
}

/**
 * The one topic every fairlisten alarm notifies (tampering, dead letters, failing guards).
 * Operators subscribe to it (e-mail, chat); a notification names the alarm, never personal data.
 */
export class OperatorAlerts extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OperatorAlertsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'fairlisten alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    markRole(this.topic, 'topic:alarms');
    // CloudWatch alarms of this account publish to the encrypted topic.
    props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.action = new SnsAction(this.topic);
  }

  /** Notifies the topic when `alarm` fires. */
  watch(...alarms: Alarm[]): void {
    for (const alarm of alarms) alarm.addAlarmAction(this.action);
  }
}
