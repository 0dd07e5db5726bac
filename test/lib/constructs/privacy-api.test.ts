import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext, nagPacks } from '../../../lib/app';
import { AuditLog } from '../../../lib/constructs/audit-log';
import { ContactCenter } from '../../../lib/constructs/contact-center';
import { DEFAULT_ROUTE_THROTTLE, FairlistenApi } from '../../../lib/constructs/fairlisten-api';
import { FairlistenTable } from '../../../lib/constructs/fairlisten-table';
import { PRIVACY_LIVE_ROUTE_THROTTLE, PRIVACY_ROUTES, PrivacyApi } from '../../../lib/constructs/privacy-api';
import { ProjectKey } from '../../../lib/constructs/project-key';
import { RecordingsBucket } from '../../../lib/constructs/recordings-bucket';
import { deploymentNames } from '../../../lib/deploy/names';
import { defaultPolicy } from '../../../lib/policy/load';

const EXECUTOR_ARN = 'arn:aws:lambda:eu-central-1:111111111111:function:fairlisten-executor';

function build() {
  const app = new App({ context: cdkJsonContext() });
  const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-central-1' } });
  const policy = defaultPolicy();
  const dataKey = new ProjectKey(stack, 'DataKey').key;
  const recordingsBucket = new RecordingsBucket(stack, 'Recordings', {
    retentionDays: policy.retentionDays,
    accessLogRetentionDays: policy.auditRetentionDays,
  });
  const contactCenter = new ContactCenter(stack, 'ContactCenter', {
    names: deploymentNames('fairlisten'),
    recordings: recordingsBucket,
    timezone: policy.timezone,
  });
  const api = new FairlistenApi(stack, 'Api', {
    identity: policy.identity,
    logKey: dataKey,
    logRetentionDays: 90,
  });
  const table = (id: string, name: 'requests' | 'recordings' | 'decisions') =>
    new FairlistenTable(stack, id, { name, encryptionKey: dataKey }).table;
  const decisions = table('Decisions', 'decisions');
  const audit = new AuditLog(stack, 'Audit', { retentionDays: 365, dataKey, decisions });
  const privacy = new PrivacyApi(stack, 'Privacy', {
    api,
    contactCenter,
    requests: table('Requests', 'requests'),
    recordings: table('RecordingsIndex', 'recordings'),
    decisions,
    executor: LambdaFunction.fromFunctionArn(stack, 'Executor', EXECUTOR_ARN),
    audit,
    logKey: dataKey,
    logRetentionDays: 90,
  });
  return { stack, privacy, template: Template.fromStack(stack) };
}

const { stack, privacy, template } = build();
const privacyFunctionId = stack.getLogicalId(privacy.function.node.defaultChild as never);
const statements = (): Record<string, unknown>[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('PrivacyFunctionRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
const actions = () => statements().flatMap((s) => [s.Action].flat() as string[]);

describe('PrivacyApi routes', () => {
  it.each(PRIVACY_ROUTES.map((r) => [`${r.method} ${r.path}`] as const))(
    '%s exists behind the JWT authorizer and targets the privacy function',
    (routeKey) => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: Match.stringLikeRegexp('^ApiJwt') },
      });
    },
  );

  it('has exactly the five privacy routes, all integrated with the privacy function', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      PRIVACY_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const integration of Object.values(template.findResources('AWS::ApiGatewayV2::Integration'))) {
      expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(privacyFunctionId);
    }
  });

  it('reserves suspend and resume their own rate, above the default every other route gets', () => {
    const stages = Object.entries(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const [stageId, stage] = stages[0]!;
    expect(stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: DEFAULT_ROUTE_THROTTLE.rateLimit,
      ThrottlingBurstLimit: DEFAULT_ROUTE_THROTTLE.burstLimit,
    });
    expect(stage.Properties.RouteSettings).toEqual({
      'POST /contacts/{contactId}/recording/suspend': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      'POST /contacts/{contactId}/recording/resume': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
    expect(PRIVACY_LIVE_ROUTE_THROTTLE.rateLimit).toBeGreaterThan(DEFAULT_ROUTE_THROTTLE.rateLimit);
    // The stage names those route keys: it must be deployed after the routes exist.
    const routeIds = Object.entries(template.findResources('AWS::ApiGatewayV2::Route'))
      .filter(([, r]) => /recording\/(suspend|resume)$/.test(r.Properties.RouteKey))
      .map(([id]) => id);
    expect(routeIds).toHaveLength(2);
    for (const id of routeIds) expect(stage.DependsOn, stageId).toContain(id);
  });
});

describe('PrivacyApi function', () => {
  it('gets the tables, executor, instance, audit and identity settings in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^fairlisten privacy API'),
      Environment: {
        Variables: Match.objectLike({
          REQUESTS_TABLE: { Ref: Match.stringLikeRegexp('^RequestsTable') },
          RECORDINGS_TABLE: { Ref: Match.stringLikeRegexp('^RecordingsIndexTable') },
          DECISIONS_TABLE: { Ref: Match.stringLikeRegexp('^DecisionsTable') },
          EXECUTOR_FUNCTION_NAME: 'fairlisten-executor',
          CONNECT_INSTANCE_ID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ContactCenterInstance'), 'Id'] },
          AUDIT_TABLE: { Ref: Match.stringLikeRegexp('^AuditTable') },
          AUDIT_RETENTION_DAYS: '365',
          IDENTITY_GROUPS_CLAIM: 'cognito:groups',
          IDENTITY_CONNECT_USER_CLAIM: 'custom:connect_user_id',
          IDENTITY_GROUPS: Match.stringLikeRegexp('dpo'),
        }),
      },
    });
  });

  it('has no S3 permission at all (the executor alone rewrites audio)', () => {
    expect(actions().length).toBeGreaterThan(0);
    expect(actions().filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(JSON.stringify(statements())).not.toMatch(/RecordingsBucket|RecordingsKey/);
  });

  it('scopes the Connect actions to contacts of this instance', () => {
    const connect = statements().filter((s) =>
      [s.Action].flat().some((a) => String(a).startsWith('connect:')),
    );
    expect([connect[0]?.Action].flat()).toHaveLength(3);
    expect(connect).toEqual([
      {
        Effect: 'Allow',
        Action: expect.arrayContaining([
          'connect:SuspendContactRecording',
          'connect:ResumeContactRecording',
          'connect:DescribeContact',
        ]),
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:aws:connect:eu-central-1:111111111111:instance/',
              { 'Fn::GetAtt': [expect.stringMatching(/^ContactCenterInstance/), 'Id'] },
              '/contact/*',
            ],
          ],
        },
      },
    ]);
  });

  it('may invoke the executor only, by its exact ARN', () => {
    const invoke = statements().filter((s) => [s.Action].flat().some((a) => String(a).startsWith('lambda:')));
    expect(invoke).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: EXECUTOR_ARN }]);
  });

  it('writes requests without deleting them, and only reads the recordings index and decisions', () => {
    const onTable = (prefix: RegExp) =>
      statements()
        .filter((s) => prefix.test(JSON.stringify(s.Resource)))
        .flatMap((s) => [s.Action].flat() as string[]);
    expect(onTable(/RequestsTable/)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']),
    );
    for (const table of [/RequestsTable/, /RecordingsIndexTable/, /DecisionsTable/]) {
      expect(onTable(table).filter((a) => /Delete|BatchWrite/.test(a))).toEqual([]);
    }
    for (const table of [/RecordingsIndexTable/, /DecisionsTable/]) {
      expect(onTable(table).filter((a) => /Put|Update/.test(a))).toEqual([]);
    }
    // Audit: append only.
    expect(onTable(/AuditTable/).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });
});

describe('cdk-nag', () => {
  it.each(nagPacks().map((p) => [p.readPackName, p] as const))(
    '%s: no unacknowledged finding on the privacy construct',
    (_name, pack) => {
      const report = pack.validateScope(stack);
      const findings = report.violations
        .flatMap((v) =>
          v.violatingResources.map((r) => `${v.ruleName} ${r.resourceLogicalId ?? r.constructPath ?? ''}`),
        )
        .filter((f) => /\bPrivacy/.test(f));
      expect(findings).toEqual([]);
    },
  );
});
