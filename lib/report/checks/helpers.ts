import { SAMPLER_ENV } from '../../../lambda/sampler/config';
import { HARD_LIMITS } from '../../policy/schema';
import { type Access, type PolicySource, principalLabel, whoCan } from '../iam';
import { asArray, type CfnResource, isRecord, type StackView } from '../template';
import type { Check, Evidence } from '../types';

/** The names a check factory's props give the check it builds (id, title, concern), to spread first into it. */
export const checkNames = ({ id, title, concern }: Pick<Check, 'id' | 'title' | 'concern'>) => ({
  id,
  title,
  concern,
});

export const ev = (
  stack: StackView,
  logicalId: string,
  property: string,
  value: unknown,
  note?: string,
): Evidence => ({
  stack: stack.name,
  logicalId,
  property,
  value,
  ...(note !== undefined ? { note } : {}),
});

/** Problems and evidence collected by a check. */
export class Findings {
  readonly problems: string[] = [];
  readonly evidence: Evidence[] = [];
  problem(message: string): this {
    this.problems.push(message);
    return this;
  }
  add(e: Evidence): this {
    this.evidence.push(e);
    return this;
  }
}

export interface RecordingBucket {
  readonly logicalId: string;
  readonly resource: CfnResource;
  /** Why it counts: its role metadata, or the storage configs that write into it. */
  readonly why: string;
}

/**
 * Every bucket that receives recordings: the one marked `bucket:recordings` and any bucket an
 * `AWS::Connect::InstanceStorageConfig` writes to (call recordings, Contact Lens, transcripts …).
 * Storage configs naming a bucket outside the template are returned in `external`.
 */
export function recordingBuckets(stack: StackView): { buckets: RecordingBucket[]; external: Evidence[] } {
  const buckets = new Map<string, RecordingBucket>();
  for (const [id, r] of stack.withRole('bucket:recordings'))
    buckets.set(id, { logicalId: id, resource: r, why: 'bucket:recordings' });
  const external: Evidence[] = [];
  for (const [id, r] of stack.ofType('AWS::Connect::InstanceStorageConfig')) {
    if (r.Properties?.StorageType !== 'S3') continue;
    const name = (r.Properties?.S3Config as Record<string, unknown> | undefined)?.BucketName;
    const target = stack.refTarget(name);
    const bucket = target ? stack.resource(target) : undefined;
    if (target && bucket?.Type === 'AWS::S3::Bucket') {
      const prev = buckets.get(target);
      const why = `${prev ? `${prev.why}, ` : ''}${id} (${String(r.Properties?.ResourceType)})`;
      buckets.set(target, { logicalId: target, resource: bucket, why });
    } else {
      external.push(
        ev(stack, id, 'Properties.S3Config.BucketName', name, 'bucket not defined in this template'),
      );
    }
  }
  return { buckets: [...buckets.values()], external };
}

/** The bucket policy attached to `bucketId` (`Bucket: {Ref: bucketId}`). */
export function bucketPolicies(stack: StackView, bucketId: string): Array<[string, CfnResource]> {
  return stack
    .ofType('AWS::S3::BucketPolicy')
    .filter(([, r]) => stack.refTarget(r.Properties?.Bucket) === bucketId);
}

export function bucketPolicySources(stack: StackView, bucketId: string): PolicySource[] {
  return bucketPolicies(stack, bucketId).map(([id, r]) => ({
    logicalId: id,
    property: 'Properties.PolicyDocument',
    document: r.Properties?.PolicyDocument,
  }));
}

/** Statements of a policy document with their index. */
export function statements(doc: unknown): Array<{ index: number; statement: Record<string, unknown> }> {
  const raw = isRecord(doc) ? doc.Statement : undefined;
  return asArray(raw)
    .map((s, index) => ({ index, statement: s }))
    .filter((x): x is { index: number; statement: Record<string, unknown> } => isRecord(x.statement));
}

/** The policy the app wrote into the stack metadata (cross-check only). */
export const policyNumber = (stack: StackView, field: string): number | undefined => {
  const v = stack.policy?.[field];
  return typeof v === 'number' ? v : undefined;
};

/** Functions carrying the sampler policy in `FAIRLISTEN_POLICY`, with the parsed value. */
export interface PolicyEnvironment {
  readonly logicalId: string;
  readonly raw: unknown;
  readonly parsed?: Record<string, unknown>;
  readonly error?: string;
}

export function policyEnvironments(stack: StackView): PolicyEnvironment[] {
  return stack
    .ofType('AWS::Lambda::Function')
    .filter(
      ([, r]) =>
        isRecord(r.Properties?.Environment) &&
        isRecord((r.Properties.Environment as Record<string, unknown>).Variables),
    )
    .flatMap(([id, r]): PolicyEnvironment[] => {
      const vars = (r.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      if (!(SAMPLER_ENV.policy in vars)) return [];
      const raw = vars[SAMPLER_ENV.policy];
      if (typeof raw !== 'string') return [{ logicalId: id, raw, error: 'not a literal string' }];
      try {
        const parsed = JSON.parse(raw) as unknown;
        return isRecord(parsed)
          ? [{ logicalId: id, raw, parsed }]
          : [{ logicalId: id, raw, error: 'not a JSON object' }];
      } catch (err) {
        return [{ logicalId: id, raw, error: `not JSON: ${(err as Error).message}` }];
      }
    });
}

export const ENV_PROPERTY = `Properties.Environment.Variables.${SAMPLER_ENV.policy}`;

/** Every function that must carry FAIRLISTEN_POLICY: the sampler (by role) and any other that has it. */
export function samplerEnvironments(stack: StackView, f: Findings) {
  const envs = policyEnvironments(stack);
  for (const [id] of stack.withRole('function:sampler')) {
    if (!envs.some((e) => e.logicalId === id)) {
      f.problem(`the sampler function ${id} has no FAIRLISTEN_POLICY environment variable`);
    }
  }
  for (const e of envs) {
    if (e.error)
      f.problem(`${e.logicalId} FAIRLISTEN_POLICY is ${e.error}`).add(
        ev(stack, e.logicalId, ENV_PROPERTY, e.raw),
      );
  }
  return envs.filter((e) => e.parsed !== undefined) as Array<{
    logicalId: string;
    raw: unknown;
    parsed: Record<string, unknown>;
  }>;
}

export { HARD_LIMITS, whoCan };

/** `Properties.Environment.Variables` of a Lambda function, or undefined. */
export function envVariables(r: CfnResource | undefined): Record<string, unknown> | undefined {
  const env = r?.Properties?.Environment;
  return isRecord(env) && isRecord(env.Variables) ? env.Variables : undefined;
}

export const envProperty = (name: string) => `Properties.Environment.Variables.${name}`;

/**
 * Every function marked `role` (e.g. `function:playback`) with one of its environment variables. A missing
 * function or variable is a problem; `parse: 'json'` also requires a JSON object.
 */
export function functionsWithEnv(
  ctx: { readonly stacks: readonly StackView[] },
  role: string,
  name: string,
  f: Findings,
): Array<{ stack: StackView; logicalId: string; value: unknown }> {
  const out: Array<{ stack: StackView; logicalId: string; value: unknown }> = [];
  for (const stack of ctx.stacks) {
    for (const [id, r] of stack.withRole(role)) {
      const vars = envVariables(r);
      if (!vars || !(name in vars)) {
        f.problem(`${id} (${role}) has no environment variable ${name}`);
        f.add(ev(stack, id, 'Properties.Environment.Variables', vars ?? null, `${role}: no ${name}`));
        continue;
      }
      out.push({ stack, logicalId: id, value: vars[name] });
    }
  }
  if (!ctx.stacks.some((s) => s.withRole(role).length > 0))
    f.problem(`no function marked ${role} in any stack`);
  return out;
}

/** A JSON object from an environment variable value, or a problem. */
export function parseJsonObject(value: unknown): { parsed?: Record<string, unknown>; error?: string } {
  if (typeof value !== 'string') return { error: 'not a literal string' };
  try {
    const parsed = JSON.parse(value) as unknown;
    return isRecord(parsed) ? { parsed } : { error: 'not a JSON object' };
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
}

/** Resources of `type` that belong to `targetId` through `Properties[prop]` (`Ref`/`GetAtt`). */
export function pointingAt(
  stack: StackView,
  type: string,
  prop: string,
  targetId: string,
): Array<[string, CfnResource]> {
  return stack.ofType(type).filter(([, r]) => stack.refTarget(r.Properties?.[prop]) === targetId);
}

/** Evidence of what a principal may do, one row per grant (those `only` keeps, all by default). */
export function accessEvidence(
  stack: StackView,
  access: Access,
  only: (grant: Access['grants'][number]) => boolean = () => true,
): Evidence[] {
  const label = principalLabel(access.principal);
  return access.grants
    .filter(only)
    .map((g) =>
      ev(
        stack,
        g.logicalId,
        g.property,
        g.statement,
        `${label} may ${g.action}${g.conditional ? ' (conditional)' : ''}`,
      ),
    );
}
