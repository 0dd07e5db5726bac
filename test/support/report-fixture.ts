import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { buildApp } from '../../lib/app';
import { PREBUILT_BUNDLES_CONTEXT } from '../../lib/constructs/bundling';
import { defaultPolicy } from '../../lib/policy/load';
import type { RecordingPolicyInput } from '../../lib/policy/schema';
import { loadAssembly } from '../../lib/report/assembly';
import { type CfnTemplate, StackView } from '../../lib/report/template';
import { synthesizedAssembly } from './assembly';
import { sharedBundles } from './run-fixtures';

/**
 * The real app's cloud assembly (bundled, no nag plugins). For the default policy it is synthesized
 * once per test run and shared by every file (test/support/assembly.ts): read it, copy it before
 * changing anything. With overrides it is synthesized in-process and removed after the file.
 */
export function synthAssembly(overrides: Partial<RecordingPolicyInput> = {}): string {
  if (Object.keys(overrides).length === 0) return synthesizedAssembly();
  const { app } = buildApp(defaultPolicy(overrides), {
    nag: false,
    appProps: { context: { [PREBUILT_BUNDLES_CONTEXT]: sharedBundles() } },
  });
  const dir = app.synth().directory;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit raw CloudFormation JSON
export type Json = any;

/** Helpers over a mutable copy of a template. */
export class Mutable {
  constructor(readonly t: Json) {}
  get resources(): Record<string, Json> {
    return this.t.Resources;
  }
  /** Logical id of the only resource with `fairlisten:role` = role. */
  byRole(role: string): string {
    const ids = Object.keys(this.resources).filter(
      (id) => this.resources[id].Metadata?.['fairlisten:role'] === role,
    );
    if (ids.length !== 1) throw new Error(`expected one ${role}, found ${ids.length}`);
    return ids[0]!;
  }
  props(role: string): Json {
    return this.resources[this.byRole(role)].Properties;
  }
  ofType(type: string): string[] {
    return Object.keys(this.resources).filter((id) => this.resources[id].Type === type);
  }
  /** The bucket policy of the recordings bucket. */
  recordingsPolicy(): Json {
    const bucket = this.byRole('bucket:recordings');
    const id = this.ofType('AWS::S3::BucketPolicy').find(
      (p) => this.resources[p].Properties.Bucket.Ref === bucket,
    )!;
    return this.resources[id].Properties.PolicyDocument;
  }
  statement(sid: string): Json {
    return this.recordingsPolicy().Statement.find((s: Json) => s.Sid === sid);
  }
  /** Edits every string part of a flow's Content. */
  editFlow(role: string, edit: (part: string) => string): void {
    const content = this.props(role).Content;
    content['Fn::Join'][1] = content['Fn::Join'][1].map((p: unknown) =>
      typeof p === 'string' ? edit(p) : p,
    );
  }
}

/** A copy of the assembly's stacks after `mutate` edited the (single) template. */
export function mutated(base: readonly StackView[], mutate: (m: Mutable) => void): StackView[] {
  return base.map((s, i) => {
    const t = structuredClone(s.template) as CfnTemplate;
    if (i === 0) mutate(new Mutable(t));
    return new StackView({
      name: s.name,
      account: s.account,
      region: s.region,
      template: t,
      metadata: s.metadata,
    });
  });
}

export { loadAssembly };
