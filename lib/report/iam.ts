/**
 * A small IAM evaluator over one synthesized template: which principals may perform some actions on some
 * resources, from the identity policies the template attaches to its roles and users and from resource
 * policies (bucket policies) it passes in.
 *
 * It is deliberately one-sided, so that "nobody else" can be trusted:
 * - an Allow counts when it *might* apply: unresolvable parts of its resources are wildcards, conditions are
 *   assumed satisfiable (the grant is then marked conditional);
 * - a Deny counts only when it *certainly* applies: its resources must cover the whole target, and its
 *   conditions must be ones the evaluator decides (`aws:PrincipalArn` with the Arn/String operators).
 * Principals outside the template (administrators, SSO roles, ARNs named in a bucket policy) are modelled as
 * able to do anything their identity policies might allow, so only a Deny that covers them keeps them out.
 * A bucket-policy exception for the service-linked roles of one service (`ArnNotLike` on
 * `aws:PrincipalArn` with `…:role/aws-service-role/<service>/<name>*`, Amazon Connect's) is a principal of
 * its own, not "anyone": only that service can create roles on that path.
 */
import { globCovers, globIntersects, globMatch } from './glob';
import { asArray, isRecord, NEVER, type StackView } from './template';

export type PrincipalKind = 'role' | 'user' | 'external' | 'service' | 'service-linked-role' | 'any';

export interface Principal {
  /** Stable key: logical id, ARN, `service:<name>` or `*`. */
  readonly key: string;
  readonly kind: PrincipalKind;
  readonly logicalId?: string;
  /**
   * `fairlisten:role` of the IAM resource, when it has one; for the service-linked roles of a
   * service in the template's own account, `service-linked-role:<service>` (e.g. Amazon Connect's).
   */
  readonly role?: string;
  /** Resolved ARN (`arn:aws:iam::111111111111:role/{{LogicalId}}` for a generated name). */
  readonly arn: string;
  /** Where it is not in the template its identity policies are unknown: assume they allow everything. */
  readonly unknownIdentity: boolean;
}

export interface PolicySource {
  /** Resource holding the document (AWS::IAM::Policy, the role itself, the bucket policy …). */
  readonly logicalId: string;
  /** Path of the document inside that resource, e.g. `Properties.PolicyDocument`. */
  readonly property: string;
  readonly document: unknown;
}

export interface Grant {
  readonly action: string;
  readonly logicalId: string;
  /** Path of the statement, e.g. `Properties.PolicyDocument.Statement[3]`. */
  readonly property: string;
  readonly statement: unknown;
  /** The Allow has conditions the evaluator assumed satisfiable. */
  readonly conditional: boolean;
}

export interface Access {
  readonly principal: Principal;
  /** The queried actions this principal may perform on some of the target. */
  readonly actions: readonly string[];
  readonly grants: readonly Grant[];
}

export interface AccessQuery {
  /** Concrete actions, e.g. `s3:GetObject`. */
  readonly actions: readonly string[];
  /** Glob patterns of the target ARNs, e.g. `arn:aws:s3:::{{Bucket}}/*`. */
  readonly resources: readonly string[];
  /** Resource-based policies governing the target (bucket policy). @default - none */
  readonly resourcePolicies?: readonly PolicySource[];
}

interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: unknown;
}

/** AWS managed policies known not to reach S3 objects or DynamoDB data. Any other managed ARN counts as `*`. */
export const HARMLESS_MANAGED_POLICIES: readonly string[] = [
  'service-role/AWSLambdaBasicExecutionRole',
  'service-role/AWSLambdaVPCAccessExecutionRole',
  'AWSXRayDaemonWriteAccess',
  'AWSXrayWriteOnlyAccess',
];

const ANY_PRINCIPAL_ARN = 'arn:aws:iam::(any-account):(any principal outside this template)';

/** What a service-linked-role ARN pattern names: the account and the one service it belongs to. */
export interface ServiceLinkedRolePattern {
  readonly account: string;
  readonly service: string;
}

const SLR_PATTERN =
  /^arn:aws(?:-cn|-us-gov)?:iam::([^:*?/]+):role\/aws-service-role\/([a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?)\/[A-Za-z0-9_+=,.@*?-]+$/;

/**
 * Whether an `aws:PrincipalArn` pattern names only service-linked roles of one named service in one
 * named account: `arn:<partition>:iam::<account>:role/aws-service-role/<service>/<name pattern>`,
 * wildcards only in the role name. IAM reserves the `/aws-service-role/` path: only the service
 * itself creates roles there (CreateRole refuses that path), so such a pattern cannot be met by an
 * administrator's role, unlike `role/*` or a wildcard account or service.
 */
export function serviceLinkedRolePattern(arn: string): ServiceLinkedRolePattern | undefined {
  const m = SLR_PATTERN.exec(arn);
  return m ? { account: m[1]!, service: m[2]! } : undefined;
}

const isWildcard = (v: string) => /[*?]/.test(v);

function statementsOf(source: PolicySource): Array<{ statement: Statement; property: string }> {
  const doc = source.document;
  if (!isRecord(doc)) return [];
  const raw = doc.Statement;
  const list = asArray(raw);
  return list.filter(isRecord).map((statement, i) => ({
    statement: statement as Statement,
    property: `${source.property}.Statement${Array.isArray(raw) ? `[${i}]` : ''}`,
  }));
}

const strings = (stack: StackView, v: unknown, unknown: string): string[] =>
  asArray(v).map((x) => stack.resolve(x, unknown));

function actionApplies(st: Statement, action: string): boolean {
  if (st.Action !== undefined)
    return asArray(st.Action).some((p) => typeof p === 'string' && globMatch(p, action, true));
  if (st.NotAction !== undefined)
    return !asArray(st.NotAction).some((p) => typeof p === 'string' && globMatch(p, action, true));
  return false;
}

/**
 * Whether a statement's resources apply to the targets, in one of two approximations: `may` (some
 * target might be reached; unresolved values count as everything: for Allow) or `must` (every
 * target is surely covered; unresolved values count as nothing: for Deny). A resource policy
 * statement without Resource applies to the resource it is attached to (`implicit`).
 */
function resourceApplies(
  stack: StackView,
  st: Statement,
  targets: readonly string[],
  implicit: boolean,
  approximation: 'may' | 'must',
): boolean {
  const may = approximation === 'may';
  if (st.Resource !== undefined) {
    const ps = strings(stack, st.Resource, may ? '*' : NEVER);
    return may
      ? targets.some((t) => ps.some((p) => globIntersects(p, t)))
      : targets.every((t) => ps.some((p) => globCovers(p, t)));
  }
  if (st.NotResource !== undefined) {
    const ps = strings(stack, st.NotResource, may ? NEVER : '*');
    return may
      ? targets.some((t) => !ps.some((p) => globCovers(p, t)))
      : targets.every((t) => !ps.some((p) => globIntersects(p, t)));
  }
  return implicit;
}

interface PrincipalSpec {
  readonly any: boolean;
  readonly aws: string[];
  readonly services: string[];
}

function principalSpec(stack: StackView, v: unknown, unknown: string): PrincipalSpec {
  if (v === '*') return { any: true, aws: [], services: [] };
  if (!isRecord(v)) return { any: false, aws: [], services: [] };
  const aws = strings(stack, v.AWS, unknown);
  return {
    any: aws.includes('*'),
    aws: aws.filter((a) => a !== '*'),
    services: strings(stack, v.Service, unknown),
  };
}

const isAccountRoot = (arn: string) => /^(arn:[^:]+:iam::[^:]+:root|\d{12})$/.test(arn);

/** A resource-policy statement names `p` (may: might; must: certainly). */
function principalApplies(stack: StackView, st: Statement, p: Principal, mode: 'may' | 'must'): boolean {
  const unknown = mode === 'may' ? '*' : NEVER;
  const names = (spec: PrincipalSpec) => {
    if (spec.any) return true;
    if (p.kind === 'service') return spec.services.some((s) => globMatch(s, p.key.slice('service:'.length)));
    if (p.kind === 'any') return mode === 'may' && spec.aws.some((a) => a.includes('*'));
    // Account root in an Allow delegates to IAM (identity policies decide); in a Deny it covers the account.
    return spec.aws.some((a) => (isAccountRoot(a) ? mode === 'must' : globMatch(a, p.arn)));
  };
  if (st.Principal !== undefined) return names(principalSpec(stack, st.Principal, unknown));
  if (st.NotPrincipal !== undefined) {
    return !names(principalSpec(stack, st.NotPrincipal, mode === 'may' ? NEVER : '*'));
  }
  return false;
}

const PRINCIPAL_ARN_KEY = 'aws:principalarn';
const DECIDABLE = new Set([
  'arnequals',
  'arnlike',
  'arnnotequals',
  'arnnotlike',
  'stringequals',
  'stringlike',
  'stringnotequals',
  'stringnotlike',
]);

/** The statement's conditions certainly hold for `p` (only `aws:PrincipalArn` conditions are decided). */
function conditionsMustHold(stack: StackView, st: Statement, p: Principal): boolean {
  if (st.Condition === undefined) return true;
  if (!isRecord(st.Condition)) return false;
  for (const [rawOp, block] of Object.entries(st.Condition)) {
    const op = rawOp.toLowerCase().replace(/ifexists$/, '');
    if (!DECIDABLE.has(op) || !isRecord(block)) return false;
    for (const [key, values] of Object.entries(block)) {
      if (key.toLowerCase() !== PRINCIPAL_ARN_KEY) return false;
      const negated = op.includes('not');
      const wild = op.startsWith('arn') || op.endsWith('like');
      // An exception list must be read generously (unknown = anyone), a positive list strictly.
      const patterns = strings(stack, values, negated ? '*' : NEVER);
      if (p.kind === 'service') {
        // Service principals have no aws:PrincipalArn: negated operators hold, positive ones do not.
        if (!negated) return false;
        continue;
      }
      let matches: boolean;
      if (p.kind === 'any') {
        // "Anyone else" is matched by every wildcard pattern (some outside principal fits it) but no exact
        // ARN and no service-linked-role pattern of a named service and account (those are modelled as
        // principals of their own: nobody else can hold such a role).
        matches = wild && patterns.some((v) => isWildcard(v) && !serviceLinkedRolePattern(v));
      } else if (p.kind === 'service-linked-role') {
        // A set of roles: an exception list spares the set if it spares any of them (negated: some
        // member matches), a positive condition holds only if every member matches.
        matches = negated
          ? patterns.some((v) => (wild ? globIntersects(v, p.arn) : globMatch(p.arn, v)))
          : wild && patterns.some((v) => globCovers(v, p.arn));
      } else {
        matches = patterns.some((v) => (wild ? globMatch(v, p.arn) : v === p.arn));
      }
      if (negated === matches) return false;
    }
  }
  return true;
}

/** Identity policy documents attached to each role and user of the template. */
export function identityPolicies(stack: StackView): Map<string, PolicySource[]> {
  const out = new Map<string, PolicySource[]>();
  const add = (id: string, s: PolicySource) => {
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push(s);
  };
  for (const [id, r] of Object.entries(stack.resources)) {
    if (r.Type !== 'AWS::IAM::Role' && r.Type !== 'AWS::IAM::User') continue;
    out.set(id, out.get(id) ?? []);
    asArray(r.Properties?.Policies).forEach((pol, i) => {
      if (isRecord(pol))
        add(id, {
          logicalId: id,
          property: `Properties.Policies[${i}].PolicyDocument`,
          document: pol.PolicyDocument,
        });
    });
    asArray(r.Properties?.ManagedPolicyArns).forEach((arn, i) => {
      const target = stack.refTarget(arn);
      if (target && stack.resource(target)?.Type === 'AWS::IAM::ManagedPolicy') return; // attached below
      const text = stack.resolve(arn, '*');
      const harmless = HARMLESS_MANAGED_POLICIES.some((h) => text.endsWith(`:policy/${h}`));
      if (!harmless) {
        add(id, {
          logicalId: id,
          property: `Properties.ManagedPolicyArns[${i}]`,
          // Contents are not in the template: counted as allowing everything.
          document: {
            Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Sid: `(managed policy ${text})` }],
          },
        });
      }
    });
  }
  for (const [id, r] of Object.entries(stack.resources)) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const attached = [...asArray(r.Properties?.Roles), ...asArray(r.Properties?.Users)];
    for (const ref of attached) {
      const target = stack.refTarget(ref) ?? findByName(stack, stack.resolve(ref, NEVER));
      if (target && out.has(target))
        add(target, {
          logicalId: id,
          property: 'Properties.PolicyDocument',
          document: r.Properties?.PolicyDocument,
        });
    }
    if (r.Type === 'AWS::IAM::ManagedPolicy') {
      for (const [rid, role] of Object.entries(stack.resources)) {
        if (
          asArray(role.Properties?.ManagedPolicyArns).some((a) => stack.refTarget(a) === id) &&
          out.has(rid)
        ) {
          add(rid, {
            logicalId: id,
            property: 'Properties.PolicyDocument',
            document: r.Properties?.PolicyDocument,
          });
        }
      }
    }
  }
  return out;
}

function findByName(stack: StackView, name: string): string | undefined {
  return Object.entries(stack.resources).find(
    ([, r]) =>
      (r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === name) ||
      (r.Type === 'AWS::IAM::User' && r.Properties?.UserName === name),
  )?.[0];
}

/** Roles and users of the template, principals named by the resource policies, and "anyone else". */
export function principalsOf(stack: StackView, resourcePolicies: readonly PolicySource[] = []): Principal[] {
  const principals: Principal[] = [];
  const byArn = new Map<string, Principal>();
  for (const [id, r] of Object.entries(stack.resources)) {
    if (r.Type !== 'AWS::IAM::Role' && r.Type !== 'AWS::IAM::User') continue;
    const p: Principal = {
      key: id,
      kind: r.Type === 'AWS::IAM::Role' ? 'role' : 'user',
      logicalId: id,
      ...(stack.roleOf(id) !== undefined ? { role: stack.roleOf(id) } : {}),
      arn: stack.resolve({ 'Fn::GetAtt': [id, 'Arn'] }, NEVER),
      unknownIdentity: false,
    };
    principals.push(p);
    byArn.set(p.arn, p);
  }
  const seen = new Set<string>();
  for (const source of resourcePolicies) {
    for (const { statement } of statementsOf(source)) {
      const spec = principalSpec(stack, statement.Principal, NEVER);
      const arns = [...spec.aws];
      if (isRecord(statement.Condition)) {
        for (const block of Object.values(statement.Condition)) {
          if (!isRecord(block)) continue;
          for (const [key, values] of Object.entries(block)) {
            if (key.toLowerCase() === PRINCIPAL_ARN_KEY) arns.push(...strings(stack, values, NEVER));
          }
        }
      }
      for (const arn of arns) {
        if (byArn.has(arn) || seen.has(arn) || isAccountRoot(arn) || arn.includes(NEVER)) continue;
        const slr = isWildcard(arn) ? serviceLinkedRolePattern(arn) : undefined;
        if (slr) {
          // The service-linked roles the pattern names: a principal of their own, whose identity
          // policies (AWS managed) are not in the template.
          seen.add(arn);
          principals.push({
            key: arn,
            kind: 'service-linked-role',
            arn,
            unknownIdentity: true,
            ...(slr.account === stack.account ? { role: `service-linked-role:${slr.service}` } : {}),
          });
          continue;
        }
        if (isWildcard(arn)) continue;
        seen.add(arn);
        principals.push({ key: arn, kind: 'external', arn, unknownIdentity: true });
      }
      if (statement.Effect === 'Allow') {
        for (const s of spec.services) {
          if (seen.has(`service:${s}`)) continue;
          seen.add(`service:${s}`);
          principals.push({ key: `service:${s}`, kind: 'service', arn: s, unknownIdentity: false });
        }
      }
    }
  }
  principals.push({ key: '*', kind: 'any', arn: ANY_PRINCIPAL_ARN, unknownIdentity: true });
  return principals;
}

/** Every principal that may perform at least one of `query.actions` on some of `query.resources`. */
export function whoCan(stack: StackView, query: AccessQuery): Access[] {
  const resourcePolicies = query.resourcePolicies ?? [];
  const identity = identityPolicies(stack);
  const resourceStatements = resourcePolicies.flatMap((s) =>
    statementsOf(s).map((x) => ({ ...x, source: s })),
  );
  const result: Access[] = [];
  for (const p of principalsOf(stack, resourcePolicies)) {
    const idStatements = (p.logicalId ? (identity.get(p.logicalId) ?? []) : []).flatMap((s) =>
      statementsOf(s).map((x) => ({ ...x, source: s })),
    );
    const actions: string[] = [];
    const grants: Grant[] = [];
    for (const action of query.actions) {
      const allows: Grant[] = [];
      const grant = (x: { statement: Statement; property: string; source: PolicySource }) => ({
        action,
        logicalId: x.source.logicalId,
        property: x.property,
        statement: x.statement,
        conditional: x.statement.Condition !== undefined,
      });
      for (const x of idStatements) {
        if (
          x.statement.Effect === 'Allow' &&
          actionApplies(x.statement, action) &&
          resourceApplies(stack, x.statement, query.resources, false, 'may')
        ) {
          allows.push(grant(x));
        }
      }
      for (const x of resourceStatements) {
        if (
          x.statement.Effect === 'Allow' &&
          principalApplies(stack, x.statement, p, 'may') &&
          actionApplies(x.statement, action) &&
          resourceApplies(stack, x.statement, query.resources, true, 'may')
        ) {
          allows.push(grant(x));
        }
      }
      if (p.unknownIdentity) {
        allows.push({
          action,
          logicalId: '(outside the template)',
          property: 'identity policies',
          statement: 'unknown: assumed to allow',
          conditional: true,
        });
      }
      if (allows.length === 0) continue;
      const denied =
        idStatements.some(
          (x) =>
            x.statement.Effect === 'Deny' &&
            x.statement.Condition === undefined &&
            actionApplies(x.statement, action) &&
            resourceApplies(stack, x.statement, query.resources, false, 'must'),
        ) ||
        resourceStatements.some(
          (x) =>
            x.statement.Effect === 'Deny' &&
            principalApplies(stack, x.statement, p, 'must') &&
            actionApplies(x.statement, action) &&
            resourceApplies(stack, x.statement, query.resources, true, 'must') &&
            conditionsMustHold(stack, x.statement, p),
        );
      if (denied) continue;
      actions.push(action);
      grants.push(...allows);
    }
    if (actions.length > 0) result.push({ principal: p, actions, grants });
  }
  return result;
}

/** Human name of a principal for the report: its role metadata, else what it is. */
export function principalLabel(p: Principal): string {
  if (p.role) return p.role;
  if (p.kind === 'service-linked-role') {
    const slr = serviceLinkedRolePattern(p.arn);
    return `service-linked roles of ${slr?.service ?? 'a service'} in account ${slr?.account ?? '?'}`;
  }
  if (p.kind === 'any') return 'any principal outside this template';
  if (p.logicalId) return `${p.kind} ${p.logicalId}`;
  return p.key;
}
