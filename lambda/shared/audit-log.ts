/**
 * The DynamoDB audit log: an {@link AuditSink} that appends to the hash chains of the `audit`
 * table (partition `chain`, numeric sort key `seq`, TTL `expiresAt`; lambda/shared/tables.ts).
 *
 * Append = read the chain head (consistent reverse Query, Limit 1), compute the next record with
 * the pure `appendRecord`, then a conditional PutItem (`attribute_not_exists(chain)` on the
 * (chain, seq) key). Two writers that read the same head race for the same seq: one wins, the
 * other gets ConditionalCheckFailedException, re-reads the head and tries again (bounded, with
 * full-jitter exponential backoff). The chain therefore never forks. Every failure surfaces as
 * {@link AuditWriteError}: a caller that must not act without a record (playback, deletion)
 * stops on it.
 *
 * Chains whose name starts with `_` are reserved for bookkeeping items (the exporter's
 * watermark and lease) and cannot be appended to.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditRecord, appendRecord } from '../core/audit-chain';
import type { JsonObject } from '../core/canonical-json';
import { HARD_LIMITS } from '../core/policy';
import { ttlAfterDays } from '../core/retention';
import type { AppendedAudit, AuditEntry, AuditSink } from './audit-sink';

/** Why an append failed. */
export type AuditWriteFailure =
  /** the entry is not a valid record (bad chain, kind, data that is not JSON, …) */
  | 'invalid-entry'
  /** every attempt lost the race for the next seq */
  | 'contention'
  /** the stored head does not match its hash: the chain was tampered with; nothing is appended */
  | 'corrupt-head'
  /** DynamoDB refused or could not be reached */
  | 'store';

/** An audit record could not be written. Callers that must not act without a record stop here. */
export class AuditWriteError extends Error {
  override readonly name = 'AuditWriteError';
  constructor(
    readonly reason: AuditWriteFailure,
    readonly chain: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`audit append to ${chain} failed (${reason}): ${message}`, options);
  }
}

/** Prefix of the audit table's bookkeeping partitions (never a chain of records). */
export const RESERVED_CHAIN_PREFIX = '_';

export const isReservedChain = (chain: string): boolean => chain.startsWith(RESERVED_CHAIN_PREFIX);

export interface AuditLogOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a record is kept (the item's `expiresAt` = `at` + retentionDays): 1..365. */
  readonly retentionDays: number;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Attempts before giving up with reason `contention`. @default 10 */
  readonly maxAttempts?: number;
  /** Backoff before attempt n+1: random in [0, min(capMs, baseMs·2ⁿ)). @default { baseMs: 10, capMs: 1000 } */
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  /** @default Math.random */
  readonly random?: () => number;
  /** @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The audit log: the {@link AuditSink} contract plus a guarded append for the exporter. */
export interface AuditLog extends AuditSink {
  /**
   * Appends the entry `build` returns for the current head of `chain`, or nothing when it returns
   * `undefined`. `build` is called again with the new head after every lost race, so a guard
   * (e.g. "already recorded") stays true under concurrency.
   */
  appendNext(
    chain: string,
    build: (head: AuditRecord | undefined) => AuditEntry | undefined,
  ): Promise<AppendedAudit | undefined>;
  /** `appendNext` starting from the caller's view of the head; returns the head after it. */
  appendAfter(
    chain: string,
    known: AuditRecord | undefined | typeof UNKNOWN_HEAD,
    build: (head: AuditRecord | undefined) => AuditEntry | undefined,
  ): Promise<{ head: AuditRecord | undefined; appended?: AuditRecord }>;
}

/** Marks a head the caller has not read yet. */
export const UNKNOWN_HEAD: unique symbol = Symbol('unknown head');

/** The stored item: the record fields plus the TTL attribute. */
export type AuditItem = AuditRecord & { expiresAt: number };

/** Epoch seconds at which a record written at `at` expires. */
export function expiresAtOf(at: string, retentionDays: number): number {
  return ttlAfterDays(Date.parse(at), retentionDays);
}

/** Exactly the AuditRecord fields of a stored item (drops `expiresAt` and anything else). */
export function toAuditRecord(item: Record<string, unknown>): AuditRecord {
  const record: AuditRecord = {
    chain: item.chain as string,
    seq: item.seq as number,
    kind: item.kind as string,
    at: item.at as string,
    actor: item.actor as string,
    data: (item.data ?? {}) as JsonObject,
    prevHash: item.prevHash as string,
    hash: item.hash as string,
  };
  if (item.subject !== undefined && item.subject !== null) record.subject = item.subject as string;
  return record;
}

/** The last record of `chain` (consistent read), or undefined for an empty chain. */
export async function readHead(
  client: DynamoDBDocumentClient,
  tableName: string,
  chain: string,
): Promise<AuditRecord | undefined> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#c = :c',
      ExpressionAttributeNames: { '#c': 'chain' },
      ExpressionAttributeValues: { ':c': chain },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = out.Items?.[0];
  return item ? toAuditRecord(item) : undefined;
}

export interface ReadChainOptions {
  /** Only records with seq > afterSeq. @default 0 */
  readonly afterSeq?: number;
  /** Skip items whose `expiresAt` is at or before this epoch second (expired, not yet deleted by TTL). */
  readonly notExpiredAt?: number;
}

/**
 * The records of `chain` in seq order, one Query page at a time (consistent reads): a reader of a
 * long chain holds one page, not the chain.
 */
export async function* readChainPages(
  client: DynamoDBDocumentClient,
  tableName: string,
  chain: string,
  options: ReadChainOptions = {},
): AsyncGenerator<AuditRecord[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  const values: Record<string, unknown> = { ':c': chain, ':after': options.afterSeq ?? 0 };
  if (options.notExpiredAt !== undefined) values[':now'] = options.notExpiredAt;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#c = :c AND seq > :after',
        ...(options.notExpiredAt !== undefined
          ? { FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now' }
          : {}),
        ExpressionAttributeNames: { '#c': 'chain' },
        ExpressionAttributeValues: values,
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    yield (out.Items ?? []).map(toAuditRecord);
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Every record of `chain` in seq order (paged, consistent Query). */
export async function readChain(
  client: DynamoDBDocumentClient,
  tableName: string,
  chain: string,
  options: ReadChainOptions = {},
): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const page of readChainPages(client, tableName, chain, options)) records.push(...page);
  return records;
}

/**
 * At most `limit` records of `chain` after `afterSeq`, in seq order, and whether there may be more
 * (one Query: a bounded read for paged views). Items already expired are skipped (they still count
 * against `limit`, as DynamoDB applies the filter after it).
 */
export async function readChainPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  chain: string,
  afterSeq: number,
  limit: number,
  notExpiredAt: number,
): Promise<{ records: AuditRecord[]; examined: number; lastSeq?: number; more: boolean }> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#c = :c AND seq > :after',
      FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now',
      ExpressionAttributeNames: { '#c': 'chain' },
      ExpressionAttributeValues: { ':c': chain, ':after': afterSeq, ':now': notExpiredAt },
      Limit: limit,
    }),
  );
  const records = (out.Items ?? []).map(toAuditRecord);
  const last = out.LastEvaluatedKey?.seq ?? records.at(-1)?.seq;
  return {
    records,
    examined: out.ScannedCount ?? records.length,
    ...(typeof last === 'number' ? { lastSeq: last } : {}),
    more: out.LastEvaluatedKey !== undefined,
  };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The DynamoDB-backed audit log. */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { client, tableName, retentionDays } = options;
  const max = HARD_LIMITS.auditRetentionDays.max;
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > max) {
    throw new Error(`retentionDays must be a whole number 1..${max}, got ${retentionDays}`);
  }
  const maxAttempts = options.maxAttempts ?? 10;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`maxAttempts must be a whole number ≥ 1, got ${maxAttempts}`);
  }
  const clock = options.clock ?? (() => new Date());
  const { baseMs, capMs } = options.backoff ?? { baseMs: 10, capMs: 1000 };
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;

  const next = (head: AuditRecord | undefined, entry: AuditEntry): AuditRecord => {
    try {
      return appendRecord(head, {
        chain: entry.chain,
        kind: entry.kind,
        at: entry.at ?? clock(),
        actor: entry.actor,
        ...(entry.subject !== undefined ? { subject: entry.subject } : {}),
        ...(entry.data !== undefined ? { data: entry.data as JsonObject } : {}),
      });
    } catch (err) {
      const message = (err as Error).message;
      // appendRecord checks the previous record before linking to it.
      const reason = /^(invalid previous record|previous record .* does not match its hash)/.test(message)
        ? 'corrupt-head'
        : 'invalid-entry';
      throw new AuditWriteError(reason, entry.chain, message, { cause: err });
    }
  };

  /**
   * Appends after `known` (the caller's last view of the head, or UNKNOWN_HEAD to read it): a
   * writer appending a run of records reads the head once instead of before every record. A lost
   * race re-reads the head, so a stale view can only cost a retry, never a fork.
   */
  async function appendAfter(
    chain: string,
    known: AuditRecord | undefined | typeof UNKNOWN_HEAD,
    build: (head: AuditRecord | undefined) => AuditEntry | undefined,
  ): Promise<{ head: AuditRecord | undefined; appended?: AuditRecord }> {
    if (isReservedChain(chain)) {
      throw new AuditWriteError('invalid-entry', chain, `chain names starting with "_" are reserved`);
    }
    for (let attempt = 1; ; attempt++) {
      let head: AuditRecord | undefined;
      try {
        head = attempt === 1 && known !== UNKNOWN_HEAD ? known : await readHead(client, tableName, chain);
      } catch (err) {
        throw new AuditWriteError('store', chain, `cannot read the head: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const entry = build(head);
      if (entry === undefined) return { head };
      if (entry.chain !== chain) {
        throw new AuditWriteError('invalid-entry', chain, `entry is for chain ${entry.chain}`);
      }
      const record = next(head, entry);
      const item: AuditItem = { ...record, expiresAt: expiresAtOf(record.at, retentionDays) };
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#c)',
            ExpressionAttributeNames: { '#c': 'chain' },
          }),
        );
        return { head: record, appended: record };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) {
          throw new AuditWriteError(
            'store',
            chain,
            `cannot write seq ${record.seq}: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
        if (attempt >= maxAttempts) {
          throw new AuditWriteError(
            'contention',
            chain,
            `seq ${record.seq} was taken by another writer on each of ${maxAttempts} attempts`,
            { cause: err },
          );
        }
        await sleep(random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
      }
    }
  }

  async function appendNext(
    chain: string,
    build: (head: AuditRecord | undefined) => AuditEntry | undefined,
  ): Promise<AppendedAudit | undefined> {
    const { appended } = await appendAfter(chain, UNKNOWN_HEAD, build);
    return appended && { chain: appended.chain, seq: appended.seq, hash: appended.hash };
  }

  return {
    appendNext,
    appendAfter,
    async append(entry) {
      const appended = await appendNext(entry.chain, () => entry);
      // build never returns undefined here
      return appended!;
    },
  };
}
