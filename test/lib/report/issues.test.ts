/** The report rows of the sampler, privacy and listening checks: pass on the real template, fail mutated. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../../lib/report/checks';
import { assignmentRule } from '../../../lib/report/checks/listening';
import { algorithmPublishedCheck, isDaily, recordingCapsCheck } from '../../../lib/report/checks/sampler';
import { buildReport } from '../../../lib/report/engine';
import {
  ALGORITHMS_DIR,
  type PublishedAlgorithms,
  publishedAlgorithmsOf,
  readPublishedAlgorithms,
} from '../../../lib/report/published';
import type { StackView } from '../../../lib/report/template';
import type { Check, ComplianceReport } from '../../../lib/report/types';
import { withLeadChanges } from '../../support/report-awaiting';
import { type Json, loadAssembly, type Mutable, mutated, synthAssembly } from '../../support/report-fixture';

const dir = synthAssembly();
let base: StackView[];
let fixed: StackView[];
beforeAll(() => {
  base = loadAssembly(dir);
  fixed = mutated(base, withLeadChanges);
});

const NEW_IDS = [
  'ALGORITHM-PUBLISHED',
  'SAMPLER-READS-OBJECTION',
  'SEED-SCHEDULE',
  'INGEST-TRIGGERS',
  'PRIVACY-API',
  'PLAYBACK-URL-TTL',
  'AUDIT-OBJECT-LOCK',
  'RETENTION-ONE-YEAR',
  'ASSIGNMENT-RULE',
  'AUDIT-APPEND-ONLY',
];
const CHANGED_IDS = ['RECORDING-CAPS', 'SEEDS-READERS', 'RECORDING-READERS', 'RECORDING-REWRITERS'];

const report = (stacks: readonly StackView[], checks?: readonly Check[]) =>
  buildReport(stacks, checks ? { checks } : {});
const result = (r: ComplianceReport, id: string) => r.checks.find((c) => c.id === id)!;
const failing = (r: ComplianceReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
/** The template with the awaited construct changes, then `mutate`. */
const reportWith = (mutate: (m: Mutable) => void) =>
  report(
    mutated(base, (m) => {
      withLeadChanges(m);
      mutate(m);
    }),
  );

const editEnvJson = (m: Mutable, role: string, name: string, edit: (v: Json) => void) => {
  const vars = m.props(role).Environment.Variables;
  const v = JSON.parse(vars[name]);
  edit(v);
  vars[name] = JSON.stringify(v);
};
const notifications = (m: Mutable) =>
  m.resources[m.ofType('Custom::S3BucketNotifications')[0]!].Properties.NotificationConfiguration;
const routeByKey = (m: Mutable, key: string) =>
  m.resources[
    m.ofType('AWS::ApiGatewayV2::Route').find((id) => m.resources[id].Properties.RouteKey === key)!
  ];
/** Adds `statement` to the identity policy of the role marked `role`. */
const grant = (m: Mutable, role: string, statement: Json) => {
  const roleId = m.byRole(role);
  const policy = m
    .ofType('AWS::IAM::Policy')
    .find((id) => m.resources[id].Properties.Roles.some((r: Json) => r.Ref === roleId))!;
  m.resources[policy].Properties.PolicyDocument.Statement.push(statement);
};

describe('the sampler, privacy and listening rows on the real template', () => {
  it('are registered, with stable ids', () => {
    const ids = CHECKS.map((c) => c.id);
    for (const id of [...NEW_IDS, ...CHANGED_IDS]) expect(ids).toContain(id);
    expect(CHECKS.find((c) => c.id === 'SEEDS-READERS')!.onlyWhenRole).toBeUndefined();
  });

  it.each([...NEW_IDS, ...CHANGED_IDS])(
    '%s passes (with the awaited construct changes) and shows evidence',
    (id) => {
      const c = result(report(fixed), id);
      expect(c.status, c.detail).toBe('pass');
      expect(c.evidence.length).toBeGreaterThan(0);
    },
  );

  it('reads the deployed values', () => {
    const r = report(fixed);
    const values = (id: string) => result(r, id).evidence.map((e) => e.value);
    expect(values('PLAYBACK-URL-TTL')).toEqual(['300']);
    expect(values('ALGORITHM-PUBLISHED')).toContain('fairlisten-lottery-v1');
    expect(result(r, 'ALGORITHM-PUBLISHED').evidence).toContainEqual(
      expect.objectContaining({
        logicalId: '(docs/compliance/algorithm-v1.md)',
        property: '# The published algorithm (fairlisten-lottery-v1)',
        note: expect.stringMatching(/^docs\/compliance\/algorithm-v1\.md:1 sha256 [0-9a-f]{64}$/),
      }),
    );
    expect(result(r, 'INGEST-TRIGGERS').detail).toMatch(
      /connect\/fairlisten\/CallRecordings\/ CompleteMultipartUpload.*Analysis\/Voice\/ Put/,
    );
    expect(result(r, 'RECORDING-READERS').detail).toMatch(
      /holders: .*\(expected exactly role:ingest, role:recording-actions, role:playback\)/,
    );
    expect(result(r, 'RECORDING-REWRITERS').detail).toMatch(
      /expected exactly role:ingest, role:recording-actions, role:retention-sweeper\)/,
    );
    expect(result(r, 'AUDIT-APPEND-ONLY').detail).toMatch(/appenders: .*role:playback/);
    expect(result(r, 'ASSIGNMENT-RULE').evidence).toContainEqual(
      expect.objectContaining({
        logicalId: '(code)',
        note: expect.stringMatching(/template cannot show it/),
      }),
    );
    expect(values('ASSIGNMENT-RULE')).toContainEqual(
      expect.objectContaining({ minPerAgent: 2, maxPerAgent: 4, maxPerCoach: 40 }),
    );
    expect(values('SEED-SCHEDULE')).toEqual(['cron(15 0 * * ? *)']);
  });
});

describe('mutated templates fail the new rows', () => {
  const cases: Array<[string, string, RegExp, (m: Mutable) => void]> = [
    // sampler
    [
      'sampler deploys an algorithm version nobody published',
      'ALGORITHM-PUBLISHED',
      /deployed algorithm fairlisten-lottery-v99 is not published \(published: fairlisten-lottery-v1/,
      (m) => {
        m.props('function:sampler').Environment.Variables.FAIRLISTEN_ALGORITHM = 'fairlisten-lottery-v99';
      },
    ],
    [
      'sampler deploys an unpublished algorithm version (pacing not the published one)',
      'RECORDING-CAPS',
      /runs fairlisten-lottery-v99, which no published algorithm describes/,
      (m) => {
        m.props('function:sampler').Environment.Variables.FAIRLISTEN_ALGORITHM = 'fairlisten-lottery-v99';
      },
    ],
    [
      'no algorithm version in the sampler environment',
      'ALGORITHM-PUBLISHED',
      /has no environment variable FAIRLISTEN_ALGORITHM/,
      (m) => {
        delete m.props('function:sampler').Environment.Variables.FAIRLISTEN_ALGORITHM;
      },
    ],
    [
      'the inbound flow stores the objection under another attribute',
      'SAMPLER-READS-OBJECTION',
      /pressing 9 does not set fairlistenCallerObjected=true, the attribute the sampler reads/,
      (m) => {
        m.editFlow('flow:inbound', (p) => p.replaceAll('fairlistenCallerObjected', 'callerSaidNo'));
      },
    ],
    [
      'seed schedule disabled',
      'SEED-SCHEDULE',
      /has no enabled daily EventBridge schedule/,
      (m) => {
        const rule = m.ofType('AWS::Events::Rule').find((id) => /Seeds/.test(id))!;
        m.resources[rule].Properties.State = 'DISABLED';
      },
    ],
    [
      'seed schedule weekly',
      'SEED-SCHEDULE',
      /rate\(7 days\)/,
      (m) => {
        const rule = m.ofType('AWS::Events::Rule').find((id) => /Seeds/.test(id))!;
        m.resources[rule].Properties.ScheduleExpression = 'rate(7 days)';
      },
    ],
    [
      'seeds readable by playback',
      'SEEDS-READERS',
      /role:playback may dynamodb:GetItem/,
      (m) => {
        grant(m, 'role:playback', {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: { 'Fn::GetAtt': [m.byRole('table:seeds'), 'Arn'] },
        });
      },
    ],
    // privacy
    [
      'CompleteMultipartUpload dropped from the notifications',
      'INGEST-TRIGGERS',
      /objects created under "connect\/fairlisten\/CallRecordings\/" .* by s3:ObjectCreated:CompleteMultipartUpload do not notify/,
      (m) => {
        const n = notifications(m);
        n.LambdaFunctionConfigurations = n.LambdaFunctionConfigurations.filter(
          (c: Json) => !c.Events.includes('s3:ObjectCreated:CompleteMultipartUpload'),
        );
      },
    ],
    [
      'the Contact Lens root prefix dropped',
      'INGEST-TRIGGERS',
      /under "Analysis\/Voice\/" \(Contact Lens \(bucket root\)\) by s3:ObjectCreated:Put/,
      (m) => {
        const n = notifications(m);
        n.LambdaFunctionConfigurations = n.LambdaFunctionConfigurations.filter(
          (c: Json) => c.Filter.Key.FilterRules[0].Value !== 'Analysis/Voice/',
        );
      },
    ],
    [
      'a suffix filter (only .wav) on the call recordings prefix',
      'INGEST-TRIGGERS',
      /"connect\/fairlisten\/CallRecordings\/".*by s3:ObjectCreated:Put do not notify/,
      (m) => {
        for (const c of notifications(m).LambdaFunctionConfigurations)
          c.Filter.Key.FilterRules.push({ Name: 'suffix', Value: '.wav' });
      },
    ],
    [
      'notifications sent to another function',
      'INGEST-TRIGGERS',
      /do not notify the ingest function/,
      (m) => {
        for (const c of notifications(m).LambdaFunctionConfigurations)
          c.LambdaFunctionArn = { 'Fn::GetAtt': [m.byRole('function:privacy'), 'Arn'] };
      },
    ],
    [
      'the JWT authorizer removed from the deletion route',
      'PRIVACY-API',
      /POST \/contacts\/\{contactId\}\/recording\/deletion: AuthorizationType is "NONE", not JWT/,
      (m) => {
        const route = routeByKey(m, 'POST /contacts/{contactId}/recording/deletion');
        route.Properties.AuthorizationType = 'NONE';
        delete route.Properties.AuthorizerId;
      },
    ],
    [
      'the JWT authorizer removed from the playback route (not a privacy route)',
      'PRIVACY-API',
      /POST \/recordings\/\{contactId\}\/playback: AuthorizationType is "NONE"/,
      (m) => {
        const route = routeByKey(m, 'POST /recordings/{contactId}/playback');
        delete route.Properties.AuthorizationType;
        delete route.Properties.AuthorizerId;
      },
    ],
    [
      'the redactions route missing',
      'PRIVACY-API',
      /no route POST \/contacts\/\{contactId\}\/recording\/redactions/,
      (m) => {
        const id = m
          .ofType('AWS::ApiGatewayV2::Route')
          .find((r) => m.resources[r].Properties.RouteKey.endsWith('/redactions'))!;
        delete m.resources[id];
      },
    ],
    [
      'an authorizer without audience',
      'PRIVACY-API',
      /no JWT audience/,
      (m) => {
        const id = m.ofType('AWS::ApiGatewayV2::Authorizer')[0]!;
        m.resources[id].Properties.JwtConfiguration.Audience = [];
      },
    ],
    [
      'the privacy role may delete recordings',
      'RECORDING-REWRITERS',
      /role:privacy may s3:DeleteObject/,
      (m) => {
        const bucket = m.byRole('bucket:recordings');
        grant(m, 'role:privacy', {
          Effect: 'Allow',
          Action: 's3:DeleteObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
        });
        m.statement('OnlyNamedRolesRewriteRecordings').Condition.ArnNotEquals['aws:PrincipalArn'].push({
          'Fn::GetAtt': [m.byRole('role:privacy'), 'Arn'],
        });
      },
    ],
    // listening
    [
      'playback lost its read access (exactly three readers expected)',
      'RECORDING-READERS',
      /role:playback may not s3:GetObject/,
      (m) => {
        const s = m.statement('OnlyNamedRolesReadRecordings');
        s.Condition.ArnNotEquals['aws:PrincipalArn'] = s.Condition.ArnNotEquals['aws:PrincipalArn'].filter(
          (a: Json) => a['Fn::GetAtt'][0] !== m.byRole('role:playback'),
        );
      },
    ],
    [
      'playback URL TTL 3600 s',
      'PLAYBACK-URL-TTL',
      /playback URLs live 3600 s, outside the hard limits 30\.\.300 s/,
      (m) => {
        m.props('function:playback').Environment.Variables.PLAYBACK_URL_TTL_SECONDS = '3600';
      },
    ],
    [
      'playback URL TTL differs from the policy',
      'PLAYBACK-URL-TTL',
      /PLAYBACK_URL_TTL_SECONDS 120 differs from the policy metadata \(300\)/,
      (m) => {
        m.props('function:playback').Environment.Variables.PLAYBACK_URL_TTL_SECONDS = '120';
      },
    ],
    [
      'audit Object Lock in GOVERNANCE mode',
      'AUDIT-OBJECT-LOCK',
      /default retention mode is "GOVERNANCE", not COMPLIANCE/,
      (m) => {
        m.props('bucket:audit').ObjectLockConfiguration.Rule.DefaultRetention.Mode = 'GOVERNANCE';
      },
    ],
    [
      'audit Object Lock of 400 days',
      'AUDIT-OBJECT-LOCK',
      /locked 400 days, above 365/,
      (m) => {
        m.props('bucket:audit').ObjectLockConfiguration.Rule.DefaultRetention.Days = 400;
      },
    ],
    [
      'audit bucket without Object Lock',
      'AUDIT-OBJECT-LOCK',
      /Object Lock is not enabled/,
      (m) => {
        const p = m.props('bucket:audit');
        delete p.ObjectLockEnabled;
        delete p.ObjectLockConfiguration;
      },
    ],
    [
      'Object Lock on the recordings bucket',
      'AUDIT-OBJECT-LOCK',
      /a bucket receiving recordings has Object Lock/,
      (m) => {
        const p = m.props('bucket:recordings');
        p.ObjectLockEnabled = true;
        p.ObjectLockConfiguration = { ObjectLockEnabled: 'Enabled' };
      },
    ],
    [
      'a table without TTL',
      'RETENTION-ONE-YEAR',
      /\(table:decisions\): no TTL/,
      (m) => {
        delete m.props('table:decisions').TimeToLiveSpecification;
      },
    ],
    [
      'a log group without retention',
      'RETENTION-ONE-YEAR',
      /log group without RetentionInDays/,
      (m) => {
        delete m.resources[m.ofType('AWS::Logs::LogGroup')[0]!].Properties.RetentionInDays;
      },
    ],
    [
      'a log group kept ten years',
      'RETENTION-ONE-YEAR',
      /logs kept 3653 days, above 365/,
      (m) => {
        m.resources[m.ofType('AWS::Logs::LogGroup')[0]!].Properties.RetentionInDays = 3653;
      },
    ],
    [
      'access logs kept 400 days',
      'RETENTION-ONE-YEAR',
      /objects expire after 400 days, above 365/,
      (m) => {
        m.props('bucket:access-logs').LifecycleConfiguration.Rules[0].ExpirationInDays = 400;
      },
    ],
    [
      'a function logging to the default log group',
      'RETENTION-ONE-YEAR',
      /logs to the default \/aws\/lambda log group/,
      (m) => {
        delete m.props('function:views').LoggingConfig;
        grant(m, 'role:views', { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' });
      },
    ],
    [
      'twelve listens per agent',
      'ASSIGNMENT-RULE',
      /maxPerAgent 12 is outside the hard limits 1\.\.8/,
      (m) =>
        editEnvJson(m, 'function:assignment', 'LISTENING_POLICY', (v) => {
          v.maxPerAgent = 12;
        }),
    ],
    [
      'a coach cap that differs from the policy',
      'ASSIGNMENT-RULE',
      /deployed maxPerCoach 30 differs from the policy metadata maxListensPerCoachPerMonth \(40\)/,
      (m) =>
        editEnvJson(m, 'function:assignment', 'LISTENING_POLICY', (v) => {
          v.maxPerCoach = 30;
        }),
    ],
    [
      'views showing other limits than the assignment applies',
      'ASSIGNMENT-RULE',
      /ListeningViews\w+: deployed minPerAgent 1 differs/,
      (m) =>
        editEnvJson(m, 'function:views', 'LISTENING_POLICY', (v) => {
          v.minPerAgent = 1;
        }),
    ],
    [
      'no assignment schedule',
      'ASSIGNMENT-RULE',
      /\(function:assignment\) has no enabled daily EventBridge schedule \(no rule targets it\)/,
      (m) => {
        // The assignment's rule (the monthly report has a daily rule of its own).
        const rule = m.ofType('AWS::Events::Rule').find((id) => /ListeningDaily/.test(id))!;
        delete m.resources[rule];
      },
    ],
    [
      'an UpdateItem grant on the audit table',
      'AUDIT-APPEND-ONLY',
      /role:playback may dynamodb:UpdateItem on \w+ \(table:audit\)/,
      (m) => {
        grant(m, 'role:playback', {
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: { 'Fn::GetAtt': [m.byRole('table:audit'), 'Arn'] },
        });
      },
    ],
    [
      'dynamodb:* on every table for the assignment role',
      'AUDIT-APPEND-ONLY',
      /role:assignment may dynamodb:UpdateItem, dynamodb:DeleteItem, dynamodb:BatchWriteItem/,
      (m) => {
        grant(m, 'role:assignment', { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' });
      },
    ],
  ];

  it.each(cases)('%s fails %s', (_name, id, message, mutate) => {
    const r = reportWith(mutate);
    const c = result(r, id);
    expect(c.status, c.detail).toBe('fail');
    expect(c.detail).toMatch(message);
    expect(r.summary.status).toBe('fail');
  });

  it('CONTACT-LENS-RETENTION says Contact Lens is off on the default template, and what it does not cover', () => {
    const off = result(buildReport(base), 'CONTACT-LENS-RETENTION');
    expect(off.status, off.detail).toBe('pass');
    expect(off.detail).toMatch(
      /Deployed setting: Contact Lens OFF \(ContactCenterInstance\w+\): it produces no analysis/,
    );
    expect(off.detail).toMatch(/No flow|Not covered by this check: Contact Lens rules, categories/);
    // The attribute alone, without a flow that enables analytics, produces nothing: said, not failed.
    const on = result(
      reportWith((m) => {
        m.resources[m.ofType('AWS::Connect::Instance')[0]!].Properties.Attributes.ContactLens = true;
      }),
      'CONTACT-LENS-RETENTION',
    );
    expect(on.status, on.detail).toBe('pass');
    expect(on.detail).toMatch(
      /Deployed setting: Contact Lens ON .* Without such a flow it produces no output/,
    );
  });

  it('a template with Contact Lens off still needs the Contact Lens triggers (it can be switched on in the console)', () => {
    const r = reportWith((m) => {
      m.resources[m.ofType('AWS::Connect::Instance')[0]!].Properties.Attributes.ContactLens = false;
      const n = notifications(m);
      n.LambdaFunctionConfigurations = n.LambdaFunctionConfigurations.filter(
        (c: Json) => !c.Filter.Key.FilterRules[0].Value.includes('Analysis/'),
      );
    });
    expect(result(r, 'INGEST-TRIGGERS').detail).toMatch(/"connect\/fairlisten\/Analysis\/Voice\/"/);
  });

  it('s3:ObjectCreated:* on the parent prefix covers both events', () => {
    const r = reportWith((m) => {
      const n = notifications(m);
      const target = n.LambdaFunctionConfigurations[0].LambdaFunctionArn;
      n.LambdaFunctionConfigurations = [
        { Events: ['s3:ObjectCreated:*'], LambdaFunctionArn: target, Filter: { Key: { FilterRules: [] } } },
      ];
    });
    expect(result(r, 'INGEST-TRIGGERS').status, result(r, 'INGEST-TRIGGERS').detail).toBe('pass');
  });
});

describe('the published algorithm', () => {
  const v1 = readFileSync(join(ALGORITHMS_DIR, 'algorithm-v1.md'), 'utf8');
  const files =
    (...f: Array<[string, string]>) =>
    () =>
      publishedAlgorithmsOf(f.map(([file, markdown]) => ({ file, markdown })));

  it('is read from docs/compliance next to the code, whatever the working directory', () => {
    const v = readPublishedAlgorithms().algorithms.find((a) => a.version === 'fairlisten-lottery-v1')!;
    expect(v.file).toBe('docs/compliance/algorithm-v1.md');
    expect(v.heading).toBe('# The published algorithm (fairlisten-lottery-v1)');
    expect(v.steps).toHaveLength(7);
    expect(v.steps[5]).toMatch(/^6\. Pacing and cap/);
    expect(v.sha256).toBe(createHash('sha256').update(v1).digest('hex'));
  });

  it('no published file fails ALGORITHM-PUBLISHED and RECORDING-CAPS', () => {
    const none = files(['docs/compliance/algorithm-v1.md', '# fairlisten\n\n## Something else\n']);
    const r = report(fixed, [algorithmPublishedCheck(none), recordingCapsCheck(none)]);
    expect(failing(r)).toEqual(['ALGORITHM-PUBLISHED', 'RECORDING-CAPS']);
    expect(result(r, 'ALGORITHM-PUBLISHED').detail).toMatch(
      /algorithm-v1\.md has no heading "# The published algorithm/,
    );
  });

  it('a file publishing another version than the code fails ALGORITHM-PUBLISHED', () => {
    const v2 = files([
      'docs/compliance/algorithm-v2.md',
      '# The published algorithm (fairlisten-lottery-v2)\n\n6. Pacing and cap: …\n',
    ]);
    const r = report(fixed, [algorithmPublishedCheck(v2)]);
    expect(result(r, 'ALGORITHM-PUBLISHED').detail).toMatch(
      /deployed algorithm fairlisten-lottery-v1 is not published \(published: fairlisten-lottery-v2\).*\n.*implements fairlisten-lottery-v1, which is not published/,
    );
  });

  it('every version the code implements must be published', () => {
    const onlyV1 = files(['docs/compliance/algorithm-v1.md', v1]);
    expect(result(report(fixed, [algorithmPublishedCheck(onlyV1)]), 'ALGORITHM-PUBLISHED').detail).toMatch(
      /the code implements fairlisten-lottery-v2, which is not published \(published: fairlisten-lottery-v1;/,
    );
  });

  it('a later version beside v1 keeps v1 deployable, and each file is hashed', () => {
    const v2Text = '# The published algorithm (fairlisten-lottery-v2)\n\n6. Pacing and cap: …\n';
    const both = files(['docs/compliance/algorithm-v2.md', v2Text], ['docs/compliance/algorithm-v1.md', v1]);
    const r = report(fixed, [algorithmPublishedCheck(both), recordingCapsCheck(both)]);
    expect(failing(r)).toEqual([]);
    const notes = result(r, 'ALGORITHM-PUBLISHED').evidence.map((e) => e.note);
    expect(notes).toContain(
      `docs/compliance/algorithm-v2.md:1 sha256 ${createHash('sha256').update(v2Text).digest('hex')}`,
    );
    expect(result(r, 'ALGORITHM-PUBLISHED').detail).toMatch(
      /published fairlisten-lottery-v1 .*, fairlisten-lottery-v2 /,
    );
  });

  it('an edited published text changes the recorded hash', () => {
    const edited = files([
      'docs/compliance/algorithm-v1.md',
      v1.replace('u ≥ samplingRate', 'u > samplingRate'),
    ]);
    const hashOf = (read: () => PublishedAlgorithms) =>
      result(report(fixed, [algorithmPublishedCheck(read)]), 'ALGORITHM-PUBLISHED').evidence.find((e) =>
        e.logicalId.startsWith('(docs/'),
      )!.note;
    expect(hashOf(edited)).not.toBe(hashOf(files(['docs/compliance/algorithm-v1.md', v1])));
  });

  it('a file whose heading names another number, or a version published twice, fails', () => {
    const wrong = files(
      ['docs/compliance/algorithm-v1.md', v1],
      ['docs/compliance/algorithm-v3.md', v1],
      ['docs/compliance/algorithm-v01.md', v1],
    );
    const detail = result(report(fixed, [algorithmPublishedCheck(wrong)]), 'ALGORITHM-PUBLISHED').detail;
    expect(detail).toMatch(
      /algorithm-v3\.md:1 publishes fairlisten-lottery-v1, whose number is not the file's \(v3\)/,
    );
    expect(detail).toMatch(
      /algorithm-v01\.md publishes fairlisten-lottery-v1 again \(already in docs\/compliance\/algorithm-v1\.md\)/,
    );
  });

  it('a step deciding with the elapsed fraction of the period counts as pacing', () => {
    const adaptive = files([
      'docs/compliance/algorithm-v1.md',
      '# The published algorithm (fairlisten-lottery-v1)\n\n1. Draw.\n2. The probability: with `f` the elapsed fraction of the period, p = …\n',
    ]);
    const r = report(fixed, [recordingCapsCheck(adaptive)]);
    expect(result(r, 'RECORDING-CAPS').status, result(r, 'RECORDING-CAPS').detail).toBe('pass');
  });

  it('a published algorithm without a pacing step fails RECORDING-CAPS', () => {
    const unpaced = files([
      'docs/compliance/algorithm-v1.md',
      '# The published algorithm (fairlisten-lottery-v1)\n\n1. Draw.\n2. Cap only.\n',
    ]);
    const r = report(fixed, [recordingCapsCheck(unpaced)]);
    expect(result(r, 'RECORDING-CAPS').detail).toMatch(/has no pacing step .*: the cap is not paced/);
  });

  it('an unreadable folder fails the check instead of crashing the report', () => {
    const missing = () => readPublishedAlgorithms(join(ALGORITHMS_DIR, 'no-such-folder'));
    expect(result(report(fixed, [algorithmPublishedCheck(missing)]), 'ALGORITHM-PUBLISHED').detail).toMatch(
      /cannot read the published algorithms: ENOENT/,
    );
  });
});

describe('schedules', () => {
  it.each([
    ['cron(15 0 * * ? *)', true],
    ['cron(0 2 ? * * *)', true],
    ['rate(1 day)', true],
    ['rate(24 hours)', true],
    ['rate(1 hour)', false],
    ['rate(7 days)', false],
    ['cron(0 2 ? * MON *)', false],
    ['cron(0/5 * * * ? *)', false],
    ['cron(0 2 1 * ? *)', false],
    [undefined, false],
  ])('%s daily: %s', (expr, daily) => {
    expect(isDaily(expr)).toBe(daily);
  });

  it('ASSIGNMENT-RULE carries the schedule and the cross-team statement', () => {
    const c = result(report(fixed, [assignmentRule]), 'ASSIGNMENT-RULE');
    expect(c.evidence.map((e) => e.value)).toContain('cron(0 2 * * ? *)');
    expect(c.detail).toMatch(/cross-team by construction/);
  });
});
