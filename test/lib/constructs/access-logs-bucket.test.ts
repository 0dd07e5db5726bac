import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AccessLogsBucket } from '../../../lib/constructs/access-logs-bucket';
import { synthStack } from '../../support/synth';

describe('AccessLogsBucket', () => {
  it('is private, TLS only, SSE-S3 (what server access logging delivers to), and forgets after its retention', () => {
    const stack = new Stack(new App(), 'T', { env: { account: '111111111111', region: 'eu-central-1' } });
    new AccessLogsBucket(stack, 'Logs', { retentionDays: 30 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'expire-access-logs',
            ExpirationInDays: 30,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          }),
          Match.objectLike({ Id: 'remove-expired-delete-markers', ExpiredObjectDeleteMarker: true }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('holds the access logs of both the recordings bucket and the audit bucket of the stack', () => {
    const { stack } = synthStack();
    expect(stack.recordings.accessLogs).toBeInstanceOf(AccessLogsBucket);
    expect(stack.audit.accessLogs).toBeInstanceOf(AccessLogsBucket);
  });
});
