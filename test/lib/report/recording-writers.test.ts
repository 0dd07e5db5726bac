/**
 * RECORDING-WRITERS: who may put a version of a recording. The bucket policy's write Deny spares
 * Amazon Connect's service-linked roles of this account by an `ArnNotLike` pattern; the IAM
 * evaluator must read that as "Connect's roles", not as "anyone", and a careless edit that widens
 * the pattern must fail the check.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { recordingWriters } from '../../../lib/report/checks/access';
import { buildReport } from '../../../lib/report/engine';
import { serviceLinkedRolePattern } from '../../../lib/report/iam';
import type { StackView } from '../../../lib/report/template';
import { type Json, loadAssembly, type Mutable, mutated, synthAssembly } from '../../support/report-fixture';

const dir = synthAssembly();
let base: StackView[];
beforeAll(() => {
  base = loadAssembly(dir);
});

const SID = 'OnlyConnectAndNamedRolesWriteRecordings';
const run = (stacks: readonly StackView[]) => buildReport(stacks, { checks: [recordingWriters] }).checks[0]!;
/** The template with the write Deny's Connect exception replaced by `pattern`. */
const withException = (pattern: string | undefined) =>
  mutated(base, (m: Mutable) => {
    const deny = m.statement(SID);
    if (pattern === undefined) delete deny.Condition.ArnNotLike;
    else deny.Condition.ArnNotLike = { 'aws:PrincipalArn': pattern };
  });
const CONNECT = (account: string) =>
  `arn:aws:iam::${account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*`;

describe('RECORDING-WRITERS', () => {
  it("passes on the real template: Connect's roles of this account, ingest and recording actions, nobody else", () => {
    const account = base[0]!.account;
    let deny: Json;
    mutated(base, (m: Mutable) => {
      deny = m.statement(SID);
    });
    expect(base[0]!.resolve(deny.Condition.ArnNotLike['aws:PrincipalArn'])).toBe(CONNECT(account));
    const r = run(base);
    expect(r.status, JSON.stringify(r, null, 1)).toBe('pass');
    expect(r.detail).toContain('service-linked-role:connect.amazonaws.com');
    expect(r.detail).toContain('role:ingest');
    expect(r.detail).toContain('role:recording-actions');
    expect(r.detail).not.toContain('any principal outside this template');
  });

  it.each([
    ['any principal', '*', /any principal outside this template may s3:PutObject/],
    ['any role of the account', 'arn:aws:iam::111111111111:role/*', /any principal outside this template/],
    ['any service-linked role', 'arn:aws:iam::111111111111:role/aws-service-role/*', /any principal outside/],
    ['Connect in any account', CONNECT('*'), /any principal outside this template/],
    [
      "another account's Connect roles",
      CONNECT('222222222222'),
      /service-linked roles of connect\.amazonaws\.com in account 222222222222 may s3:PutObject/,
    ],
    [
      'a look-alike path an administrator can create',
      'arn:aws:iam::111111111111:role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*',
      /any principal outside this template/,
    ],
  ])('fails when the exception is widened to %s', (_what, pattern, message) => {
    const r = run(withException(pattern.replace('111111111111', base[0]!.account)));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(message);
  });

  it('fails when the exception is gone: Connect could no longer store recordings', () => {
    const r = run(withException(undefined));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/service-linked-role:connect\.amazonaws\.com may not s3:PutObject/);
  });

  it('fails when a role of the template gets a write grant and joins the exception', () => {
    const r = run(
      mutated(base, (m: Mutable) => {
        const views = m.byRole('function:views');
        const roleId = m.resources[views].Properties.Role['Fn::GetAtt'][0];
        const deny = m.statement(SID);
        deny.Condition.ArnNotEquals['aws:PrincipalArn'].push({ 'Fn::GetAtt': [roleId, 'Arn'] });
        m.resources.ExtraWrite = {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'extra',
            Roles: [{ Ref: roleId }],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] },
          },
        };
      }),
    );
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/role:views may s3:PutObject/);
  });
});

describe('serviceLinkedRolePattern', () => {
  it.each([
    [CONNECT('111111111111'), { account: '111111111111', service: 'connect.amazonaws.com' }],
    [
      'arn:aws-cn:iam::111111111111:role/aws-service-role/connect.amazonaws.com.cn/X*',
      { account: '111111111111', service: 'connect.amazonaws.com.cn' },
    ],
    [CONNECT('*'), undefined],
    ['arn:aws:iam::111111111111:role/aws-service-role/*', undefined],
    ['arn:aws:iam::111111111111:role/aws-service-role/*.amazonaws.com/X', undefined],
    ['arn:aws:iam::111111111111:role/aws-service-role/connect.amazonaws.com/a/b', undefined],
    ['arn:aws:iam::111111111111:role/Aws-Service-Role/connect.amazonaws.com/X*', undefined],
    ['*', undefined],
  ])('%s → %j', (arn, expected) => {
    expect(serviceLinkedRolePattern(arn)).toEqual(expected);
  });
});
