import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ACCEPTED_WARNINGS,
  INSTALL_HINT,
  type LintFinding,
  runCfnLint,
  unacceptedFindings,
} from '../../../lib/deploy/cfn-lint';
import { synthStack } from '../../support/synth';

const dir = mkdtempSync(join(tmpdir(), 'fairlisten-cfn-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTemplate(name: string, template: unknown): string {
  const file = join(dir, `${name}.template.json`);
  writeFileSync(file, JSON.stringify(template, null, 1));
  return file;
}

const template = synthStack().template.toJSON();
const file = writeTemplate('Fairlisten', template);
// With the options too: a claimed phone number and its custom resource routing it to the flow, and
// Contact Lens on (the instance attribute and the whisper flow's analytics for drawn contacts).
const routed = synthStack(
  { connect: { contactLens: true } },
  { build: { phoneNumber: { countryCode: 'FR', type: 'DID', prefix: '+331' } } },
);
const routedFile = writeTemplate('Routed', routed.template.toJSON());
// A copy with what the linter must catch: a float in Metadata (E4002) and an unknown property.
type Tpl = {
  Metadata: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};
const broken = structuredClone(template) as Tpl;
broken.Metadata = { ...broken.Metadata, 'fairlisten:policy': { samplingRate: 0.2 } };
const [bucketId] = Object.entries(broken.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket')!;
broken.Resources[bucketId]!.Properties.NotAProperty = true;
const brokenFile = writeTemplate('Broken', broken);
// One lint run of the three, shared by the assertions below (cfn-lint takes seconds, more under load);
// each finding names its file.
const all: LintFinding[] = runCfnLint([file, routedFile, brokenFile], ['eu-central-1']);
const findings = all.filter((f) => f.file !== brokenFile);
const brokenFindings = all.filter((f) => f.file === brokenFile);

describe('cfn-lint on the synthesized template (eu-central-1)', () => {
  it('reports no error and no warning without a listed reason (both templates)', () => {
    expect(unacceptedFindings(findings)).toEqual([]);
  });

  it('linted the options too (phone number, its flow association, Contact Lens)', () => {
    const types = Object.values(routed.template.toJSON().Resources).map((r) => (r as { Type: string }).Type);
    expect(types).toEqual(
      expect.arrayContaining(['AWS::Connect::PhoneNumber', 'Custom::AWS', 'AWS::Connect::RoutingProfile']),
    );
    routed.template.hasResourceProperties('AWS::Connect::Instance', {
      Attributes: Match.objectLike({ ContactLens: true }),
    });
    expect(JSON.stringify(routed.template.findResources('AWS::Connect::ContactFlow'))).toContain(
      'UpdateContactRecordingAndAnalyticsBehavior',
    );
  });

  it('lists every accepted warning with a reason, and each still occurs (no stale acceptance)', () => {
    for (const accepted of ACCEPTED_WARNINGS) {
      expect(accepted.reason.length).toBeGreaterThan(40);
      expect(findings.some((f) => f.rule === accepted.rule && accepted.path.test(f.path))).toBe(true);
    }
  });

  it('fails on what it must catch: a float in Metadata (E4002) and an unknown property', () => {
    const bad = unacceptedFindings(brokenFindings);
    expect(bad.map((f) => f.rule)).toEqual(expect.arrayContaining(['E4002', 'E3002']));
    expect(bad.find((f) => f.rule === 'E4002')!.path).toBe('Metadata/fairlisten:policy/samplingRate');
  });

  it('does not accept a redundant DependsOn other than a function on its own role', () => {
    const finding: LintFinding = {
      rule: 'W3005',
      level: 'Warning',
      message: "'SomeTable' dependency already enforced by a 'Ref' at 'Resources/Fn/Properties/Environment'",
      path: 'Resources/Fn/DependsOn/0',
      file: 'Fairlisten.template.json',
    };
    expect(unacceptedFindings([finding])).toEqual([finding]);
  });

  it('fails with the install command when cfn-lint is missing, instead of skipping', () => {
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      expect(() => runCfnLint([file], ['eu-central-1'])).toThrow(INSTALL_HINT);
    } finally {
      process.env.PATH = path;
    }
    expect(INSTALL_HINT).toMatch(/pip install cfn-lint/);
  });
});
