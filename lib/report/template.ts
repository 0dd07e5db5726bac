/**
 * A read-only view of one synthesized stack template, with the two ways the report reads intrinsics:
 *
 * - `resolve` turns a value into the string CloudFormation would produce, as far as the template alone
 *   determines it: `Fn::GetAtt [Bucket, Arn]` becomes `arn:aws:s3:::{{Bucket}}` (a resource's generated
 *   physical name is the placeholder `{{LogicalId}}`, distinct per resource), pseudo parameters take the
 *   stack's account and region, `Fn::Join` and `Fn::Sub` are evaluated. What the template cannot know
 *   (parameters, imports, `Fn::Select` …) becomes the `unknown` string the caller chooses: `*` to
 *   over-approximate (an Allow that might reach), a never-matching marker to under-approximate (a Deny that
 *   might not apply).
 * - `flatten` keeps intrinsics visible as `{{Ref:LogicalId}}` / `{{GetAtt:LogicalId.Attr}}`, for contact flow
 *   content and for evidence.
 */
import { createHash } from 'node:crypto';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
  readonly DependsOn?: unknown;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Metadata?: Record<string, unknown>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Construct-path keyed metadata entries of the cloud assembly (`<stack>.metadata.json`). */
export type AssemblyMetadata = Record<
  string,
  ReadonlyArray<{ readonly type: string; readonly data?: unknown }>
>;

export const ROLE_METADATA_KEY = 'fairlisten:role';
export { POLICY_METADATA_KEY, POLICY_SHA256_METADATA_KEY } from '../policy/metadata';

import { POLICY_METADATA_KEY } from '../policy/metadata';

/** Never equal to any character of a real ARN: an unknown part that must not match anything. */
export const NEVER = '\u0000';

const PSEUDO_PARTITION = 'AWS::Partition';

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `[X, Attr]` or `"X.Attr"` → `[X, Attr]`. */
function getAttArgs(v: unknown): [string, string] | undefined {
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  if (typeof v === 'string' && v.includes('.')) {
    const i = v.indexOf('.');
    return [v.slice(0, i), v.slice(i + 1)];
  }
  return undefined;
}

export interface StackViewProps {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly template: CfnTemplate;
  /** Path of the template in the assembly. @default - '(in memory)' */
  readonly templateFile?: string;
  /** @default - none */
  readonly metadata?: AssemblyMetadata;
  /** @default - sha256 of JSON.stringify(template) */
  readonly templateSha256?: string;
}

export class StackView {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly template: CfnTemplate;
  readonly templateFile: string;
  readonly metadata: AssemblyMetadata;
  readonly templateSha256: string;

  constructor(props: StackViewProps) {
    this.name = props.name;
    this.account = props.account;
    this.region = props.region;
    this.template = props.template;
    this.templateFile = props.templateFile ?? '(in memory)';
    this.metadata = props.metadata ?? {};
    this.templateSha256 =
      props.templateSha256 ?? createHash('sha256').update(JSON.stringify(props.template)).digest('hex');
  }

  get partition(): string {
    return this.region.startsWith('cn-')
      ? 'aws-cn'
      : this.region.startsWith('us-gov-')
        ? 'aws-us-gov'
        : 'aws';
  }

  get resources(): Readonly<Record<string, CfnResource>> {
    return this.template.Resources ?? {};
  }

  resource(logicalId: string): CfnResource | undefined {
    return this.resources[logicalId];
  }

  /** `[logicalId, resource]` of every resource of `type`, in template order. */
  ofType(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  /** Resources whose `Metadata["fairlisten:role"]` is `role`. */
  withRole(role: string): Array<[string, CfnResource]> {
    return Object.entries(this.resources).filter(([, r]) => r.Metadata?.[ROLE_METADATA_KEY] === role);
  }

  roleOf(logicalId: string): string | undefined {
    const role = this.resource(logicalId)?.Metadata?.[ROLE_METADATA_KEY];
    return typeof role === 'string' ? role : undefined;
  }

  /** The effective policy the app wrote into the template metadata (for cross-checks only). */
  get policy(): Record<string, unknown> | undefined {
    const p = this.template.Metadata?.[POLICY_METADATA_KEY];
    if (isRecord(p)) return p;
    if (typeof p !== 'string') return undefined;
    try {
      const parsed: unknown = JSON.parse(p);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /** The logical id a `Ref` / `Fn::GetAtt` points at (resources only), else undefined. */
  refTarget(value: unknown): string | undefined {
    if (!isRecord(value)) return undefined;
    const keys = Object.keys(value);
    if (keys.length !== 1) return undefined;
    let id: string | undefined;
    if (typeof value.Ref === 'string') id = value.Ref;
    else if ('Fn::GetAtt' in value) id = getAttArgs(value['Fn::GetAtt'])?.[0];
    return id !== undefined && id in this.resources ? id : undefined;
  }

  /** Value with intrinsics kept visible as `{{Ref:X}}` / `{{GetAtt:X.Attr}}` / `{{Fn::Name}}`. */
  flatten(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (isRecord(value) && Object.keys(value).length === 1) {
      if (typeof value.Ref === 'string') return `{{Ref:${value.Ref}}}`;
      const att = getAttArgs(value['Fn::GetAtt']);
      if (att) return `{{GetAtt:${att[0]}.${att[1]}}}`;
      const join = value['Fn::Join'];
      if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
        return join[1].map((p) => this.flatten(p)).join(join[0]);
      }
      return `{{${Object.keys(value)[0]}}}`;
    }
    return JSON.stringify(value);
  }

  /**
   * The string CloudFormation would produce, with resource physical names as `{{LogicalId}}` and what the
   * template cannot determine replaced by `unknown`.
   */
  resolve(value: unknown, unknown = '*', depth = 0): string {
    if (depth > 20) return unknown;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!isRecord(value) || Object.keys(value).length !== 1) return unknown;
    const next = (v: unknown) => this.resolve(v, unknown, depth + 1);
    if (typeof value.Ref === 'string') return this.refValue(value.Ref, unknown, depth);
    if ('Fn::GetAtt' in value) {
      const att = getAttArgs(value['Fn::GetAtt']);
      return att ? this.attValue(att[0], att[1], unknown, depth) : unknown;
    }
    if ('Fn::Join' in value) {
      const j = value['Fn::Join'];
      if (Array.isArray(j) && typeof j[0] === 'string' && Array.isArray(j[1]))
        return j[1].map(next).join(j[0]);
      return unknown;
    }
    if ('Fn::Sub' in value) {
      const s = value['Fn::Sub'];
      const [text, vars] = typeof s === 'string' ? [s, {}] : Array.isArray(s) ? [s[0], s[1] ?? {}] : [];
      if (typeof text !== 'string' || !isRecord(vars)) return unknown;
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
        if (name in vars) return next(vars[name]);
        return name.includes('.') ? next({ 'Fn::GetAtt': name }) : this.refValue(name, unknown, depth + 1);
      });
    }
    return unknown;
  }

  private refValue(name: string, unknown: string, depth: number): string {
    switch (name) {
      case PSEUDO_PARTITION:
        return this.partition;
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::URLSuffix':
        return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackName':
        return this.name;
    }
    const r = this.resource(name);
    if (!r) return unknown;
    const p = r.Properties ?? {};
    const named = (prop: string) =>
      p[prop] !== undefined ? this.resolve(p[prop], unknown, depth + 1) : `{{${name}}}`;
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        return named('BucketName');
      case 'AWS::IAM::Role':
        return named('RoleName');
      case 'AWS::IAM::User':
        return named('UserName');
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return named('TableName');
      case 'AWS::Lambda::Function':
        return named('FunctionName');
      case 'AWS::KMS::Key':
        return `{{${name}}}`;
      case 'AWS::IAM::ManagedPolicy':
        return this.attValue(name, 'PolicyArn', unknown, depth);
      default:
        return `{{Ref:${name}}}`;
    }
  }

  private attValue(id: string, attr: string, unknown: string, depth: number): string {
    const r = this.resource(id);
    if (!r) return unknown;
    const p = r.Properties ?? {};
    const part = this.partition;
    const name = () => this.refValue(id, unknown, depth + 1);
    const path = () => (typeof p.Path === 'string' ? p.Path : '/');
    if (attr === 'Arn' || (r.Type === 'AWS::IAM::ManagedPolicy' && attr === 'PolicyArn')) {
      switch (r.Type) {
        case 'AWS::S3::Bucket':
          return `arn:${part}:s3:::${name()}`;
        case 'AWS::IAM::Role':
          return `arn:${part}:iam::${this.account}:role${path()}${name()}`;
        case 'AWS::IAM::User':
          return `arn:${part}:iam::${this.account}:user${path()}${name()}`;
        case 'AWS::IAM::ManagedPolicy': {
          const pn =
            p.ManagedPolicyName !== undefined ? this.resolve(p.ManagedPolicyName, unknown) : `{{${id}}}`;
          return `arn:${part}:iam::${this.account}:policy${path()}${pn}`;
        }
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          return `arn:${part}:dynamodb:${this.region}:${this.account}:table/${name()}`;
        case 'AWS::Lambda::Function':
          return `arn:${part}:lambda:${this.region}:${this.account}:function:${name()}`;
        case 'AWS::KMS::Key':
          return `arn:${part}:kms:${this.region}:${this.account}:key/{{${id}}}`;
      }
    }
    return `{{GetAtt:${id}.${attr}}}`;
  }
}

/** Reads `path` (dot/bracket separated, e.g. `Properties.Rules[0].Id`) from a resource. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '')) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isRecord(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

/** `x` as an array (CloudFormation allows a single value where a list is expected). */
export const asArray = (x: unknown): unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
