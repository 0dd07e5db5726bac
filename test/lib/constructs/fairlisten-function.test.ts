/** FairlistenFunction: the settings every function shares, and its log retention rounding. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../lib/app';
import { PREBUILT_BUNDLES_CONTEXT } from '../../../lib/constructs/bundling';
import {
  environmentSizeProblem,
  FairlistenFunction,
  type FairlistenFunctionProps,
} from '../../../lib/constructs/fairlisten-function';
import { defaultPolicy } from '../../../lib/policy/load';
import { removeAfterFile } from '../../support/outdirs';

function synth(props: Partial<FairlistenFunctionProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  removeAfterFile(app.outdir);
  const stack = new Stack(app, 'T', { env: { account: '111111111111', region: 'eu-central-1' } });
  const fn = new FairlistenFunction(stack, 'Fn', {
    handlerDir: 'views',
    serviceName: 'fairlisten-views',
    logKey: new Key(stack, 'K'),
    logRetentionDays: 90,
    description: 'fairlisten views',
    ...props,
  });
  return { fn, template: Template.fromStack(stack) };
}

describe('FairlistenFunction', () => {
  it('runs on a pinned runtime on ARM with tracing, the service name and bounded defaults', () => {
    const { template } = synth({ environment: { TABLE: 't' } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 10,
      MemorySize: 256,
      Environment: {
        Variables: { POWERTOOLS_SERVICE_NAME: 'fairlisten-views', POWERTOOLS_LOG_LEVEL: 'INFO', TABLE: 't' },
      },
    });
  });

  it('takes the timeout and memory it is given', () => {
    const { template } = synth({ timeout: Duration.minutes(5), memorySize: 1024 });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 300, MemorySize: 1024 });
  });

  it('logs to its own KMS-encrypted, retained log group', () => {
    const { template } = synth();
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 90, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^K/), 'Arn'] } },
    });
  });

  it.each([
    [365, 365],
    [200, 180],
    [91, 90],
    [45, 30],
    [2, 1],
    [0, 1],
  ])('keeps logs %i days as the nearest retention CloudWatch accepts at or below: %i', (days, kept) => {
    const { template } = synth({ logRetentionDays: days });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: kept });
  });

  it('has its own role without AWS managed policies, marked for the compliance report', () => {
    const { template } = synth();
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(roles[0]!.Properties.ManagedPolicyArns).toBeUndefined();
    expect(roles[0]!.Metadata).toMatchObject({ 'fairlisten:role': 'role:views' });
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns[0]!.Metadata).toMatchObject({ 'fairlisten:role': 'function:views' });
  });
});

describe('bundles built before the synthesis', () => {
  it('are the assets of a bundled synthesis when the app context names their directory, and missing ones are refused', () => {
    const prebuilt = mkdtempSync(join(tmpdir(), 'fairlisten-prebuilt-'));
    try {
      mkdirSync(join(prebuilt, 'views'));
      writeFileSync(join(prebuilt, 'views', 'index.mjs'), 'export const handler = async () => "prebuilt";\n');
      const app = new App({ context: { [PREBUILT_BUNDLES_CONTEXT]: prebuilt } });
      removeAfterFile(app.outdir);
      const stack = new Stack(app, 'T', { env: { account: '111111111111', region: 'eu-central-1' } });
      new FairlistenFunction(stack, 'Fn', {
        handlerDir: 'views',
        serviceName: 'fairlisten-views',
        logKey: new Key(stack, 'K'),
        logRetentionDays: 90,
        description: 'fairlisten views',
      });
      const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
      // The asset CDK staged: cdk.out/asset.<hash>/ (the S3 key is <hash>.zip).
      const hash = String(fn!.Properties.Code.S3Key).replace(/\.zip$/, '');
      const staged = join(app.outdir, `asset.${hash}`, 'index.mjs');
      expect(readFileSync(staged, 'utf8')).toContain('"prebuilt"');

      const other = new App({ context: { [PREBUILT_BUNDLES_CONTEXT]: prebuilt } });
      removeAfterFile(other.outdir);
      const otherStack = new Stack(other, 'T', { env: { account: '111111111111', region: 'eu-central-1' } });
      expect(
        () =>
          new FairlistenFunction(otherStack, 'Fn', {
            handlerDir: 'playback',
            serviceName: 'fairlisten-playback',
            logKey: new Key(otherStack, 'K'),
            logRetentionDays: 90,
            description: 'fairlisten playback',
          }),
      ).toThrow(`${PREBUILT_BUNDLES_CONTEXT} is ${prebuilt}, which has no bundle of playback`);
    } finally {
      rmSync(prebuilt, { recursive: true, force: true });
    }
  });
});

describe('the 4 KB environment Lambda accepts', () => {
  it('measures names and values in UTF-8 bytes, with an upper estimate for what CloudFormation resolves', () => {
    expect(environmentSizeProblem({ A: 'x'.repeat(4095) })).toBeUndefined();
    expect(environmentSizeProblem({ A: 'x'.repeat(4095), B: '' })).toMatch(/about 4097 bytes/);
    expect(environmentSizeProblem({ AB: 'é'.repeat(2048) })).toMatch(
      /about 4098 bytes, above Lambda's 4096-byte limit .*largest: AB \(4098 bytes\)/,
    );
    // A generated name counts 128 bytes, an ARN 200, a joined value the sum of its parts.
    const table = { Ref: 'Table' };
    const arn = { 'Fn::GetAtt': ['Table', 'Arn'] };
    const joined = { 'Fn::Join': ['/', [arn, 'index', '*']] };
    expect(environmentSizeProblem({ T: table, A: arn, J: joined, P: 'x'.repeat(3556) })).toBeUndefined();
    expect(environmentSizeProblem({ T: table, A: arn, J: joined, P: 'x'.repeat(3557) })).toMatch(
      /about 4097 bytes/,
    );
  });

  it('fails synthesis, naming the function and its largest variables, when the environment is too big', () => {
    expect(() => synth({ environment: { REPORT_POLICY: JSON.stringify({ a: 'x'.repeat(4200) }) } })).toThrow(
      /T\/Fn: its environment takes about \d+ bytes, above Lambda's 4096-byte limit \(the deployment would fail\); largest: REPORT_POLICY \(\d+ bytes\)/,
    );
    expect(() => synth({ environment: { REPORT_POLICY: 'x'.repeat(3000) } })).not.toThrow();
  });

  it('lets the real app through with the longest excluded lists the policy accepts (ARNs kept as ids)', () => {
    const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const instance = `arn:aws:connect:eu-central-1:111111111111:instance/${uuid(999)}`;
    const policy = defaultPolicy({
      excludedAgents: Array.from({ length: 40 }, (_v, i) => `${instance}/agent/${uuid(i)}`),
      excludedQueues: Array.from({ length: 20 }, (_v, i) => `${instance}/queue/${uuid(100 + i)}`),
    });
    // The policy keeps an ARN's id only: 40 + 20 ids, not 60 ARNs of 129 bytes, travel to the functions.
    expect(policy.excludedAgents[0]).toBe(uuid(0));
    // The environment does not depend on the handlers' code: the app is synthesized without bundling.
    const { app } = buildApp(policy, {
      nag: false,
      appProps: { context: { 'aws:cdk:bundling-stacks': [] } },
    });
    removeAfterFile(app.outdir);
    expect(() => app.synth()).not.toThrow();
  });
});
