import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputsError, readStackOutputs, STACK_OUTPUTS } from '../../../lib/deploy/outputs';
import { synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const dir = mkdtempSync(join(tmpdir(), 'fairlisten-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `cdk deploy --outputs-file` would write: every output of the template, with a value. */
function outputsFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
const deployedValues = Object.fromEntries(
  Object.keys(template.toJSON().Outputs as Record<string, unknown>).map((k) => [k, `value-of-${k}`]),
);

describe('stack outputs', () => {
  it('has every output the operator and the CLI need, under its stable name, with a description', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Description?: string }>;
    // PhoneNumber only when one is claimed (-c phoneNumber, test/lib/constructs/contact-center.test.ts).
    expect(Object.keys(outputs).sort()).toEqual(
      Object.keys(STACK_OUTPUTS)
        .filter((k) => k !== 'PhoneNumber')
        .sort(),
    );
    for (const [name, o] of Object.entries(outputs))
      expect(o.Description, name).toBe(STACK_OUTPUTS[name as keyof typeof STACK_OUTPUTS]);
    template.hasOutput('InboundFlowArn', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ContactCenterInboundFlow'), 'ContactFlowArn'] },
    });
    template.hasOutput('SignInUrl', { Value: { 'Fn::Join': Match.anyValue() } });
  });

  it('are read back from a `cdk deploy --outputs-file` file by the CLI', () => {
    const file = outputsFile('ok.json', { [stack.stackName]: deployedValues, Other: { Foo: 'bar' } });
    const read = readStackOutputs(file);
    expect(read.stackName).toBe('Fairlisten');
    expect(read.ApiUrl).toBe('value-of-ApiUrl');
    expect(read.SignInUrl).toBe('value-of-SignInUrl');
    expect(readStackOutputs(file, 'Fairlisten').AuditTableName).toBe('value-of-AuditTableName');
  });

  it('name what is wrong: unreadable file, unknown stack, missing outputs, two candidate stacks', () => {
    expect(() => readStackOutputs(join(dir, 'absent.json'))).toThrow(
      /cannot read the outputs file .*absent\.json/,
    );
    expect(() => readStackOutputs(outputsFile('bad.json', '{'))).toThrow(OutputsError);
    expect(() => readStackOutputs(outputsFile('arr.json', [1]))).toThrow(
      /not a `cdk deploy --outputs-file` file/,
    );
    const { AuditTableName: _, ...withoutAudit } = deployedValues;
    expect(() => readStackOutputs(outputsFile('old.json', { Fairlisten: withoutAudit }))).toThrow(
      /stack Fairlisten lacks the outputs AuditTableName/,
    );
    const two = outputsFile('two.json', { 'Fairlisten-a': deployedValues, 'Fairlisten-b': deployedValues });
    expect(() => readStackOutputs(two)).toThrow(/2 fairlisten stacks .* name one with --stack/);
    expect(readStackOutputs(two, 'Fairlisten-b').stackName).toBe('Fairlisten-b');
    expect(() => readStackOutputs(two, 'Nope')).toThrow(
      /no stack Nope \(stacks: Fairlisten-a, Fairlisten-b\)/,
    );
  });
});

describe('sign-in for people (Cognito user pool created by the stack)', () => {
  it('offers a hosted sign-in with the authorization code flow and PKCE (public client, no implicit flow)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'profile'],
      CallbackURLs: [
        'http://localhost:8787/callback',
        {
          'Fn::Join': [
            '',
            [
              'https://',
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkspaceAppDistribution'), 'DomainName'] },
              '/callback.html',
            ],
          ],
        },
      ],
      SupportedIdentityProviders: ['COGNITO'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'fairlisten-111111111111' });
  });

  it('lets a person recover an account by e-mail when they chose to give one; e-mail stays optional', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
    const pool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0]!;
    const email = (pool.Properties.Schema as Array<{ Name: string; Required?: boolean }>).find(
      (a) => a.Name === 'email',
    );
    expect(email?.Required).toBe(false);
  });
});
