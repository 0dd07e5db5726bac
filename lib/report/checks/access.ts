/**
 * Who may read, write or rewrite recordings, and who may read a table (C2, C9), computed by the IAM evaluator over
 * the template: identity policies of every role and user, the bucket policy, and "any principal outside this
 * template" held back only by the bucket policy's Deny.
 */

import { globCovers } from '../glob';
import { principalLabel } from '../iam';
import { asArray, NEVER } from '../template';
import type { Check, Concern } from '../types';
import {
  accessEvidence,
  bucketPolicies,
  bucketPolicySources,
  checkNames,
  ev,
  Findings,
  statements,
  whoCan,
} from './helpers';

export interface BucketAccessCheckProps {
  readonly id: string;
  readonly title: string;
  readonly concern: Concern;
  /** The bucket-policy Deny statement that must exist (by Sid) and hold back everyone else. */
  readonly denySid: string;
  readonly actions: readonly string[];
  /** `fairlisten:role` values of the roles allowed to hold this access. */
  readonly allowed: readonly string[];
  /** @default 'bucket:recordings' */
  readonly bucketRole?: string;
  /**
   * Every allowed role must also hold the access (the holders are exactly `allowed`): a role that lost it
   * means the function it serves no longer works, or the template changed shape without the check.
   * @default false
   */
  readonly exact?: boolean;
}

/** "Only roles `allowed` may perform `actions` on the objects of the bucket `bucketRole`." */
export function bucketAccessCheck(props: BucketAccessCheckProps): Check {
  const bucketRole = props.bucketRole ?? 'bucket:recordings';
  return {
    ...checkNames(props),
    run: (ctx) => {
      const f = new Findings();
      const holders: string[] = [];
      let n = 0;
      for (const stack of ctx.stacks) {
        for (const [bucketId] of stack.withRole(bucketRole)) {
          n++;
          const objects = `${stack.resolve({ 'Fn::GetAtt': [bucketId, 'Arn'] }, NEVER)}/*`;
          const deny = bucketPolicies(stack, bucketId).flatMap(([pid, p]) =>
            statements(p.Properties?.PolicyDocument)
              .filter(({ statement: s }) => s.Sid === props.denySid && s.Effect === 'Deny')
              .map((x) => ({ pid, ...x })),
          );
          if (deny.length === 0)
            f.problem(`${bucketId}: the bucket policy has no Deny statement ${props.denySid}`);
          for (const d of deny) {
            f.add(
              ev(
                stack,
                d.pid,
                `Properties.PolicyDocument.Statement[${d.index}]`,
                d.statement,
                `Deny ${props.denySid}`,
              ),
            );
            const res = asArray(d.statement.Resource).map((r) => stack.resolve(r, NEVER));
            if (!res.some((r) => globCovers(r, objects)))
              f.problem(`${bucketId}: ${props.denySid} does not cover every object (${res.join(', ')})`);
          }
          const accesses = whoCan(stack, {
            actions: props.actions,
            resources: [objects],
            resourcePolicies: bucketPolicySources(stack, bucketId),
          });
          for (const a of accesses) {
            const label = principalLabel(a.principal);
            holders.push(label);
            for (const e of accessEvidence(stack, a)) f.add(e);
            if (!a.principal.role || !props.allowed.includes(a.principal.role)) {
              f.problem(
                `${label} may ${a.actions.join(', ')} on ${bucketId} objects; allowed: ${props.allowed.join(', ') || 'nobody'}`,
              );
            }
          }
          if (props.exact) {
            for (const role of props.allowed) {
              if (!accesses.some((a) => a.principal.role === role))
                f.problem(
                  `${role} may not ${props.actions.join(' / ')} on ${bucketId} objects, but the check expects exactly ${props.allowed.join(', ')}`,
                );
            }
          }
        }
      }
      if (n === 0) f.problem(`no bucket marked ${bucketRole}`);
      return {
        ...f,
        summary: `holders: ${[...new Set(holders)].join(', ') || 'none'}${props.exact ? ` (expected exactly ${props.allowed.join(', ')})` : ''}`,
      };
    },
  };
}

/**
 * Roles that may read audio: ingest (checks and indexes each new object), recording-actions (the
 * deletion/redaction executor, which is the "redaction" role under its deployed name) and
 * playback (the 5-minute URL of an assigned listen). Nobody else — not privacy, not assignment, not views.
 */
export const RECORDING_READER_ROLES = ['role:ingest', 'role:recording-actions', 'role:playback'];
/**
 * Roles that may delete recordings or pin them: ingest (unauthorized objects), the executor, and the
 * retention sweeper (delete only, under the recording prefixes).
 */
export const RECORDING_REWRITER_ROLES = ['role:ingest', 'role:recording-actions', 'role:retention-sweeper'];

/**
 * Who may write a version of a recording (s3:PutObject, which also authorizes CopyObject and every
 * step of a multipart upload): Amazon Connect, through its service-linked roles in this account
 * (the bucket policy's `ArnNotLike` exception on `…:role/aws-service-role/connect.amazonaws.com/…`,
 * a path only Connect creates roles under), and the two roles that apply deletions and redactions.
 * The evaluator models that exception as the Connect roles it names, not as "anyone"; a pattern
 * that reaches further (any role, another account, any service) lets "any principal outside this
 * template" through and fails the check.
 */
export const CONNECT_SERVICE_LINKED_ROLE = 'service-linked-role:connect.amazonaws.com';
export const RECORDING_WRITER_ROLES = [CONNECT_SERVICE_LINKED_ROLE, 'role:ingest', 'role:recording-actions'];

export const recordingWriters = bucketAccessCheck({
  id: 'RECORDING-WRITERS',
  title:
    "Exactly Amazon Connect's service-linked role of this account and the ingest and recording-actions roles can write recordings (s3:PutObject: puts, copies, multipart uploads)",
  concern: 'C2',
  denySid: 'OnlyConnectAndNamedRolesWriteRecordings',
  actions: ['s3:PutObject'],
  allowed: RECORDING_WRITER_ROLES,
  exact: true,
});

export const recordingReaders = bucketAccessCheck({
  id: 'RECORDING-READERS',
  title:
    'Exactly the ingest, recording-actions (deletion/redaction) and playback roles can read recordings (s3:GetObject/GetObjectVersion)',
  concern: 'C2',
  denySid: 'OnlyNamedRolesReadRecordings',
  actions: ['s3:GetObject', 's3:GetObjectVersion'],
  allowed: RECORDING_READER_ROLES,
  exact: true,
});

export const recordingRewriters = bucketAccessCheck({
  id: 'RECORDING-REWRITERS',
  title:
    'Exactly the ingest, recording-actions and retention-sweeper roles can delete recordings or pin them (versions, retention, legal hold)',
  concern: 'C9',
  denySid: 'OnlyNamedRolesRewriteRecordings',
  actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:PutObjectLegalHold'],
  allowed: RECORDING_REWRITER_ROLES,
  exact: true,
});

/** DynamoDB actions that return item data. */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:GetRecords',
  'dynamodb:PartiQLSelect',
  'dynamodb:ExportTableToPointInTime',
] as const;

export interface TableReadersCheckProps {
  readonly id: string;
  readonly title: string;
  readonly concern: Concern;
  /** `fairlisten:role` of the table, e.g. `table:seeds`. */
  readonly table: string;
  /** `fairlisten:role` values of the roles allowed to read it. */
  readonly readers: readonly string[];
  /** @default - expected always: a missing table fails */
  readonly onlyWhenRole?: string;
}

/** "Table `table` is readable only by roles `readers`" (roles and users of the template). */
export function tableReadersCheck(props: TableReadersCheckProps): Check {
  return {
    ...checkNames(props),
    ...(props.onlyWhenRole !== undefined ? { onlyWhenRole: props.onlyWhenRole } : {}),
    run: (ctx) => {
      const f = new Findings();
      const holders: string[] = [];
      let n = 0;
      for (const stack of ctx.stacks) {
        for (const [tableId] of stack.withRole(props.table)) {
          n++;
          const arn = stack.resolve({ 'Fn::GetAtt': [tableId, 'Arn'] }, NEVER);
          const accesses = whoCan(stack, {
            actions: TABLE_READ_ACTIONS,
            resources: [arn, `${arn}/*`],
          }).filter((a) => a.principal.kind === 'role' || a.principal.kind === 'user');
          f.add(ev(stack, tableId, 'Type', stack.resource(tableId)?.Type, props.table));
          for (const a of accesses) {
            const label = principalLabel(a.principal);
            holders.push(label);
            for (const e of accessEvidence(stack, a)) f.add(e);
            if (!a.principal.role || !props.readers.includes(a.principal.role)) {
              f.problem(
                `${label} may ${a.actions.join(', ')} on ${tableId} (${props.table}); allowed: ${props.readers.join(', ')}`,
              );
            }
          }
        }
      }
      if (n === 0) f.problem(`no table marked ${props.table} in any stack: cannot show who reads it`);
      return {
        ...f,
        summary: `readers in the template: ${[...new Set(holders)].join(', ') || 'none'} (account administrators outside the template are not covered: tables have no Deny)`,
      };
    },
  };
}

/** Seeds decide the lottery (C2, C6): only the sampler and the seed function may read them. Required. */
export const seedsReaders = tableReadersCheck({
  id: 'SEEDS-READERS',
  title: 'The lottery seeds are readable only by the sampler and seeds functions',
  concern: 'C2',
  table: 'table:seeds',
  readers: ['role:sampler', 'role:seeds'],
});

export const ACCESS_CHECKS: readonly Check[] = [
  recordingReaders,
  recordingWriters,
  recordingRewriters,
  seedsReaders,
];
