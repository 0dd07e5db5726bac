/**
 * AUDIT-APPEND-ONLY: the audit chains and the sampler's decisions are written once and never
 * changed — as far as the template can enforce it, and detected where it cannot. Reasons only
 * from the template: identity grants, the tables' resource policies, their streams, the write
 * sentinel wired to them and its alarm. What none of that covers is said in the summary.
 */
import { globCovers } from '../glob';
import { principalLabel } from '../iam';
import { asArray, at, type CfnResource, isRecord, NEVER, type StackView } from '../template';
import type { Check } from '../types';
import { accessEvidence, ev, Findings, statements, whoCan } from './helpers';

/** Every DynamoDB action that writes items, as the report knows them (it does not take the construct's word for it). */
const ITEM_WRITE_ACTIONS = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'PartiQLInsert',
  'PartiQLUpdate',
  'PartiQLDelete',
].map((action) => `dynamodb:${action}`);

/** Item writes other than a put: what an append-only table must deny to every principal. */
export const ITEM_CHANGE_ACTIONS = ITEM_WRITE_ACTIONS.filter((action) => action !== 'dynamodb:PutItem');

/** What an appender may do on an append-only table: read, and put the next record. */
export const AUDIT_ALLOWED_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:Scan',
];
/** Changing or removing a record, or the table itself. */
export const AUDIT_FORBIDDEN_ACTIONS = [
  ...ITEM_CHANGE_ACTIONS,
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTable',
  'dynamodb:UpdateTimeToLive',
];

/** The tables whose items must never change once written. */
export const APPEND_ONLY_TABLES = ['table:audit', 'table:decisions'] as const;
const SENTINEL_ROLE = 'function:audit-sentinel';
const STREAM_VIEWS_WITH_OLD_IMAGE = ['NEW_AND_OLD_IMAGES', 'OLD_IMAGE'];

const isAnyPrincipal = (p: unknown) => p === '*' || (isRecord(p) && asArray(p.AWS).includes('*'));
const covers = (actions: unknown, action: string) =>
  asArray(actions).some((a) => typeof a === 'string' && globCovers(a, action, true));

/** The table's resource policy statements (TableV2: the first replica's ResourcePolicy). */
function resourcePolicy(r: CfnResource): { property: string; doc: unknown } {
  if (r.Type === 'AWS::DynamoDB::GlobalTable') {
    return {
      property: 'Properties.Replicas[0].ResourcePolicy',
      doc: at(r, 'Properties.Replicas[0].ResourcePolicy.PolicyDocument'),
    };
  }
  return { property: 'Properties.ResourcePolicy', doc: at(r, 'Properties.ResourcePolicy.PolicyDocument') };
}

/** Checks one append-only table; returns the labels of the roles the template lets PutItem. */
function checkTable(stack: StackView, tableId: string, role: string, f: Findings): string[] {
  const r = stack.resource(tableId)!;
  const arn = stack.resolve({ 'Fn::GetAtt': [tableId, 'Arn'] }, NEVER);
  f.add(ev(stack, tableId, 'Type', r.Type, role));

  // 1. Identity grants of the template's roles.
  const appenders: string[] = [];
  const accesses = whoCan(stack, {
    actions: [...AUDIT_ALLOWED_ACTIONS, ...AUDIT_FORBIDDEN_ACTIONS],
    resources: [arn, `${arn}/*`],
  }).filter((a) => a.principal.kind === 'role' || a.principal.kind === 'user');
  for (const a of accesses) {
    const label = principalLabel(a.principal);
    const forbidden = a.actions.filter((x) => AUDIT_FORBIDDEN_ACTIONS.includes(x));
    if (a.actions.includes('dynamodb:PutItem')) appenders.push(label);
    const shown = (g: { action: string }) => forbidden.length === 0 || forbidden.includes(g.action);
    for (const e of accessEvidence(stack, a, shown)) f.add(e);
    if (forbidden.length > 0)
      f.problem(
        `${label} may ${forbidden.join(', ')} on ${tableId} (${role}): records could be changed or removed; appenders hold only ${AUDIT_ALLOWED_ACTIONS.join(', ')}`,
      );
  }

  // 2. The resource policy: item changes denied to everyone, PutItem to all but named roles.
  const { property, doc } = resourcePolicy(r);
  const denies = statements(doc).filter(
    ({ statement: s }) => s.Effect === 'Deny' && isAnyPrincipal(s.Principal) && s.NotPrincipal === undefined,
  );
  const unconditional = denies.filter(({ statement: s }) => s.Condition === undefined);
  const notDenied: string[] = ITEM_CHANGE_ACTIONS.filter(
    (a) => !unconditional.some(({ statement: s }) => covers(s.Action, a)),
  );
  f.add(ev(stack, tableId, property, doc ?? null, 'resource policy'));
  if (notDenied.length > 0)
    f.problem(
      `${tableId} (${role}): its resource policy does not deny ${notDenied.join(', ')} to every principal: any role or user of the account whose IAM allows it could change or delete records`,
    );
  const putDeny = denies.find(({ statement: s }) => covers(s.Action, 'dynamodb:PutItem'));
  let namedPutters: string[] = [];
  if (!putDeny) {
    f.problem(
      `${tableId} (${role}): its resource policy does not limit PutItem to named roles: any principal of the account whose IAM allows it could overwrite a record`,
    );
  } else {
    const cond = isRecord(putDeny.statement.Condition) ? putDeny.statement.Condition : undefined;
    const keys = cond ? Object.keys(cond) : [];
    const onlyPrincipal =
      keys.length > 0 &&
      keys.every(
        (k) =>
          (k === 'ArnNotEquals' || k === 'ArnNotLike') &&
          isRecord(cond![k]) &&
          Object.keys(cond![k] as object).join() === 'aws:PrincipalArn',
      );
    if (putDeny.statement.Condition !== undefined && !onlyPrincipal)
      f.problem(
        `${tableId} (${role}): the PutItem deny has a condition other than aws:PrincipalArn (${JSON.stringify(cond)}): the report cannot tell whom it spares`,
      );
    namedPutters = keys.flatMap((k) =>
      asArray(at(cond?.[k], 'aws:PrincipalArn')).map((v) => {
        const id = stack.refTarget(v);
        return id ? (stack.roleOf(id) ?? id) : stack.flatten(v);
      }),
    );
    f.add(
      ev(
        stack,
        tableId,
        `${property}.Statement[${putDeny.index}]`,
        putDeny.statement,
        `PutItem spared for: ${namedPutters.join(', ') || 'nobody'}`,
      ),
    );
    const wildcard = namedPutters.filter((p) => p.includes('*'));
    if (wildcard.length > 0)
      f.problem(
        `${tableId} (${role}): the PutItem deny spares a pattern (${wildcard.join(', ')}), not named roles`,
      );
  }

  // 3. The stream and the sentinel: what IAM cannot forbid (an appender's PutItem over a record).
  const view = at(r, 'Properties.StreamSpecification.StreamViewType');
  f.add(
    ev(stack, tableId, 'Properties.StreamSpecification', at(r, 'Properties.StreamSpecification') ?? null),
  );
  if (typeof view !== 'string' || !STREAM_VIEWS_WITH_OLD_IMAGE.includes(view)) {
    f.problem(
      `${tableId} (${role}): no stream with the old image (StreamViewType ${JSON.stringify(view ?? null)}): an overwrite by an appender would go unseen`,
    );
    return appenders;
  }
  const mappings = stack.ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => {
    const src = m.Properties?.EventSourceArn;
    return stack.refTarget(src) === tableId && stack.resolve(src, NEVER).includes('StreamArn');
  });
  const watched = mappings.filter(([, m]) => {
    const fn = stack.refTarget(m.Properties?.FunctionName);
    return fn !== undefined && stack.roleOf(fn) === SENTINEL_ROLE && m.Properties?.Enabled !== false;
  });
  for (const [id, m] of watched)
    f.add(ev(stack, id, 'Properties', m.Properties, `stream of ${tableId} → ${SENTINEL_ROLE}`));
  const seesChanges = watched.filter(([, m]) => {
    const filters = asArray(at(m, 'Properties.FilterCriteria.Filters'));
    if (filters.length === 0) return true;
    return ['MODIFY', 'REMOVE'].every((name) =>
      filters.some((flt) => {
        try {
          const pattern = JSON.parse(String((flt as Record<string, unknown>).Pattern));
          const names = asArray(pattern.eventName);
          return Object.keys(pattern).join() === 'eventName' && names.includes(name);
        } catch {
          return false;
        }
      }),
    );
  });
  if (seesChanges.length === 0)
    f.problem(
      `${tableId} (${role}): no enabled event source mapping delivers its MODIFY and REMOVE stream records to the write sentinel (${SENTINEL_ROLE})`,
    );
  return appenders;
}

/** The sentinel's tamper alarm: a metric filter on its log group and an alarm with an action. */
function checkAlarm(stack: StackView, f: Findings): void {
  const sentinels = stack.withRole(SENTINEL_ROLE);
  if (sentinels.length === 0) {
    f.problem(`no write sentinel (${SENTINEL_ROLE}) in stack ${stack.name}`);
    return;
  }
  for (const [fnId, fn] of sentinels) {
    const logGroup = stack.refTarget(at(fn, 'Properties.LoggingConfig.LogGroup'));
    const filters = stack
      .ofType('AWS::Logs::MetricFilter')
      .filter(([, m]) => logGroup !== undefined && stack.refTarget(m.Properties?.LogGroupName) === logGroup);
    const alarmed = filters.flatMap(([filterId, m]) =>
      asArray(m.Properties?.MetricTransformations).flatMap((t) =>
        stack
          .ofType('AWS::CloudWatch::Alarm')
          .filter(
            ([, a]) =>
              isRecord(t) &&
              a.Properties?.MetricName === t.MetricName &&
              a.Properties?.Namespace === t.MetricNamespace &&
              a.Properties?.ActionsEnabled !== false &&
              asArray(a.Properties?.AlarmActions).length > 0,
          )
          .map(([alarmId, a]) => ({ filterId, alarmId, a })),
      ),
    );
    for (const x of alarmed)
      f.add(ev(stack, x.alarmId, 'Properties', x.a.Properties, `alarm on ${x.filterId} (log of ${fnId})`));
    if (alarmed.length === 0)
      f.problem(
        `${fnId} (${SENTINEL_ROLE}): no alarm with an action on a metric filter of its log group: a tampering would be recorded but nobody told`,
      );
  }
}

export const auditAppendOnly: Check = {
  id: 'AUDIT-APPEND-ONLY',
  title:
    'Audit and decision records cannot be changed or deleted by any principal (resource policy), only named roles may put, and every change that is not an append is recorded by the write sentinel and raises an alarm',
  concern: 'C2',
  run: (ctx) => {
    const f = new Findings();
    const appenders = new Map<string, Set<string>>();
    for (const role of APPEND_ONLY_TABLES) {
      let n = 0;
      for (const stack of ctx.stacks) {
        for (const [tableId] of stack.withRole(role)) {
          n++;
          const set = appenders.get(role) ?? new Set();
          for (const a of checkTable(stack, tableId, role, f)) set.add(a);
          appenders.set(role, set);
        }
      }
      if (n === 0) f.problem(`no table marked ${role} in any stack`);
    }
    for (const stack of ctx.stacks) if (stack.withRole('table:audit').length > 0) checkAlarm(stack, f);
    const list = [...appenders].map(([role, set]) => `${role}: ${[...set].join(', ') || 'none'}`).join('; ');
    return {
      ...f,
      summary: `appenders: ${list}. Enforced by the template: no principal may UpdateItem, DeleteItem, BatchWriteItem or use PartiQL writes on these tables, and only the named roles may PutItem. Not enforced, only detected: IAM cannot require PutItem to be conditional, so an appender could overwrite a record — the stream shows it to the write sentinel, which records it in chain audit-tampered and raises the alarm (a record changed before its first hourly export is lost; one exported earlier keeps its Object Lock copy). Not covered at all: an account administrator can change a resource policy, disable a stream or delete the sentinel — CloudFormation drift detection and CloudTrail show that, this report cannot.`,
    };
  },
};
