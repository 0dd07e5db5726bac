import { rmSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../../lib/app';
import { AuditLog } from '../../../lib/constructs/audit-log';
import { FairlistenApi } from '../../../lib/constructs/fairlisten-api';
import { FairlistenTable } from '../../../lib/constructs/fairlisten-table';
import { ListeningService, type ListeningServiceProps } from '../../../lib/constructs/listening-service';
import { RecordingsBucket } from '../../../lib/constructs/recordings-bucket';
import { defaultPolicy } from '../../../lib/policy/load';

const INSTANCE_ID = '0a1b2c3d-1111-2222-3333-444455556666';
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function build(over: Partial<ListeningServiceProps> = {}, withOptional = true) {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  outdirs.push(app.outdir);
  const stack = new Stack(app, 'T', { env: { account: '111111111111', region: 'eu-central-1' } });
  const policy = defaultPolicy();
  const dataKey = new Key(stack, 'DataKey');
  const recordings = new RecordingsBucket(stack, 'Recordings', {
    retentionDays: 90,
    accessLogRetentionDays: 365,
  });
  const api = new FairlistenApi(stack, 'Api', {
    identity: policy.identity,
    logKey: dataKey,
    logRetentionDays: 365,
  });
  const index = new FairlistenTable(stack, 'Index', { name: 'recordings', encryptionKey: dataKey });
  const auditBucket = new Bucket(stack, 'AuditBucket');
  const decisions = new FairlistenTable(stack, 'Decisions', { name: 'decisions', encryptionKey: dataKey });
  const audit = new AuditLog(stack, 'Audit', { retentionDays: 365, dataKey, decisions: decisions.table });
  const service = new ListeningService(stack, 'Listening', {
    policy,
    api,
    dataKey,
    recordings,
    contactCenter: { instanceId: INSTANCE_ID },
    audit,
    ...(withOptional ? { recordingsIndex: index.table, auditBucket, decisions: decisions.table } : {}),
    ...over,
  });
  return { stack, service, template: Template.fromStack(stack), recordings };
}

const { template, stack, service } = build();
const envOf = (logicalPrefix: string) => {
  const fns = template.findResources('AWS::Lambda::Function');
  const id = Object.keys(fns).find((k) => k.startsWith(logicalPrefix))!;
  return fns[id]!.Properties.Environment.Variables as Record<string, unknown>;
};

describe('ListeningService', () => {
  it('adds the nine routes behind the JWT authorizer', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      [
        'GET /assignments',
        'GET /me',
        'GET /me/audit',
        'GET /transparency',
        'GET /transparency/{period}',
        'POST /assignments/{contactId}/evaluation',
        'POST /plans',
        'POST /plans/{planId}/approval',
        'POST /recordings/{contactId}/playback',
      ].sort(),
    );
    for (const r of routes) expect(r.AuthorizationType).toBe('JWT');
  });

  it('makes the playback role a named recording reader, and no other listening role', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    const statements = Object.values(policies).flatMap(
      (p) =>
        p.Properties.PolicyDocument.Statement as {
          Sid?: string;
          Condition?: { ArnNotEquals: Record<string, unknown> };
        }[],
    );
    const deny = statements.find((s) => s.Sid === 'OnlyNamedRolesReadRecordings')!;
    const allowed = JSON.stringify(deny.Condition!.ArnNotEquals['aws:PrincipalArn']);
    const playbackRole = stack.getLogicalId(service.playback.role!.node.defaultChild as never);
    expect(allowed).toContain(playbackRole);
    for (const other of [service.assignment, service.coaching, service.views]) {
      expect(allowed).not.toContain(stack.getLogicalId(other.role!.node.defaultChild as never));
    }
    // read only: the playback role never deletes
    const rewrite = statements.find((s) => s.Sid === 'OnlyNamedRolesRewriteRecordings')!;
    expect(JSON.stringify(rewrite)).not.toContain(playbackRole);
    const rolePolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(playbackRole),
    );
    expect(JSON.stringify(rolePolicies)).not.toMatch(/s3:Delete|s3:PutObject/);
  });

  it('gives playback a URL TTL of at most 300 s and the audit table', () => {
    const env = envOf('ListeningPlayback');
    expect(Number(env.PLAYBACK_URL_TTL_SECONDS)).toBeLessThanOrEqual(300);
    expect(env.AUDIT_TABLE).toEqual({ Ref: expect.stringMatching(/^AuditTable/) });
    expect(env.IDENTITY_GROUPS_CLAIM).toBe('cognito:groups');
  });

  it('runs the assignment daily after the seed function, with the roster settings', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ListeningAssignment'), 'Arn'] } }),
      ],
    });
    const env = envOf('ListeningAssignment');
    expect(env).toMatchObject({ TEAM_HIERARCHY_LEVEL: 'LevelOne', COACH_HIERARCHY_GROUP_NAME: 'Coaches' });
    expect(JSON.parse(String(env.LISTENING_POLICY))).toMatchObject({
      minPerAgent: 2,
      maxPerAgent: 4,
      maxPerCoach: 40,
      playsPerListen: 2,
    });
  });

  describe('the monthly report', () => {
    const policiesOf = (prefix: string) =>
      Object.entries(template.findResources('AWS::IAM::Policy'))
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(
          ([, p]) =>
            p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
        )
        .map((st) => ({
          actions: ([] as string[]).concat(st.Action),
          resource: JSON.stringify(st.Resource),
        }));

    it('runs daily at 04:00 UTC, after the seed reveal (00:15) and the assignment (02:00), with retries', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(0 4 * * ? *)',
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ListeningMonthlyReport'), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
          }),
        ],
      });
    });

    it('writes and reads only its reports in the audit bucket, reads the seed objects, deletes nothing', () => {
      const st = policiesOf('ListeningMonthlyReport');
      const put = st.filter((s) => s.actions.includes('s3:PutObject'));
      expect(put).toHaveLength(1);
      expect(put[0]!.resource).toContain('/transparency/reports/*');
      expect(
        st.some((s) => s.actions.includes('s3:GetObject') && s.resource.includes('/transparency/seeds/*')),
      ).toBe(true);
      expect(st.flatMap((s) => s.actions).filter((a) => /Delete|\*$/.test(a) && a.startsWith('s3:'))).toEqual(
        [],
      );
      // Reads the month's tables; writes none of them.
      const ddbWrites = st
        .flatMap((s) => s.actions)
        .filter((a) => a.startsWith('dynamodb:') && /Put|Update|Delete|Write/.test(a));
      // The audit append (bindWriter) is its one DynamoDB write.
      expect(new Set(ddbWrites)).toEqual(new Set(['dynamodb:PutItem']));
    });

    it('is an audit writer, and so are the views: every read of a stored report is audited', () => {
      for (const prefix of ['ListeningMonthlyReport', 'ListeningViews']) {
        expect(envOf(prefix)).toHaveProperty('AUDIT_TABLE');
        expect(envOf(prefix)).toHaveProperty('AUDIT_RETENTION_DAYS');
      }
      expect(envOf('ListeningMonthlyReport')).toMatchObject({ REPORT_POLICY: expect.any(String) });
    });

    it('lets the views read the stored reports, read only', () => {
      const st = policiesOf('ListeningViews').filter((s) => s.resource.includes('/transparency/reports/*'));
      expect(st.map((s) => s.actions)).toEqual([['s3:GetObject']]);
    });

    it('is not created without the decisions table and the audit bucket', () => {
      expect(build({}, false).service.monthlyReport).toBeUndefined();
    });
  });

  it('lets the views read the audit chains for GET /me/audit with the append grant alone: Query and PutItem, nothing else', () => {
    const auditTable = stack.getLogicalId(
      (stack.node.findChild('Audit') as AuditLog).table.table.node.defaultChild as never,
    );
    const views = stack.getLogicalId(service.views.role!.node.defaultChild as never);
    const onAudit = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(views))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((st) => JSON.stringify(st.Resource).includes(auditTable));
    expect(new Set(onAudit.flatMap((st) => ([] as string[]).concat(st.Action)))).toEqual(
      new Set(['dynamodb:Query', 'dynamodb:PutItem']),
    );
    // The table, not its indexes or every table.
    for (const st of onAudit) expect(st.Resource).toEqual({ 'Fn::GetAtt': [auditTable, 'Arn'] });
    expect(envOf('ListeningViews').AUDIT_TABLE).toEqual({ Ref: auditTable });
  });

  it('gives the views the policy summary the transparency report prints, parsed by their config', () => {
    const env = envOf('ListeningViews');
    const policy = defaultPolicy();
    expect(JSON.parse(String(env.REPORT_POLICY))).toEqual({
      version: policy.version,
      samplingRate: policy.samplingRate,
      maxRecordingsPerAgentPerMonth: policy.maxRecordingsPerAgentPerMonth,
      listensPerAgentPerMonth: policy.listensPerAgentPerMonth,
      maxListensPerCoachPerMonth: policy.maxListensPerCoachPerMonth,
      retentionDays: policy.retentionDays,
      playbackUrlTtlSeconds: policy.playbackUrlTtlSeconds,
      timezone: policy.timezone,
      excludedAgents: [...policy.excludedAgents].sort(),
    });
  });

  it('gives the coaching function the live roster: its settings and read-only Connect access to this instance', () => {
    expect(envOf('ListeningCoaching')).toMatchObject({
      TEAM_HIERARCHY_LEVEL: 'LevelOne',
      COACH_HIERARCHY_GROUP_NAME: 'Coaches',
    });
    const policies = template.findResources('AWS::IAM::Policy');
    const coaching = Object.entries(policies).find(([id]) => id.startsWith('ListeningCoaching'));
    expect(coaching).toBeDefined();
    const statements = (
      coaching![1].Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]
    ).filter((st) => JSON.stringify(st.Action).includes('connect:'));
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toEqual([
      'connect:DescribeUser',
      'connect:DescribeUserHierarchyGroup',
      'connect:ListUsers',
    ]);
    expect(JSON.stringify(statements[0]!.Resource)).toContain(`instance/${INSTANCE_ID}/agent/*`);
  });

  it('creates the listening and plans tables with TTL and their indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'period', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'byCoach' })]),
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'planId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('lets the assignment read Connect users and hierarchy groups of this instance only, and the seed objects', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('connect:DescribeUserHierarchyGroup');
    expect(policies).toContain(`instance/${INSTANCE_ID}/agent/*`);
    expect(policies).not.toMatch(/"Resource":"\*"[^}]*connect:/);
    expect(policies).toContain('/transparency/seeds/*');
  });

  it('refuses bad settings', () => {
    expect(() => build({ playsPerListen: 4 })).toThrow(/playsPerListen must be a whole number 1\.\.3, got 4/);
    expect(() => build({ coachGroupName: '  ' })).toThrow(/coachGroupName must not be empty/);
  });

  it('synthesizes without the optional tables and buckets (fail-closed handlers)', () => {
    const { template: t } = build({}, false);
    const fns = t.findResources('AWS::Lambda::Function');
    const playback = Object.entries(fns).find(([k]) => k.startsWith('ListeningPlayback'))![1];
    expect(playback.Properties.Environment.Variables).not.toHaveProperty('RECORDINGS_TABLE');
  });
});
