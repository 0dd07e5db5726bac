import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../lib/app';
import { deploymentNames } from '../../../lib/deploy/names';
import { defaultPolicy } from '../../../lib/policy/load';
import { removeAfterFile } from '../../support/outdirs';

/** Physical names a second deployment in the same account (or instance) would collide on. */
function physicalNames(stage: string | undefined) {
  const { app, stack } = buildApp(defaultPolicy(), {
    nag: false,
    stage,
    appProps: { context: { 'aws:cdk:bundling-stacks': [] } },
  });
  removeAfterFile(app.outdir);
  const template = Template.fromStack(stack).toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const named = (type: string, prop: string) =>
    Object.values(template.Resources)
      .filter((r) => r.Type === type)
      .map((r) => `${type}:${String(r.Properties[prop])}`);
  return {
    stackName: stack.stackName,
    names: [
      ...named('AWS::Connect::Instance', 'InstanceAlias'),
      ...named('AWS::Connect::Queue', 'Name'),
      ...named('AWS::Connect::HoursOfOperation', 'Name'),
      ...named('AWS::Connect::ContactFlow', 'Name'),
    ],
    resourceTypes: new Set(Object.values(template.Resources).map((r) => r.Type)),
  };
}

describe('names derived from the stage', () => {
  const prod = physicalNames('prod');
  const staging = physicalNames('staging');
  const plain = physicalNames(undefined);

  it('gives two stages side by side no name in common (and none with a plain deployment)', () => {
    expect(prod.stackName).toBe('Fairlisten-prod');
    expect(staging.stackName).toBe('Fairlisten-staging');
    expect(plain.stackName).toBe('Fairlisten');
    expect(prod.names).toHaveLength(5);
    for (const [a, b] of [
      [prod, staging],
      [prod, plain],
      [staging, plain],
    ] as const) {
      expect(a.names.filter((n) => b.names.includes(n))).toEqual([]);
    }
    expect(prod.names).toContain('AWS::Connect::Instance:fairlisten-prod');
    expect(prod.names).toContain('AWS::Connect::Queue:fairlisten-prod');
  });

  it('names nothing else physically: tables, buckets, functions and roles are named by CloudFormation', () => {
    // If a construct starts to set tableName/bucketName/functionName/roleName, stages would collide again.
    const { app, stack } = buildApp(defaultPolicy(), {
      nag: false,
      stage: 'prod',
      appProps: { context: { 'aws:cdk:bundling-stacks': [] } },
    });
    removeAfterFile(app.outdir);
    const json = JSON.stringify(Template.fromStack(stack).toJSON().Resources);
    for (const prop of ['TableName', 'BucketName', 'FunctionName', 'RoleName', 'QueueName', 'TopicName']) {
      // A literal string name; a Ref/GetAtt to a resource CloudFormation named is fine.
      expect(json.match(new RegExp(`"${prop}":"[^"]*"`, 'g')) ?? [], prop).toEqual([]);
    }
  });

  it('refuses a stage that cannot be part of every name, and an alias that Connect would refuse', () => {
    expect(() => deploymentNames('fairlisten', 'Prod')).toThrow(/stage must be .* got "Prod"/);
    expect(() => deploymentNames('fairlisten', 'a b')).toThrow(/stage must be/);
    expect(() => deploymentNames('fairlisten', '')).toThrow(/stage must be/);
    expect(() => deploymentNames('x'.repeat(60), 'prod')).toThrow(/alias "x+-prod" .* 1–62/);
    expect(deploymentNames('fairlisten').instanceAlias).toBe('fairlisten');
  });

  it('reads the stage from the app context (`cdk deploy -c stage=prod`)', () => {
    const { app, stack } = buildApp(defaultPolicy(), {
      nag: false,
      appProps: { context: { stage: 'qa', 'aws:cdk:bundling-stacks': [] } },
    });
    removeAfterFile(app.outdir);
    expect(stack.stackName).toBe('Fairlisten-qa');
  });
});
