/** The retention sweeper as the default stack builds it (C3): schedule, scoped grants, logs, alarms, audit. */
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { RecordingsBucket } from '../../../lib/constructs/recordings-bucket';
import { RetentionSweeper } from '../../../lib/constructs/retention-sweeper';
import { recordingsBucketIdOf, synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const resources = (type: string) => template.findResources(type);
const bucketId = recordingsBucketIdOf(template);
const [fnId, fn] = Object.entries(resources('AWS::Lambda::Function')).find(
  ([, f]) => f.Metadata?.['fairlisten:role'] === 'function:retention-sweeper',
)!;
const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
const statements = Object.values(resources('AWS::IAM::Policy'))
  .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
  .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
const objectsUnder = (prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]],
});

describe('RetentionSweeper', () => {
  it('runs once a day, with the retention and the prefixes of every recording the bucket receives', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } })],
    });
    const vars = fn.Properties.Environment.Variables;
    expect(vars).toMatchObject({
      RECORDINGS_BUCKET: { Ref: bucketId },
      RECORDING_RETENTION_DAYS: '90',
      SWEEP_INTERVAL_HOURS: '24',
      AUDIT_RETENTION_DAYS: '365',
    });
    expect(JSON.parse(vars.SWEEP_PREFIXES)).toEqual(stack.recordingIngest.prefixes);
    expect(stack.recordings.recordingPrefixes).toEqual(stack.recordingIngest.prefixes);
  });

  it('may list and delete versions under those prefixes only: no read, no write, no key', () => {
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => String(a).startsWith('s3:')));
    const prefixes = stack.recordingIngest.prefixes;
    expect(s3).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          Resource: expect.arrayContaining(prefixes.map(objectsUnder)),
        }),
        expect.objectContaining({
          Effect: 'Allow',
          Action: 's3:ListBucketVersions',
          Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
          Condition: { StringLike: { 's3:prefix': expect.arrayContaining(prefixes.map((p) => `${p}*`)) } },
        }),
      ]),
    );
    const actions = s3.flatMap((s) => [s.Action].flat().map(String));
    expect(actions.sort()).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions']);
    // The recordings key is not one of its resources: it never decrypts audio.
    const keyId = Object.keys(resources('AWS::KMS::Key')).find((id) => id.startsWith('RecordingsKey'))!;
    expect(JSON.stringify(statements)).not.toContain(keyId);
  });

  it('may update items of the recordings index, and nothing else of any table', () => {
    const indexId = stack.getLogicalId(
      stack.recordingActions.recordingsIndex.table.node.defaultChild as CfnResource,
    );
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => String(a).startsWith('dynamodb:')));
    const onIndex = dynamo.filter((s) => JSON.stringify(s.Resource).includes(indexId));
    expect(onIndex).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::GetAtt': [indexId, 'Arn'] },
      }),
    ]);
    // The only other table it touches is the audit table, through the audit log's append grant.
    const auditId = stack.getLogicalId(stack.audit.table.table.node.defaultChild as CfnResource);
    for (const other of dynamo.filter((s) => !onIndex.includes(s)))
      expect(JSON.stringify(other.Resource)).toContain(auditId);
    expect(fn.Properties.Environment.Variables.RECORDINGS_TABLE).toEqual({ Ref: indexId });
  });

  it('logs to its own encrypted group kept no longer than the audit retention', () => {
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
    expect(resources('AWS::Logs::LogGroup')[logGroupId]!.Properties).toMatchObject({
      RetentionInDays: 365,
      KmsKeyId: expect.anything(),
    });
  });

  it('alarms on a failed run, two days without a run, and keys it cannot date', () => {
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).filter((a) =>
      String(a.Properties.AlarmDescription).includes('retention sweep'),
    );
    expect(alarms.map((a) => a.Properties.MetricName).sort()).toEqual(
      ['Errors', 'Invocations', 'RetentionSweepUnreadableKeys'].sort(),
    );
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
    const notRun = alarms.find((a) => a.Properties.MetricName === 'Invocations')!;
    expect(notRun.Properties).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      EvaluationPeriods: 2,
    });
  });

  it('is bound to the audit log', () => {
    expect(stack.retention.function.writesAudit).toBe(true);
  });

  it('refuses to be built with nothing to sweep, and a bucket prefix nobody sweeps fails synthesis', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
    });
    const s = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-central-1' } });
    const bucket = new RecordingsBucket(s, 'R', { retentionDays: 90, accessLogRetentionDays: 365 });
    expect(
      () =>
        new RetentionSweeper(s, 'Sweeper', {
          recordings: bucket,
          index: stack.recordingActions.recordingsIndex.table,
          audit: stack.audit,
          dataKey: new Key(s, 'K'),
          logRetentionDays: 30,
        }),
    ).toThrow(/no prefix to sweep/);
    bucket.addRecordingPrefix('connect/x/CallRecordings/');
    expect(() => app.synth()).toThrow(/connect\/x\/CallRecordings\/ are not covered by a retention sweeper/);
  });
});
