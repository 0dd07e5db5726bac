import { describe, expect, it } from 'vitest';
import { resourceWithRole, synthStack } from '../../support/synth';

const { template } = synthStack();
const resources = (type: string) => template.findResources(type);
const byRole = (role: string) => resourceWithRole(template, role)[0];

describe('sampling service', () => {
  const fn = resources('AWS::Lambda::Function')[byRole('function:sampler')]!;

  it('answers before the flow’s 3 s limit', () => {
    expect(fn.Properties.Timeout).toBe(2);
    expect(fn.Properties.MemorySize).toBe(512);
  });

  it('gets every table and the instance it needs from its environment', () => {
    const env = fn.Properties.Environment.Variables;
    expect(env).toMatchObject({
      DECISIONS_TABLE: { Ref: byRole('table:decisions') },
      QUOTAS_TABLE: { Ref: byRole('table:quotas') },
      SEEDS_TABLE: { Ref: byRole('table:seeds') },
      CONNECT_INSTANCE_ID: { 'Fn::GetAtt': [expect.stringMatching(/^ContactCenterInstance/), 'Id'] },
    });
    expect(JSON.parse(env.FAIRLISTEN_POLICY)).toEqual({
      version: expect.any(String),
      timezone: 'Europe/Paris',
      samplingRate: 0.2,
      algorithmVersion: 'fairlisten-lottery-v2', // the default since policy 2027-01
      maxRecordingsPerAgentPerMonth: 8,
      excludedAgents: [],
      excludedQueues: [],
      auditRetentionDays: 365,
    });
  });

  it('may start recordings on contacts of its own instance only, and only read the seeds', () => {
    const role = (fn.Properties.Role['Fn::GetAtt'] as string[])[0];
    const statements = Object.values(resources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
    const connect = statements.find((s) => s.Action === 'connect:StartContactRecording')!;
    expect(JSON.stringify(connect.Resource)).toContain('/contact/*');
    const seeds = byRole('table:seeds');
    const onSeeds = statements.filter((s) => JSON.stringify(s.Resource).includes(`"${seeds}"`));
    const actions = onSeeds.flatMap((s) => ([] as string[]).concat(s.Action as string));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });
});

describe('reservations (a drawn decision per contact, before StartContactRecording)', () => {
  const statementsOf = (fnRole: string) => {
    const role = (
      resources('AWS::Lambda::Function')[byRole(fnRole)]!.Properties.Role['Fn::GetAtt'] as string[]
    )[0];
    return Object.values(resources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
  };
  const actionsOn = (fnRole: string, tableRole: string) =>
    statementsOf(fnRole)
      .filter((s) => JSON.stringify(s.Resource).includes(`"${byRole(tableRole)}"`))
      .flatMap((s) => ([] as string[]).concat(s.Action as string))
      .filter((a) => a.startsWith('dynamodb:'))
      .sort();

  it('is a table of its own, encrypted, expiring, point-in-time recoverable', () => {
    const table = resources('AWS::DynamoDB::GlobalTable')[byRole('table:reservations')]!;
    expect(table.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'contactId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  it('the sampler only puts reservations; ingest only reads them and may put a decision', () => {
    expect(
      resources('AWS::Lambda::Function')[byRole('function:sampler')]!.Properties.Environment.Variables
        .RESERVATIONS_TABLE,
    ).toEqual({
      Ref: byRole('table:reservations'),
    });
    expect(actionsOn('function:sampler', 'table:reservations')).toEqual(['dynamodb:PutItem']);
    const ingest = resources('AWS::Lambda::Function')[byRole('function:ingest')]!;
    expect(ingest.Properties.Environment.Variables.RESERVATIONS_TABLE).toEqual({
      Ref: byRole('table:reservations'),
    });
    expect(actionsOn('function:ingest', 'table:reservations')).toEqual(['dynamodb:GetItem']);
    expect(actionsOn('function:ingest', 'table:decisions')).toContain('dynamodb:PutItem');
    expect(
      actionsOn('function:ingest', 'table:decisions').filter((a) =>
        /Update|Delete|BatchWrite|PartiQL/.test(a),
      ),
    ).toEqual([]);
  });

  it('names ingest beside the sampler as the decisions table’s only appenders', () => {
    const table = resources('AWS::DynamoDB::GlobalTable')[byRole('table:decisions')]!;
    const put = (
      table.Properties.Replicas[0].ResourcePolicy.PolicyDocument.Statement as Record<string, unknown>[]
    ).find((s) => s.Sid === 'OnlyAppendersPut')!;
    const spared = JSON.stringify(put.Condition);
    const roleOf = (r: string) =>
      (resources('AWS::Lambda::Function')[byRole(r)]!.Properties.Role['Fn::GetAtt'] as string[])[0];
    expect(spared).toContain(roleOf('function:sampler'));
    expect(spared).toContain(roleOf('function:ingest'));
    expect(
      (put.Condition as { ArnNotEquals: { 'aws:PrincipalArn': unknown[] } }).ArnNotEquals['aws:PrincipalArn'],
    ).toHaveLength(2);
  });
});
