import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ASYNC_RETRY_ATTEMPTS } from '../../../lib/constructs/failure-queue';
import { synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);

describe.each([
  [
    'ingest',
    () => stack.recordingIngest.function,
    () => stack.recordingIngest.failures,
    'IngestRejectedEvents',
  ],
  [
    'recording actions',
    () => stack.recordingActions.function,
    () => stack.recordingActions.failures,
    'RecordingActionsRejectedEvents',
  ],
])('%s', (_name, fn, failures, metric) => {
  const topic = () => ({ Ref: id(stack.alerts.topic) });

  it('retries a failed event a bounded number of times, then sends it to its dead-letter queue', () => {
    expect(ASYNC_RETRY_ATTEMPTS).toBeLessThanOrEqual(2);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(fn()) },
      MaximumRetryAttempts: ASYNC_RETRY_ATTEMPTS,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [id(failures().deadLetters.queue), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 14 * 86400,
    });
  });

  it('alarms on the first dead letter and on the first rejected event, to the alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [id(failures().deadLetters.queue), 'QueueName'] } },
      ],
      Threshold: 1,
      AlarmActions: [topic()],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: stack.getLogicalId(fn().logs.node.defaultChild as never) },
      FilterPattern: '{ $.message = "rejected event" }',
      MetricTransformations: [{ MetricName: metric, MetricNamespace: 'fairlisten', MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metric,
      Namespace: 'fairlisten',
      Threshold: 1,
      AlarmActions: [topic()],
    });
  });
});
