/** The report rows of the write guards (append-only tables): pass on the real template, fail mutated. */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../lib/report/engine';
import type { StackView } from '../../../lib/report/template';
import type { ComplianceReport } from '../../../lib/report/types';
import { type Json, loadAssembly, type Mutable, mutated, synthAssembly } from '../../support/report-fixture';

const dir = synthAssembly();
let base: StackView[];
beforeAll(() => {
  base = loadAssembly(dir);
});

const result = (r: ComplianceReport, id: string) => r.checks.find((c) => c.id === id)!;
const reportWith = (mutate: (m: Mutable) => void) => buildReport(mutated(base, mutate));
const resourcePolicy = (m: Mutable, role: string) => m.props(role).Replicas[0].ResourcePolicy.PolicyDocument;
const mappingsOf = (m: Mutable, role: string) =>
  m
    .ofType('AWS::Lambda::EventSourceMapping')
    .filter((id) => m.resources[id].Properties.EventSourceArn['Fn::GetAtt']?.[0] === m.byRole(role));

describe('AUDIT-APPEND-ONLY on the real template', () => {
  it('passes, names the appenders, and says what it does not cover', () => {
    const c = result(buildReport(base), 'AUDIT-APPEND-ONLY');
    expect(c.status, c.detail).toBe('pass');
    // Ingest completes a decision the sampler reserved but never stored (conditional put, once).
    expect(c.detail).toMatch(/table:decisions: (role:sampler, role:ingest|role:ingest, role:sampler)(\.|;)/);
    expect(c.detail).toMatch(/table:audit: .*role:playback/);
    expect(c.detail).toMatch(/IAM cannot require PutItem to be conditional/);
    expect(c.detail).toMatch(/account administrator can change a resource policy/);
    expect(c.evidence.map((e) => e.note)).toContainEqual(
      expect.stringMatching(/PutItem spared for: .*role:audit-export/),
    );
  });
});

describe('AUDIT-APPEND-ONLY fails when a guard is missing', () => {
  const cases: [string, RegExp, (m: Mutable) => void][] = [
    [
      'no resource policy on the audit table',
      /\(table:audit\): its resource policy does not deny dynamodb:UpdateItem, dynamodb:DeleteItem.*to every principal/,
      (m) => {
        delete m.props('table:audit').Replicas[0].ResourcePolicy;
      },
    ],
    [
      'DeleteItem no longer denied on the decisions table',
      /\(table:decisions\): its resource policy does not deny dynamodb:DeleteItem to every principal/,
      (m) => {
        const s = resourcePolicy(m, 'table:decisions').Statement.find((x: Json) => x.Sid === 'NoItemChanges');
        s.Action = s.Action.filter((a: string) => a !== 'dynamodb:DeleteItem');
      },
    ],
    [
      'the item-change deny made conditional',
      /\(table:audit\): its resource policy does not deny/,
      (m) => {
        const s = resourcePolicy(m, 'table:audit').Statement.find((x: Json) => x.Sid === 'NoItemChanges');
        s.Condition = { StringEquals: { 'aws:PrincipalTag/team': 'x' } };
      },
    ],
    [
      'PutItem open to every principal',
      /\(table:audit\): its resource policy does not limit PutItem to named roles/,
      (m) => {
        const doc = resourcePolicy(m, 'table:audit');
        doc.Statement = doc.Statement.filter((x: Json) => x.Sid !== 'OnlyAppendersPut');
      },
    ],
    [
      'PutItem spared for a pattern',
      /spares a pattern \(arn:aws:iam::\*:role\/\*\)/,
      (m) => {
        const s = resourcePolicy(m, 'table:audit').Statement.find((x: Json) => x.Sid === 'OnlyAppendersPut');
        s.Condition = { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/*'] } };
      },
    ],
    [
      'no stream on the decisions table',
      /\(table:decisions\): no stream with the old image \(StreamViewType null\)/,
      (m) => {
        delete m.props('table:decisions').StreamSpecification;
      },
    ],
    [
      'a stream without the old image',
      /\(table:audit\): no stream with the old image \(StreamViewType "NEW_IMAGE"\)/,
      (m) => {
        m.props('table:audit').StreamSpecification.StreamViewType = 'NEW_IMAGE';
      },
    ],
    [
      'the sentinel mapping of the audit table disabled',
      /\(table:audit\): no enabled event source mapping delivers its MODIFY and REMOVE/,
      (m) => {
        for (const id of mappingsOf(m, 'table:audit')) m.resources[id].Properties.Enabled = false;
      },
    ],
    [
      'the sentinel mapping filters out REMOVE',
      /\(table:decisions\): no enabled event source mapping delivers its MODIFY and REMOVE/,
      (m) => {
        for (const id of mappingsOf(m, 'table:decisions'))
          m.resources[id].Properties.FilterCriteria = { Filters: [{ Pattern: '{"eventName":["MODIFY"]}' }] };
      },
    ],
    [
      'the tamper alarm without an action',
      /\(function:audit-sentinel\): no alarm with an action on a metric filter of its log group/,
      (m) => {
        for (const id of m.ofType('AWS::CloudWatch::Alarm'))
          if (m.resources[id].Properties.MetricName === 'AuditTampered')
            delete m.resources[id].Properties.AlarmActions;
      },
    ],
    [
      'an UpdateItem grant on the decisions table',
      /role:views may dynamodb:UpdateItem on \w+ \(table:decisions\)/,
      (m) => {
        const roleId = m.byRole('role:views');
        const policy = m
          .ofType('AWS::IAM::Policy')
          .find((id) => m.resources[id].Properties.Roles.some((r: Json) => r.Ref === roleId))!;
        m.resources[policy].Properties.PolicyDocument.Statement.push({
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: { 'Fn::GetAtt': [m.byRole('table:decisions'), 'Arn'] },
        });
      },
    ],
  ];

  it.each(cases)('%s', (_name, message, mutate) => {
    const r = reportWith(mutate);
    const c = result(r, 'AUDIT-APPEND-ONLY');
    expect(c.status, c.detail).toBe('fail');
    expect(c.detail).toMatch(message);
  });
});
