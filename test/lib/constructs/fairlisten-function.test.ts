/** FairlistenFunction: the settings every function shares, and its log retention rounding. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import {
  FairlistenFunction,
  type FairlistenFunctionProps,
} from '../../../lib/constructs/fairlisten-function';
import { removeAfterFile } from '../../support/outdirs';

function synth(props: Partial<FairlistenFunctionProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  removeAfterFile(app.outdir);
  const stack = new Stack(app, 'T', { env: { account: '111111111111', region: 'eu-central-1' } });
  const fn = new FairlistenFunction(stack, 'Fn', {
    handlerDir: 'views',
    serviceName: 'fairlisten-views',
    logKey: new Key(stack, 'K'),
    logRetentionDays: 90,
    description: 'fairlisten views',
    ...props,
  });
  return { fn, template: Template.fromStack(stack) };
}

describe('FairlistenFunction', () => {
  it('runs on a pinned runtime on ARM with tracing, the service name and bounded defaults', () => {
    const { template } = synth({ environment: { TABLE: 't' } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 10,
      MemorySize: 256,
      Environment: {
        Variables: { POWERTOOLS_SERVICE_NAME: 'fairlisten-views', POWERTOOLS_LOG_LEVEL: 'INFO', TABLE: 't' },
      },
    });
  });

  it('takes the timeout and memory it is given', () => {
    const { template } = synth({ timeout: Duration.minutes(5), memorySize: 1024 });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 300, MemorySize: 1024 });
  });

  it('logs to its own KMS-encrypted, retained log group', () => {
    const { template } = synth();
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 90, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^K/), 'Arn'] } },
    });
  });

  it.each([
    [365, 365],
    [200, 180],
    [91, 90],
    [45, 30],
    [2, 1],
    [0, 1],
  ])('keeps logs %i days as the nearest retention CloudWatch accepts at or below: %i', (days, kept) => {
    const { template } = synth({ logRetentionDays: days });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: kept });
  });

  it('has its own role without AWS managed policies, marked for the compliance report', () => {
    const { template } = synth();
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(roles[0]!.Properties.ManagedPolicyArns).toBeUndefined();
    expect(roles[0]!.Metadata).toMatchObject({ 'fairlisten:role': 'role:views' });
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns[0]!.Metadata).toMatchObject({ 'fairlisten:role': 'function:views' });
  });
});
