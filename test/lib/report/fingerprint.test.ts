import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../../lib/app';
import { compareDeployed } from '../../../lib/cli/report';
import { PREBUILT_BUNDLES_CONTEXT } from '../../../lib/constructs/bundling';
import { defaultPolicy } from '../../../lib/policy/load';
import {
  deployedTemplateFrom,
  templateDifferences,
  templateFingerprint,
  withoutAccount,
} from '../../../lib/report/fingerprint';
import { synthesizedAssembly } from '../../support/assembly';
import { captureConsole } from '../../support/console';
import type { Json } from '../../support/report-fixture';
import { sharedBundles } from '../../support/run-fixtures';

const read = (dir: string) => {
  const text = readFileSync(join(dir, 'Fairlisten.template.json'), 'utf8');
  return { dir, text, template: JSON.parse(text) as Record<string, Json> };
};

/** The real app synthesized for an account (bundled — the run's shared bundles: the asset keys are part of the template). */
function synth(account: string, overrides = {}) {
  const { app } = buildApp(defaultPolicy(overrides), {
    nag: false,
    account,
    appProps: { context: { [PREBUILT_BUNDLES_CONTEXT]: sharedBundles() } },
  });
  const dir = app.synth().directory;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return read(dir);
}

/** The offline synth (placeholder account, default policy) is the run's shared assembly. */
const offline = read(synthesizedAssembly());
const real = synth('210987654321');
const work = mkdtempSync(join(tmpdir(), 'fairlisten-fingerprint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** What `aws cloudformation get-template --stack-name Fairlisten --output json` returns. */
function getTemplateOutput(template: unknown, asString = false): string {
  const file = join(work, `deployed-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      TemplateBody: asString ? JSON.stringify(template) : template,
      StagesAvailable: ['Original'],
    }),
  );
  return file;
}

describe('template fingerprint', () => {
  it('is the same for the offline synth and a synth for the real account, though the files differ', () => {
    expect(offline.text).not.toBe(real.text);
    expect(real.text).toContain('210987654321');
    expect(templateFingerprint(offline.template)).toBe(templateFingerprint(real.template));
    expect(JSON.stringify(withoutAccount(real.template))).not.toContain('210987654321');
  });

  it('changes with anything but the account: a policy value, a statement', () => {
    const lowerRate = synth('111111111111', { samplingRate: 0.1 });
    expect(templateFingerprint(lowerRate.template)).not.toBe(templateFingerprint(offline.template));
    const edited = structuredClone(offline.template);
    const [bucketPolicy] = Object.values(edited.Resources).filter(
      (r: Json) => r.Type === 'AWS::S3::BucketPolicy',
    ) as Json[];
    bucketPolicy.Properties.PolicyDocument.Statement.pop();
    expect(templateFingerprint(edited)).not.toBe(templateFingerprint(offline.template));
  });
});

describe('fairlisten report --deployed', () => {
  it('says MATCH when CloudFormation holds the synthesized template in the real account', () => {
    const out = captureConsole();
    expect(compareDeployed(offline.dir, getTemplateOutput(real.template))).toBe(true);
    expect(compareDeployed(offline.dir, getTemplateOutput(real.template, true))).toBe(true);
    expect(out[0]).toMatch(
      /^MATCH: the deployed template of Fairlisten is the synthesized one \(fingerprint [0-9a-f]{64}\)/,
    );
  });

  it('says DIFFERS and where, when an operator removed a deny from the deployed bucket policy', () => {
    const tampered = structuredClone(real.template);
    const id = Object.keys(tampered.Resources).find(
      (k) => tampered.Resources[k].Metadata?.['fairlisten:role'] === 'bucket:recordings',
    )!;
    const policyId = Object.keys(tampered.Resources).find(
      (k) =>
        tampered.Resources[k].Type === 'AWS::S3::BucketPolicy' &&
        tampered.Resources[k].Properties.Bucket.Ref === id,
    )!;
    const statements = tampered.Resources[policyId].Properties.PolicyDocument.Statement as Json[];
    const denyIndex = statements.findIndex((s) => s.Effect === 'Deny' && s.Sid);
    statements.splice(denyIndex, 1);
    const out = captureConsole();
    expect(compareDeployed(offline.dir, getTemplateOutput(tampered))).toBe(false);
    expect(out[0]).toMatch(/^DIFFERS: the deployed template of Fairlisten is not the one this report checks/);
    expect(out.join('\n')).toContain(`/Resources/${policyId}/Properties/PolicyDocument/Statement/`);
  });

  it('refuses a file that holds no template, and a YAML body, with a message', () => {
    const notJson = join(work, 'not.json');
    writeFileSync(notJson, 'Resources: {}');
    expect(() => deployedTemplateFrom('Resources: {}', notJson)).toThrow(/is not JSON .*get-template/);
    expect(() => deployedTemplateFrom(JSON.stringify({ TemplateBody: 'Resources: {}' }), 'f')).toThrow(
      /not JSON/,
    );
    expect(() => deployedTemplateFrom(JSON.stringify({ Foo: 1 }), 'f')).toThrow(/no CloudFormation template/);
    expect(templateDifferences({ a: 1 }, { a: 1 }).count).toBe(0);
    expect(templateDifferences({ a: [1, 2] }, { a: [1] })).toEqual({
      count: 1,
      differences: ['/a/1: synthesized 2, deployed (absent)'],
    });
  });
});
