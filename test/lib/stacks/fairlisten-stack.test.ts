import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nagPacks } from '../../../lib/app';
import { synthesizedAssembly, synthesizedTemplate } from '../../support/assembly';
import { synthStack } from '../../support/synth';

// The default app as `cdk synth` writes it, every function bundled for real: the run's shared
// assembly (synthesized once for all test files). The construct objects are the default stack's.
const outdir = synthesizedAssembly();
const template = synthesizedTemplate();
const { stack } = synthStack();
const resources = (type: string) => template.findResources(type);

describe('region (C3)', () => {
  it('pins the stack to the policy region', () => {
    expect(stack.region).toBe('eu-central-1');
    expect(stack.account).toBe('111111111111');
  });
});

describe('effective policy in the template', () => {
  it('is in the stack metadata and outputs', () => {
    const json = template.toJSON();
    const text = json.Metadata['fairlisten:policy'];
    // Canonical JSON text, hashed beside it: what a reviewer can recompute from the template alone.
    expect(JSON.parse(text)).toMatchObject({ samplingRate: 0.2, retentionDays: 90 });
    expect(json.Metadata['fairlisten:policySha256']).toBe(createHash('sha256').update(text).digest('hex'));
    template.hasOutput('SamplingRate', { Value: '0.2' });
    template.hasOutput('RetentionDays', { Value: '90' });
  });

  it('is in the environment of the sampler that enforces it', () => {
    const fn = Object.values(resources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).startsWith('fairlisten sampler'),
    )!;
    const env = JSON.parse(fn.Properties.Environment.Variables.FAIRLISTEN_POLICY);
    expect(env).toMatchObject({
      samplingRate: 0.2,
      maxRecordingsPerAgentPerMonth: 8,
      timezone: 'Europe/Paris',
    });
  });
});

describe('functions', () => {
  it('run on a pinned runtime, answer Connect before its 3 s limit, and log to encrypted, bounded groups', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 2,
      TracingConfig: { Mode: 'Active' },
    });
    for (const group of Object.values(resources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBeLessThanOrEqual(365);
      expect(group.Properties.KmsKeyId).toBeDefined();
    }
  });
  it('use no AWS managed policies', () => {
    for (const role of Object.values(resources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('tables', () => {
  it('are encrypted with the project key, protected and retained, without point-in-time copies', () => {
    const tables = Object.values(resources('AWS::DynamoDB::GlobalTable'));
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      expect(t.DeletionPolicy).toBe('Retain');
      expect(t.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
      expect(t.Properties.Replicas[0]).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        DeletionProtectionEnabled: true,
      });
    }
  });
});

describe('bad policies fail the synth', () => {
  it.each([
    [{ samplingRate: 0.5 }, /samplingRate 0\.5 exceeds the hard limit 0\.30 \(C4\)/],
    [{ retentionDays: 120 }, /retentionDays 120 exceeds the hard limit 90 \(C3\)/],
    [{ region: 'eu-west-3' }, /region eu-west-3 is in the EU but Amazon Connect does not exist there/],
    [{ region: 'us-east-1' }, /region us-east-1 is not an EU region/],
  ])('%j', (bad, message) => {
    expect(() => synthStack(bad)).toThrow(message);
  });
});

describe.each([
  ['cdk-nag', {}],
  [
    'cdk-nag with the optional routing (a claimed phone number routed to the inbound flow)',
    { build: { phoneNumber: { countryCode: 'FR', type: 'DID' } } },
  ],
] as const)('%s', (_title, options) => {
  // The same stack every pack checks; acknowledgements are narrow and carry their reasons.
  const { stack: checked } = synthStack({}, options);
  it.each(nagPacks().map((p) => [p.readPackName, p] as const))(
    '%s has no unacknowledged finding',
    (_name, pack) => {
      const report = pack.validateScope(checked);
      const findings = report.violations.map(
        (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.locations.join(',')).join(' ')}`,
      );
      expect(findings).toEqual([]);
    },
  );
});

describe('snapshot', () => {
  it('changes only when the template does', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('deployment order of the contact flows', () => {
  it('creates every flow after the integration association of each function it invokes', () => {
    const associations = Object.entries(resources('AWS::Connect::IntegrationAssociation'));
    const flows = Object.entries(resources('AWS::Connect::ContactFlow'));
    let invoked = 0;
    for (const [flowId, flow] of flows) {
      const content = JSON.stringify(flow.Properties.Content);
      for (const [assocId, assoc] of associations) {
        const fnId = assoc.Properties.IntegrationArn['Fn::GetAtt'][0] as string;
        if (!content.includes(`"Fn::GetAtt":["${fnId}","Arn"]`)) continue;
        invoked += 1;
        expect(flow.DependsOn, `${flowId} must depend on ${assocId}`).toContain(assocId);
      }
    }
    // The whisper flow invokes the sampler: the loop above must have checked at least that.
    expect(invoked).toBeGreaterThanOrEqual(1);
  });
});

describe('queue hours', () => {
  it('are open the whole day, every day (00:00 to 00:00, no gap before midnight)', () => {
    const hours = Object.values(resources('AWS::Connect::HoursOfOperation'));
    expect(hours).toHaveLength(1);
    const config = hours[0]!.Properties.Config as Array<Record<string, unknown>>;
    expect(config.map((c) => c.Day).sort()).toEqual([
      'FRIDAY',
      'MONDAY',
      'SATURDAY',
      'SUNDAY',
      'THURSDAY',
      'TUESDAY',
      'WEDNESDAY',
    ]);
    for (const c of config) {
      expect(c.StartTime).toEqual({ Hours: 0, Minutes: 0 });
      expect(c.EndTime).toEqual({ Hours: 0, Minutes: 0 });
    }
  });
});

describe('bundled function code', () => {
  it('carries the pinned AWS SDK: no built asset leaves an @aws-sdk import to the runtime', () => {
    const functions = Object.entries(resources('AWS::Lambda::Function')).filter(
      ([, f]) => typeof f.Metadata?.['fairlisten:role'] === 'string',
    );
    expect(functions.length).toBeGreaterThanOrEqual(10);
    const pinned = JSON.parse(
      readFileSync(
        new URL('../../../node_modules/@aws-sdk/client-dynamodb/package.json', import.meta.url),
        'utf8',
      ),
    ).version as string;
    for (const [id, fn] of functions) {
      // The asset CDK staged for this function: cdk.out/asset.<hash>/ (the S3 key is <hash>.zip).
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const file = join(outdir, `asset.${hash}`, 'index.mjs');
      // esbuild parses the asset and lists what it still imports (static, dynamic and require).
      const { metafile } = buildSync({
        entryPoints: [file],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format: 'esm',
        external: ['*'],
        logLevel: 'silent',
      });
      const imports = Object.values(metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
      expect(
        imports.filter((p) => p.startsWith('@aws-sdk/')),
        id,
      ).toEqual([]);
      expect(
        imports.filter((p) => !p.startsWith('node:')),
        `${id} imports only Node built-ins`,
      ).toEqual([]);
      // The SDK inside is the pinned one (its version is in the user agent it sends).
      if (fn.Metadata['fairlisten:role'] !== 'function:request-sweeper') {
        expect(readFileSync(file, 'utf8'), id).toContain(`"${pinned}"`);
      }
    }
  });
});
