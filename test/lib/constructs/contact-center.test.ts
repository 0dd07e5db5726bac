/** The Connect instance, created or imported, its recording storage and who may invoke the sampler. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { recordingsBucketIdOf, synthStack } from '../../support/synth';

const { template } = synthStack();
const recordingsBucketId = recordingsBucketIdOf(template);

describe('Amazon Connect', () => {
  it('creates an instance from the policy alias', () => {
    template.hasResourceProperties('AWS::Connect::Instance', {
      InstanceAlias: 'fairlisten',
      IdentityManagementType: 'CONNECT_MANAGED',
      Attributes: Match.objectLike({ InboundCalls: true, ContactflowLogs: false }),
    });
  });

  it('keeps Contact Lens off: no flow could turn its analytics on for drawn calls only', () => {
    template.hasResourceProperties('AWS::Connect::Instance', {
      Attributes: Match.objectLike({ ContactLens: false }),
    });
    for (const flow of Object.values(template.findResources('AWS::Connect::ContactFlow'))) {
      expect(JSON.stringify(flow.Properties.Content)).not.toMatch(/AnalyticsBehavior|AnalyticsModes/);
    }
  });

  it('keeps flow logging off, and no flow turns it on (flow logs would copy contact attributes)', () => {
    const flows = Object.values(template.findResources('AWS::Connect::ContactFlow'));
    expect(flows.length).toBeGreaterThanOrEqual(2);
    for (const flow of flows) {
      expect(JSON.stringify(flow.Properties.Content)).not.toContain('UpdateFlowLoggingBehavior');
    }
  });

  it('stores call recordings in the recordings bucket with its KMS key', () => {
    template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      ResourceType: 'CALL_RECORDINGS',
      StorageType: 'S3',
      S3Config: {
        BucketName: { Ref: recordingsBucketId },
        BucketPrefix: 'connect/fairlisten/CallRecordings',
        EncryptionConfig: {
          EncryptionType: 'KMS',
          KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecordingsKey'), 'Arn'] },
        },
      },
    });
    template.resourceCountIs('AWS::Connect::InstanceStorageConfig', 1);
  });

  it('imports an existing instance by ARN instead of creating one', () => {
    const arn = 'arn:aws:connect:eu-central-1:111111111111:instance/0a1b2c3d-1111-2222-3333-444455556666';
    const { template: t } = synthStack({ connect: { existingInstanceArn: arn } });
    t.resourceCountIs('AWS::Connect::Instance', 0);
    t.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      InstanceArn: arn,
      ResourceType: 'CALL_RECORDINGS',
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      SourceArn: arn,
      Principal: 'connect.amazonaws.com',
    });
  });

  it('refuses an imported instance outside the policy region', () => {
    const arn = 'arn:aws:connect:us-east-1:111111111111:instance/0a1b2c3d-1111-2222-3333-444455556666';
    expect(() => synthStack({ connect: { existingInstanceArn: arn } })).toThrow(
      /existingInstanceArn is in us-east-1 but the stack .* are in eu-central-1/,
    );
  });

  it('lets only this instance invoke the sampler', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'connect.amazonaws.com',
      SourceAccount: '111111111111',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ContactCenterInstance'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      IntegrationType: 'LAMBDA_FUNCTION',
      IntegrationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SamplingFunction'), 'Arn'] },
    });
  });
});
