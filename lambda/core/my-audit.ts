/**
 * "My audit entries" (C2, C9, GDPR art. 15): which records of the tamper-evident audit log an agent
 * may read about themselves, and what of each record they see.
 *
 * An agent's entries of a period P live in the chains of P that concern people:
 * `privacy/P` (suspensions, requests, deletions, redactions, retention expiries, refused writes),
 * `listens/P` (assignments, listens, evaluations of P's recordings — listened in P+1),
 * `governance/P` (coaching plans) and `me/P` (the agent's own reads of this log). A record is the
 * agent's when
 *  - the agent acted (`actor` = `agent:<id>`), or
 *  - it names the agent (`data.agentId`), or
 *  - it is about one of the agent's contacts (`subject` or `data.contactId`).
 * An assignment record lists the listens of one coach across agents: the agent sees it with only
 * their own listens in it. Nothing else of another person is shown.
 *
 * Reading is paged and bounded: a cursor names the chain and the last seq examined, a page examines
 * at most `maxScanned` records and returns at most `limit` entries. The cursor is opaque to the
 * client but carries no authority: whatever it says, the filter above is applied with the caller's
 * identity from the token.
 *
 * Pure: no SDK, no clock.
 */
import { z } from 'zod';
import type { AuditRecord } from './audit-chain';
import type { JsonObject, JsonValue } from './canonical-json';

/** The chains of period P that hold entries about people, in the order they are read. */
export function personalChains(period: string): readonly string[] {
  return [
    `privacy/${period}`,
    `listens/${period}`,
    `governance/${period}`,
    `${MY_AUDIT_CHAIN_PREFIX}${period}`,
  ];
}

/** Where an agent's reads of their own entries are recorded: `me/<period of the read>`. */
export const MY_AUDIT_CHAIN_PREFIX = 'me/';
/** Kind of the record of such a read. */
export const MY_AUDIT_READ = 'audit-read';

export const MY_AUDIT_LIMITS = {
  /** Entries per page when the caller names none. */
  defaultLimit: 50,
  /** Entries per page at most. */
  maxLimit: 100,
  /** Records examined per page at most (the page ends early, with a cursor, when reached). */
  maxScanned: 1000,
} as const;

/** Who asks: the agent of the token, and the contacts the recordings index gives them. */
export interface Me {
  readonly agentId: string;
  readonly contacts: ReadonlySet<string>;
}

/** One entry as the agent sees it: the record's place in its chain, and what concerns them. */
export interface MyAuditEntry {
  readonly chain: string;
  readonly seq: number;
  /** The record's hash: with chain and seq, it finds the record in an audit export. */
  readonly hash: string;
  readonly kind: string;
  readonly at: string;
  readonly actor: string;
  readonly subject?: string;
  readonly data: JsonObject;
  /** True when `data` was cut down to the agent's part (an assignment across agents). */
  readonly partial?: true;
}

const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** The record as the agent may see it, or undefined when it is not theirs. */
export function myEntry(record: AuditRecord, me: Me): MyAuditEntry | undefined {
  const base = {
    chain: record.chain,
    seq: record.seq,
    hash: record.hash,
    kind: record.kind,
    at: record.at,
    actor: record.actor,
    ...(record.subject !== undefined ? { subject: record.subject } : {}),
  };
  if (record.kind === 'assignment' && Array.isArray(record.data.listens)) {
    // One coach's listens across agents: only mine are shown, and only if there are any.
    const mine = record.data.listens.filter(
      (l) => typeof l === 'object' && l !== null && !Array.isArray(l) && l.agentId === me.agentId,
    );
    if (mine.length === 0) return undefined;
    const { listens: _all, ...rest } = record.data;
    return { ...base, data: { ...rest, listens: mine }, partial: true };
  }
  const mine =
    record.actor === `agent:${me.agentId}` ||
    str(record.data.agentId) === me.agentId ||
    (record.subject !== undefined && me.contacts.has(record.subject)) ||
    me.contacts.has(str(record.data.contactId) ?? '');
  return mine ? { ...base, data: record.data } : undefined;
}

/** Where a page starts: the chain (index into personalChains) and the last seq already examined. */
export interface MyAuditCursor {
  readonly chain: number;
  readonly afterSeq: number;
}

const cursorSchema = z.strictObject({
  c: z.number().int().min(0).max(64),
  s: z.number().int().min(0),
});

export class CursorError extends Error {
  override readonly name = 'CursorError';
}

export function encodeCursor(cursor: MyAuditCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.chain, s: cursor.afterSeq }), 'utf8').toString('base64url');
}

/** The cursor of a `cursor` parameter; the start when absent. Throws {@link CursorError}. */
export function decodeCursor(raw: string | undefined, chains: number): MyAuditCursor {
  if (raw === undefined || raw === '') return { chain: 0, afterSeq: 0 };
  // Anything but base64url of JSON leaves `parsed` undefined, which the schema refuses.
  let parsed: unknown;
  try {
    if (/^[A-Za-z0-9_-]{1,200}$/.test(raw))
      parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    // not JSON
  }
  const r = cursorSchema.safeParse(parsed);
  if (!r.success || r.data.c >= chains) throw new CursorError('cursor is not one this API returned');
  return { chain: r.data.c, afterSeq: r.data.s };
}

/** The page size of a `limit` parameter. Throws {@link CursorError} on a bad value. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return MY_AUDIT_LIMITS.defaultLimit;
  const n = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || n < 1 || n > MY_AUDIT_LIMITS.maxLimit)
    throw new CursorError(`limit must be a whole number 1..${MY_AUDIT_LIMITS.maxLimit}`);
  return n;
}

/**
 * Reads `chain` after `afterSeq`, examining at most `max` records: the ones it returns (in seq
 * order), how many it examined, the seq it got to, and whether the chain may go on after it.
 */
export type ChainReader = (
  chain: string,
  afterSeq: number,
  max: number,
) => Promise<{
  readonly records: readonly AuditRecord[];
  readonly examined: number;
  /** The last seq examined (records skipped by the reader included), if any. */
  readonly lastSeq?: number;
  readonly more: boolean;
}>;

export interface MyAuditPage {
  readonly entries: readonly MyAuditEntry[];
  /** Present when there may be more: pass it back as `cursor`. */
  readonly next?: string;
  /** Records examined for this page (bounded by `maxScanned`). */
  readonly scanned: number;
}

/**
 * One page of the agent's entries of `chains`, from `cursor`: stops at `limit` entries or
 * `maxScanned` records examined, whichever comes first, and says where to go on.
 */
export async function readMyAuditPage(
  read: ChainReader,
  chains: readonly string[],
  me: Me,
  cursor: MyAuditCursor,
  limit: number,
  maxScanned: number = MY_AUDIT_LIMITS.maxScanned,
): Promise<MyAuditPage> {
  const entries: MyAuditEntry[] = [];
  let scanned = 0;
  let { chain, afterSeq } = cursor;
  while (chain < chains.length && entries.length < limit && scanned < maxScanned) {
    const before = afterSeq;
    const page = await read(chains[chain]!, afterSeq, maxScanned - scanned);
    scanned += Math.max(page.examined, page.records.length, 1);
    let stoppedInside = false;
    for (const [i, record] of page.records.entries()) {
      afterSeq = record.seq;
      const entry = myEntry(record, me);
      if (entry) entries.push(entry);
      if (entries.length >= limit && i < page.records.length - 1) {
        stoppedInside = true;
        break;
      }
    }
    if (stoppedInside) break;
    afterSeq = Math.max(afterSeq, page.lastSeq ?? afterSeq);
    if (page.more) {
      if (afterSeq <= before)
        throw new Error(`reading ${chains[chain]} after seq ${before} made no progress`);
      continue; // the chain goes on: stay on it
    }
    chain++;
    afterSeq = 0;
  }
  const done = chain >= chains.length;
  return { entries, scanned, ...(done ? {} : { next: encodeCursor({ chain, afterSeq }) }) };
}
