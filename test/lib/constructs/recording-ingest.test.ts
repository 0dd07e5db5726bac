import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { RecordingActions } from '../../../lib/constructs/recording-actions';
import { RecordingIngest } from '../../../lib/constructs/recording-ingest';
import { RecordingsBucket } from '../../../lib/constructs/recordings-bucket';
import { synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const resources = (type: string) => template.findResources(type);

describe('RecordingIngest', () => {
  it('listens to Put and CompleteMultipartUpload on every recording prefix', () => {
    const notifications = Object.values(resources('Custom::S3BucketNotifications'))[0]!;
    const configs = notifications.Properties.NotificationConfiguration.LambdaFunctionConfigurations as {
      Events: string[];
      Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
    }[];
    const seen = configs.map((c) => `${c.Events.join()} ${c.Filter.Key.FilterRules[0]!.Value}`).sort();
    const prefixes = [
      'connect/fairlisten/CallRecordings/',
      'Analysis/Voice/',
      'connect/fairlisten/Analysis/Voice/',
    ];
    expect(stack.recordingIngest.prefixes).toEqual(prefixes);
    expect(seen).toEqual(
      prefixes
        .flatMap((p) => [`s3:ObjectCreated:Put ${p}`, `s3:ObjectCreated:CompleteMultipartUpload ${p}`])
        .sort(),
    );
  });

  it('refuses overlapping prefixes', () => {
    const app = new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } });
    const s = new Stack(app, 'S');
    const recordings = new RecordingsBucket(s, 'R', { retentionDays: 30, accessLogRetentionDays: 30 });
    expect(
      () =>
        new RecordingIngest(s, 'I', {
          recordings,
          actions: {} as RecordingActions,
          sampling: { bindRecovery: () => {} },
          recordingsPrefix: 'connect/x/CallRecordings',
          analysisPrefixes: ['Analysis/Voice/', 'Analysis/Voice/Redacted/'],
          dataKey: recordings.key,
          logRetentionDays: 30,
        }),
    ).toThrow(/notification prefixes overlap: "Analysis\/Voice\/" contains "Analysis\/Voice\/Redacted\/"/);
  });
});
