import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const sweeperId = Object.keys(
  template.findResources('AWS::Lambda::Function', {
    Metadata: { 'fairlisten:role': 'function:request-sweeper' },
  }),
)[0]!;
const executorId = Object.keys(
  template.findResources('AWS::Lambda::Function', {
    Metadata: { 'fairlisten:role': 'function:recording-actions' },
  }),
)[0]!;

describe('request sweeper (C9: no request stalls)', () => {
  it('runs every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] } })]),
    });
  });

  it('may invoke the executor and read requests, nothing else that changes data', () => {
    expect(sweeperId).toBeDefined();
    const fn = template.toJSON().Resources[sweeperId];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
    );
    const actions = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) =>
        Array.isArray(s.Action) ? s.Action : [s.Action],
      ),
    );
    expect(actions).toContain('lambda:InvokeFunction');
    expect(actions).toContain('dynamodb:Scan');
    for (const forbidden of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      's3:GetObject',
      's3:DeleteObject',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
    const invoke = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
      .find((s) => s.Action === 'lambda:InvokeFunction')!;
    expect(JSON.stringify(invoke.Resource)).toContain(executorId);
    expect(stack.region).toBe('eu-central-1');
  });

  it('is not a recording reader or rewriter', () => {
    const fn = template.toJSON().Resources[sweeperId];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const bucketPolicies = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
    expect(bucketPolicies).not.toContain(roleId);
  });
});
