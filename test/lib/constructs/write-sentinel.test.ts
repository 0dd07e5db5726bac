import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../../lib/app';
import { AuditLog } from '../../../lib/constructs/audit-log';
import { FairlistenTable, ITEM_CHANGE_ACTIONS } from '../../../lib/constructs/fairlisten-table';
import { OperatorAlerts } from '../../../lib/constructs/operator-alerts';
import { ROLE_METADATA_KEY } from '../../../lib/constructs/roles';
import { WriteSentinel } from '../../../lib/constructs/write-sentinel';
import { resourceWithRole, synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const replica = (r: Record<string, unknown>) =>
  (r.Properties as { Replicas: Record<string, unknown>[] }).Replicas[0]!;
const statementsOf = (r: Record<string, unknown>) =>
  (replica(r).ResourcePolicy as { PolicyDocument: { Statement: Record<string, unknown>[] } }).PolicyDocument
    .Statement;
const roleIdOf = (arn: unknown) => (arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

describe.each(['audit', 'decisions'])('append-only table %s', (name) => {
  const [tableId, table] = resourceWithRole(template, `table:${name}`, 'AWS::DynamoDB::GlobalTable');

  it('streams old and new images to the write sentinel, INSERTs filtered out', () => {
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const sentinel = stack.getLogicalId(stack.sentinel.function.node.defaultChild as never);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      FunctionName: { Ref: sentinel },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['MODIFY', 'REMOVE'] }) }] },
    });
  });

  it('denies every item change to every principal in its resource policy', () => {
    expect(statementsOf(table)).toContainEqual({
      Sid: 'NoItemChanges',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [...ITEM_CHANGE_ACTIONS].sort(),
      Resource: '*',
    });
  });

  it('denies PutItem to every principal but the named appenders', () => {
    const put = statementsOf(table).find((s) => s.Sid === 'OnlyAppendersPut')!;
    expect(put).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'dynamodb:PutItem',
      Resource: '*',
    });
    const appenders = (put.Condition as { ArnNotEquals: { 'aws:PrincipalArn': unknown[] } }).ArnNotEquals[
      'aws:PrincipalArn'
    ].map(roleIdOf);
    const roleOf = (id: string) => template.toJSON().Resources[id].Metadata?.[ROLE_METADATA_KEY];
    const roles = appenders.map(roleOf).sort();
    // Ingest completes a decision the sampler reserved but never stored (lambda/ingest/recovery.ts).
    if (name === 'decisions') expect(roles).toEqual(['role:ingest', 'role:sampler']);
    else {
      expect(roles).toContain('role:audit-sentinel');
      expect(roles).toContain('role:audit-export');
      // Every appender is a role of the template that really holds PutItem on the table.
      for (const id of appenders) {
        const statements = Object.values(template.findResources('AWS::IAM::Policy'))
          .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === id))
          .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
        expect(
          statements.some(
            (s) =>
              JSON.stringify(s.Action).includes('dynamodb:PutItem') &&
              JSON.stringify(s.Resource).includes(tableId),
          ),
        ).toBe(true);
      }
    }
  });
});

describe('write sentinel', () => {
  it('has an alarm on the first tampering, on its errors and on its dead letters, all notifying the alarm topic', () => {
    const topic = stack.getLogicalId(stack.alerts.topic.node.defaultChild as never);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "audit-tampered" }',
      MetricTransformations: [
        { MetricName: 'AuditTampered', MetricNamespace: 'fairlisten', MetricValue: '1' },
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuditTampered',
      Namespace: 'fairlisten',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [
        {
          Name: 'FunctionName',
          Value: { Ref: stack.getLogicalId(stack.sentinel.function.node.defaultChild as never) },
        },
      ],
      AlarmActions: [{ Ref: topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [
              stack.getLogicalId(stack.sentinel.deadLetters.queue.node.defaultChild as never),
              'QueueName',
            ],
          },
        },
      ],
      AlarmActions: [{ Ref: topic }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('refuses to watch a table that is not append-only', () => {
    const s = new Stack(new App({ context: cdkJsonContext() }), 'S', {
      env: { account: '111122223333', region: 'eu-central-1' },
    });
    const key = new Key(s, 'K');
    const decisions = new FairlistenTable(s, 'D', { name: 'decisions', encryptionKey: key });
    const audit = new AuditLog(s, 'A', { retentionDays: 30, dataKey: key, decisions: decisions.table });
    const quotas = new FairlistenTable(s, 'Q', { name: 'quotas', encryptionKey: key });
    const alerts = new OperatorAlerts(s, 'Al', { key });
    expect(() => new WriteSentinel(s, 'W', { audit, decisions: quotas, dataKey: key, alerts })).toThrow(
      /Q is not an append-only table with a stream/,
    );
  });

  it('refuses an appender that is not a role', () => {
    const s = new Stack(new App({ context: cdkJsonContext() }), 'S2', {
      env: { account: '111122223333', region: 'eu-central-1' },
    });
    const key = new Key(s, 'K');
    const decisions = new FairlistenTable(s, 'D', { name: 'decisions', encryptionKey: key });
    expect(() =>
      decisions.allowAppender({ grantPrincipal: { constructor: { name: 'AnyPrincipal' } } } as never),
    ).toThrow(/must be roles of this app/);
  });
});
