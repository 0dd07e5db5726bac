import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../../lib/constructs/audit-log';
import { FairlistenTable } from '../../../lib/constructs/fairlisten-table';
import { RecordingActions } from '../../../lib/constructs/recording-actions';
import { RecordingsBucket } from '../../../lib/constructs/recordings-bucket';
import { synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const resources = (type: string) => template.findResources(type);
const fnByDescription = (prefix: string) =>
  Object.entries(resources('AWS::Lambda::Function')).find(([, f]) =>
    String(f.Properties.Description ?? '').startsWith(prefix),
  )!;

describe('RecordingActions', () => {
  it('sizes the executor and ingest for a one-hour recording', () => {
    for (const prefix of ['fairlisten recording actions', 'fairlisten ingest']) {
      const [, fn] = fnByDescription(prefix);
      expect(fn.Properties).toMatchObject({ Timeout: 300, MemorySize: 1024 });
      expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining([
          'RECORDINGS_BUCKET',
          'RECORDINGS_TABLE',
          'REQUESTS_TABLE',
          'DECISIONS_TABLE',
          'AUDIT_TABLE',
        ]),
      );
    }
  });

  it('names only the ingest, executor and retention sweeper roles as those who may delete recordings', () => {
    const policy = Object.values(resources('AWS::S3::BucketPolicy')).find((p) =>
      (p.Properties.PolicyDocument.Statement as { Sid?: string }[]).some(
        (s) => s.Sid === 'OnlyNamedRolesRewriteRecordings',
      ),
    )!;
    const deny = (
      policy.Properties.PolicyDocument.Statement as {
        Sid?: string;
        Condition: { ArnNotEquals: Record<string, unknown> };
      }[]
    ).find((s) => s.Sid === 'OnlyNamedRolesRewriteRecordings')!;
    const roles = (
      deny.Condition.ArnNotEquals['aws:PrincipalArn'] as { 'Fn::GetAtt': [string, string] }[]
    ).map((r) => r['Fn::GetAtt'][0]);
    expect(roles).toHaveLength(3);
    expect(roles.sort()).toEqual([
      expect.stringMatching(/^RecordingActionsFunctionRole/),
      expect.stringMatching(/^RecordingIngestFunctionRole/),
      expect.stringMatching(/^RetentionSweeperFunctionRole/),
    ]);
  });

  it('lets the executor run multipart uploads on the recordings bucket only', () => {
    const [, fn] = fnByDescription('fairlisten recording actions');
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const policy = Object.values(resources('AWS::IAM::Policy')).find((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        's3:GetObjectVersion',
        's3:PutObject',
        's3:DeleteObjectVersion',
        's3:AbortMultipartUpload',
        's3:ListBucketVersions',
        's3:ListBucketMultipartUploads',
      ]),
    );
    // The only unscoped statement is X-Ray's (no resource-level permissions exist for it).
    for (const st of statements.filter((x) => x.Resource === '*')) {
      expect([st.Action].flat().every((a) => a.startsWith('xray:'))).toBe(true);
    }
  });

  it('creates the requests and recordings tables, marked for the compliance report', () => {
    const marked = Object.values(resources('AWS::DynamoDB::GlobalTable')).map(
      (t) => t.Metadata?.['fairlisten:role'],
    );
    expect(marked).toEqual(expect.arrayContaining(['table:requests', 'table:recordings']));
  });

  it('refuses a timeout beyond the Lambda maximum', () => {
    const app = new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } });
    const s = new Stack(app, 'S');
    const recordings = new RecordingsBucket(s, 'R', { retentionDays: 30, accessLogRetentionDays: 30 });
    expect(
      () =>
        new RecordingActions(s, 'A', {
          recordings,
          decisions: new FairlistenTable(s, 'D', { name: 'decisions', encryptionKey: recordings.key }).table,
          dataKey: recordings.key,
          logRetentionDays: 30,
          audit: {} as AuditLog,
          timeout: Duration.minutes(20),
        }),
    ).toThrow(/timeout must be at most 15 minutes/);
  });
});

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
