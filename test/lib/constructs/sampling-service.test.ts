import { describe, expect, it } from 'vitest';
import { synthStack } from '../../support/synth';

const { template } = synthStack();
const resources = (type: string) => template.findResources(type);
const byRole = (role: string) =>
  Object.entries(template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>).find(
    ([, r]) => r.Metadata?.['fairlisten:role'] === role,
  )![0];

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
