import { rmSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { afterAll, describe, expect, it } from 'vitest';
import { SeedVault } from '../../../lib/constructs/seed-vault';
import { defaultPolicy } from '../../../lib/policy/load';
import { resourceWithRole, synthStack } from '../../support/synth';

const { template } = synthStack();
const apps: App[] = [];
const newStack = () => {
  const app = new App();
  apps.push(app);
  return new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-central-1' } });
};
afterAll(() => {
  for (const app of apps) rmSync(app.outdir, { recursive: true, force: true });
});
const resources = (type: string) => template.findResources(type);
const byRole = (role: string) => resourceWithRole(template, role)[0];
const seedsTable = byRole('table:seeds');
const samplerFn = byRole('function:sampler');
const seedsFn = byRole('function:seeds');
const roleOf = (fn: string) =>
  (resources('AWS::Lambda::Function')[fn]!.Properties.Role['Fn::GetAtt'] as string[])[0];

describe('seed vault', () => {
  it('runs the seed function daily on a schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 0 * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [seedsFn, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 4 },
        }),
      ],
    });
    const fn = resources('AWS::Lambda::Function')[seedsFn]!;
    expect(fn.Properties.Timeout).toBe(60);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      SEEDS_TABLE: { Ref: seedsTable },
      FAIRLISTEN_TIMEZONE: 'Europe/Paris',
      SEED_REVEAL_GRACE_DAYS: '1',
    });
  });

  it('lets only the sampler and the seed function read the seeds table', () => {
    const readers = new Set<string>();
    for (const policy of Object.values(resources('AWS::IAM::Policy'))) {
      for (const st of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
        const actions = ([] as string[]).concat(st.Action as string);
        const targets = JSON.stringify(st.Resource);
        const reads = actions.some((a) => /^dynamodb:(GetItem|BatchGetItem|Query|Scan|\*)$/.test(a));
        if (st.Effect === 'Allow' && reads && (targets.includes(`"${seedsTable}"`) || targets === '"*"')) {
          for (const r of policy.Properties.Roles as { Ref: string }[]) readers.add(r.Ref);
        }
      }
    }
    expect([...readers].sort()).toEqual([roleOf(samplerFn), roleOf(seedsFn)].sort());
  });

  it('keeps the seeds table like every table: KMS, PITR, retained', () => {
    const table = resources('AWS::DynamoDB::GlobalTable')[seedsTable]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'period', KeyType: 'HASH' }]);
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
  });

  it('refuses a second seeds reader and a bad grace period', () => {
    const stack = newStack();
    const vault = new SeedVault(stack, 'Seeds', { policy: defaultPolicy(), dataKey: new Key(stack, 'K') });
    const role = (id: string) =>
      new Role(stack, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    vault.grantReadSeeds(role('Sampler'));
    expect(() => vault.grantReadSeeds(role('Other'))).toThrow(
      /already has its reader .*Sampler.*only the sampler and the seed function/,
    );
    expect(
      () =>
        new SeedVault(stack, 'Bad', {
          policy: defaultPolicy(),
          dataKey: new Key(stack, 'K2'),
          revealGraceDays: 0,
        }),
    ).toThrow(/revealGraceDays must be a whole number 1\.\.31, got 0/);
  });

  it('publishes through the audit log: chain `seeds` and transparency/ objects of the audit bucket', async () => {
    const { Template } = await import('aws-cdk-lib/assertions');
    const { TableV2, AttributeType } = await import('aws-cdk-lib/aws-dynamodb');
    const { AuditLog } = await import('../../../lib/constructs/audit-log');
    const { cdkJsonContext } = await import('../../../lib/app');
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    apps.push(app);
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-central-1' } });
    const dataKey = new Key(stack, 'K');
    const vault = new SeedVault(stack, 'Seeds', { policy: defaultPolicy(), dataKey });
    // Unbound, the seed function would start without its audit chain: synthesis refuses it.
    expect(() => Template.fromStack(stack)).toThrow(
      /Seeds\/Function appends to the audit log but is not bound/,
    );
    const decisions = new TableV2(stack, 'D', {
      partitionKey: { name: 'contactId', type: AttributeType.STRING },
    });
    const audit = new AuditLog(stack, 'Audit', { retentionDays: 365, dataKey, decisions });
    vault.publishThrough(audit);
    expect(() => vault.publishThrough(audit)).toThrow(/already bound to the audit log/);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TRANSPARENCY_BUCKET: { Ref: Match.stringLikeRegexp('^AuditBucket') },
          AUDIT_TABLE: { Ref: Match.stringLikeRegexp('^AuditTable') },
          AUDIT_RETENTION_DAYS: '365',
        }),
      },
    });
    const seedsRole = Object.entries(t.findResources('AWS::IAM::Role')).find(([k]) =>
      k.startsWith('SeedsFunctionRole'),
    )![0];
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(seedsRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
    const put = statements.find((s) => JSON.stringify(s.Action).includes('s3:PutObject'))!;
    expect(JSON.stringify(put.Resource)).toContain('/transparency/*');
  });
});
