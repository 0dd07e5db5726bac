/**
 * The audit exporter, run hourly by the scheduled handler and directly by the local
 * simulation. Two steps, each safe to interrupt and to repeat:
 *
 * 1. **Decisions → chains.** Sampler decisions (decisions table) settled for `settleMs` and newer
 *    than the watermark are appended, in (decidedAt, contactId) order, as `decision` records to
 *    chain `decisions/<period>` (data: the decision — identifiers and figures only). Each append is
 *    guarded by the chain head ("this decision or a later one is already the head → skip"), so a
 *    crash before the watermark is saved, or a concurrent run, never records a decision twice. The
 *    watermark (`_watermark` item of the audit table) only narrows the next scan.
 * 2. **Chains → JSON Lines.** Every chain's records after the last exported seq are written as
 *    `<chain-escaped>/<from>-<to>.jsonl` files (one canonical-JSON record per line, exactly the
 *    AuditRecord fields) to the target. The files themselves are the state: a run continues after
 *    the highest `toSeq` found, so nothing is exported twice and a crash between files is
 *    completed by the next run. Before writing, the new records are checked against the last
 *    exported one (hash and link); a break is reported (and exported: the export is the evidence).
 *
 * A lease item (`_lease`) keeps two runs from exporting overlapping ranges at the same time.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type AuditRecord, computeRecordHash } from '../core/audit-chain';
import { canonicalize, compareUtf16, type JsonObject } from '../core/canonical-json';
import { type DecisionRecord, REASONS } from '../core/decision';
import {
  AuditWriteError,
  createAuditLog,
  isReservedChain,
  readChain,
  UNKNOWN_HEAD,
} from '../shared/audit-log';
import { type ExportTarget, escapeChain, exportFileName, parseExportFileName } from './targets';

/** Bookkeeping items of the audit table (partition keys; `seq` 0). */
export const WATERMARK_CHAIN = '_watermark';
export const LEASE_CHAIN = '_lease';
/** The actor of exported decision records: the sampler took the decision. */
export const DECISION_ACTOR = 'function:sampler';

export const decisionChain = (period: string): string => `decisions/${period}`;

export type ExportLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface ExportDeps {
  readonly dynamo: DynamoDBDocumentClient;
  readonly auditTable: string;
  /** @default - step 1 is skipped */
  readonly decisionsTable?: string;
  readonly target: ExportTarget;
  /** Audit retention (days) of the records appended in step 1. */
  readonly retentionDays: number;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Decisions younger than this are left for the next run (writes in flight). @default 5 min */
  readonly settleMs?: number;
  /** @default 1000 */
  readonly maxRecordsPerFile?: number;
  /** How long a run may hold the lease (≥ the function timeout). @default 15 min */
  readonly leaseMs?: number;
  /** @default - silent */
  readonly logger?: ExportLogger;
}

export interface ExportedFile {
  readonly chain: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly key: string;
}

export interface ExportResult {
  /** false when another run held the lease: nothing was done. */
  readonly ran: boolean;
  readonly decisions: {
    readonly appended: number;
    readonly alreadyRecorded: number;
    readonly invalid: number;
  };
  readonly files: readonly ExportedFile[];
  /** Chains whose new records do not verify against what was exported before (reported, exported). */
  readonly integrityIssues: readonly string[];
  /** Failures that stopped part of the run (the next run resumes there). */
  readonly errors: readonly string[];
}

const silent: ExportLogger = { info() {}, warn() {}, error() {} };

const isoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

/** A stored decision; unknown attributes (e.g. `expiresAt`) are dropped. */
const decisionSchema = z.object({
  contactId: z.string().min(1),
  initialContactId: z.string().nullable(),
  agentArn: z.string(),
  agentId: z.string(),
  queue: z.string().nullable(),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  decidedAt: isoUtc,
  u: z.number().nullable(),
  rate: z.number(),
  lotterySelected: z.boolean(),
  recorded: z.boolean(),
  reason: z.enum(REASONS as [DecisionRecord['reason'], ...DecisionRecord['reason'][]]),
  policyVersion: z.string(),
  algorithmVersion: z.string(),
}) satisfies z.ZodType<DecisionRecord>;

interface DecisionKey {
  readonly decidedAt: string;
  readonly contactId: string;
}

const compareKeys = (a: DecisionKey, b: DecisionKey): number =>
  compareUtf16(a.decidedAt, b.decidedAt) || compareUtf16(a.contactId, b.contactId);

/** The decision key a `decision` record holds, if it is one. */
function keyOfRecord(record: AuditRecord | undefined): DecisionKey | undefined {
  if (record?.kind !== 'decision') return undefined;
  const { decidedAt, contactId } = record.data;
  return typeof decidedAt === 'string' && typeof contactId === 'string'
    ? { decidedAt, contactId }
    : undefined;
}

/** Both steps under the lease. */
export async function exportAudit(deps: ExportDeps): Promise<ExportResult> {
  const logger = deps.logger ?? silent;
  const lease = await acquireLease(deps);
  if (!lease) {
    logger.warn('another audit export holds the lease; nothing done');
    return {
      ran: false,
      decisions: { appended: 0, alreadyRecorded: 0, invalid: 0 },
      files: [],
      integrityIssues: [],
      errors: [],
    };
  }
  try {
    const errors: string[] = [];
    const decisions = deps.decisionsTable
      ? await appendNewDecisions(deps, errors)
      : { appended: 0, alreadyRecorded: 0, invalid: 0 };
    const { files, integrityIssues } = await exportChains(deps, errors);
    const result = { ran: true, decisions, files, integrityIssues, errors };
    logger.info('audit export done', {
      target: deps.target.location,
      decisions,
      files: files.length,
      integrityIssues,
      errors,
    });
    return result;
  } finally {
    await releaseLease(deps, lease);
  }
}

// ---------------------------------------------------------------------------------------------
// Step 1: decisions
// ---------------------------------------------------------------------------------------------

/** Appends settled decisions newer than the watermark; failures are pushed to `errors`. */
export async function appendNewDecisions(
  deps: ExportDeps,
  errors: string[] = [],
): Promise<ExportResult['decisions']> {
  const logger = deps.logger ?? silent;
  const now = (deps.clock ?? (() => new Date()))();
  const until = new Date(now.getTime() - (deps.settleMs ?? 5 * 60_000)).toISOString();
  const watermark = await readWatermark(deps);

  const found: DecisionRecord[] = [];
  let invalid = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await deps.dynamo.send(
      new ScanCommand({
        TableName: deps.decisionsTable!,
        FilterExpression: watermark ? 'decidedAt >= :from AND decidedAt <= :until' : 'decidedAt <= :until',
        ExpressionAttributeValues: watermark
          ? { ':from': watermark.decidedAt, ':until': until }
          : { ':until': until },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const parsed = decisionSchema.safeParse(item);
      if (!parsed.success) {
        invalid += 1;
        logger.error('decision item is not a valid decision; not recorded', {
          contactId: typeof item.contactId === 'string' ? item.contactId : undefined,
          issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        });
        continue;
      }
      if (!watermark || compareKeys(parsed.data, watermark) > 0) found.push(parsed.data);
    }
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  found.sort(compareKeys);

  const log = createAuditLog({
    client: deps.dynamo,
    tableName: deps.auditTable,
    retentionDays: deps.retentionDays,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  let appended = 0;
  let alreadyRecorded = 0;
  let done: DecisionKey | undefined;
  // One head read per chain for the whole run: the exporter holds the lease, so its view stays current.
  const heads = new Map<string, AuditRecord | undefined>();
  for (const decision of found) {
    const chain = decisionChain(decision.period);
    try {
      const known = heads.has(chain) ? heads.get(chain) : UNKNOWN_HEAD;
      const result = await log.appendAfter(chain, known, (head) => {
        const headKey = keyOfRecord(head);
        if (headKey && compareKeys(headKey, decision) >= 0) return undefined;
        return {
          chain,
          kind: 'decision',
          actor: DECISION_ACTOR,
          subject: decision.contactId,
          at: new Date(decision.decidedAt),
          data: decision as unknown as JsonObject,
        };
      });
      heads.set(chain, result.head);
      if (result.appended) appended += 1;
      else alreadyRecorded += 1;
      done = decision;
    } catch (err) {
      const message = err instanceof AuditWriteError ? err.message : `unexpected: ${(err as Error).message}`;
      errors.push(`decision ${decision.contactId}: ${message}`);
      logger.error('decision not recorded; the next run resumes here', {
        contactId: decision.contactId,
        message,
      });
      break;
    }
  }
  if (done) await writeWatermark(deps, done);
  return { appended, alreadyRecorded, invalid };
}

async function readWatermark(deps: ExportDeps): Promise<DecisionKey | undefined> {
  const out = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.auditTable,
      KeyConditionExpression: '#c = :c AND seq = :zero',
      ExpressionAttributeNames: { '#c': 'chain' },
      ExpressionAttributeValues: { ':c': WATERMARK_CHAIN, ':zero': 0 },
      ConsistentRead: true,
    }),
  );
  const item = out.Items?.[0];
  return item && typeof item.decidedAt === 'string' && typeof item.contactId === 'string'
    ? { decidedAt: item.decidedAt, contactId: item.contactId }
    : undefined;
}

async function writeWatermark(deps: ExportDeps, key: DecisionKey): Promise<void> {
  // Never moves backwards (a slower concurrent run cannot undo a faster one's progress).
  try {
    await deps.dynamo.send(
      new PutCommand({
        TableName: deps.auditTable,
        Item: { chain: WATERMARK_CHAIN, seq: 0, decidedAt: key.decidedAt, contactId: key.contactId },
        ConditionExpression:
          'attribute_not_exists(#c) OR decidedAt < :at OR (decidedAt = :at AND contactId < :id)',
        ExpressionAttributeNames: { '#c': 'chain' },
        ExpressionAttributeValues: { ':at': key.decidedAt, ':id': key.contactId },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Step 2: chains
// ---------------------------------------------------------------------------------------------

/** Every chain of the audit table with its highest seq (reserved bookkeeping items excluded). */
export async function listChains(
  dynamo: DynamoDBDocumentClient,
  auditTable: string,
): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(
      new ScanCommand({
        TableName: auditTable,
        ProjectionExpression: '#c, seq',
        ExpressionAttributeNames: { '#c': 'chain' },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const chain = item.chain as string;
      if (isReservedChain(chain)) continue;
      heads.set(chain, Math.max(heads.get(chain) ?? 0, item.seq as number));
    }
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return heads;
}

/** One JSON Lines file: the canonical JSON of each record (exactly its AuditRecord fields). */
export function toJsonLines(records: readonly AuditRecord[]): string {
  return records.map((r) => `${canonicalize(r)}\n`).join('');
}

/** Writes every chain's records after the last exported seq; failures are pushed to `errors`. */
export async function exportChains(
  deps: ExportDeps,
  errors: string[] = [],
): Promise<{ files: ExportedFile[]; integrityIssues: string[] }> {
  const logger = deps.logger ?? silent;
  const perFile = deps.maxRecordsPerFile ?? 1000;
  const nowSeconds = Math.floor((deps.clock ?? (() => new Date()))().getTime() / 1000);
  const files: ExportedFile[] = [];
  const integrityIssues: string[] = [];
  const heads = await listChains(deps.dynamo, deps.auditTable);

  for (const chain of [...heads.keys()].sort(compareUtf16)) {
    const dir = escapeChain(chain);
    try {
      const exported = (await deps.target.list(dir))
        .flatMap((name) => {
          const range = parseExportFileName(name);
          return range ? [{ name, toSeq: range.toSeq }] : [];
        })
        .sort((a, b) => a.toSeq - b.toSeq);
      const last = exported.at(-1);
      const lastSeq = last?.toSeq ?? 0;
      if (heads.get(chain)! <= lastSeq) continue;

      const records = await readChain(deps.dynamo, deps.auditTable, chain, {
        afterSeq: lastSeq,
        notExpiredAt: nowSeconds,
      });
      if (records.length === 0) continue;

      const previous = last ? lastRecordOf(await deps.target.read(`${dir}/${last.name}`)) : undefined;
      const issue = checkContinuation(chain, previous, lastSeq, records);
      if (issue) {
        integrityIssues.push(issue);
        logger.error('audit chain does not verify against its last export', { chain, issue });
      }

      for (let i = 0; i < records.length; i += perFile) {
        const slice = records.slice(i, i + perFile);
        const fromSeq = slice[0]!.seq;
        const toSeq = slice.at(-1)!.seq;
        const key = `${dir}/${exportFileName(fromSeq, toSeq)}`;
        await deps.target.put(key, toJsonLines(slice));
        files.push({ chain, fromSeq, toSeq, key });
      }
    } catch (err) {
      errors.push(`chain ${chain}: ${(err as Error).message}`);
      logger.error('chain not exported; the next run resumes there', {
        chain,
        message: (err as Error).message,
      });
    }
  }
  return { files, integrityIssues };
}

function lastRecordOf(jsonLines: string): AuditRecord | undefined {
  const lines = jsonLines.split('\n').filter((l) => l.trim() !== '');
  const line = lines.at(-1);
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line) as AuditRecord;
  } catch {
    return undefined;
  }
}

/** Why `records` do not continue the export that ends with `previous` (seq `lastSeq`), if they don't. */
export function checkContinuation(
  chain: string,
  previous: AuditRecord | undefined,
  lastSeq: number,
  records: readonly AuditRecord[],
): string | undefined {
  const problems: string[] = [];
  if (lastSeq > 0 && records[0]!.seq !== lastSeq + 1) {
    problems.push(`first new record is seq ${records[0]!.seq}, expected ${lastSeq + 1}`);
  } else if (previous && previous.seq === lastSeq && records[0]!.prevHash !== previous.hash) {
    problems.push(`seq ${records[0]!.seq} does not link to the exported seq ${lastSeq}`);
  }
  records.forEach((r, i) => {
    if (computeRecordHash(r) !== r.hash) problems.push(`seq ${r.seq} does not match its hash`);
    const before = records[i - 1];
    if (before && (r.seq !== before.seq + 1 || r.prevHash !== before.hash)) {
      problems.push(`seq ${r.seq} does not link to seq ${before.seq}`);
    }
  });
  return problems.length > 0 ? `chain ${chain}: ${problems.join('; ')}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Lease
// ---------------------------------------------------------------------------------------------

interface Lease {
  readonly owner: string;
}

async function acquireLease(deps: ExportDeps): Promise<Lease | undefined> {
  const now = (deps.clock ?? (() => new Date()))().getTime();
  const owner = `${now}-${Math.random().toString(36).slice(2)}`;
  try {
    await deps.dynamo.send(
      new PutCommand({
        TableName: deps.auditTable,
        Item: { chain: LEASE_CHAIN, seq: 0, owner, until: now + (deps.leaseMs ?? 15 * 60_000) },
        ConditionExpression: 'attribute_not_exists(#c) OR #u < :now',
        ExpressionAttributeNames: { '#c': 'chain', '#u': 'until' },
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return { owner };
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
}

async function releaseLease(deps: ExportDeps, lease: Lease): Promise<void> {
  try {
    await deps.dynamo.send(
      new PutCommand({
        TableName: deps.auditTable,
        Item: { chain: LEASE_CHAIN, seq: 0, owner: lease.owner, until: 0 },
        ConditionExpression: '#o = :me',
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: { ':me': lease.owner },
      }),
    );
  } catch (err) {
    // Lost the lease (it expired and another run took it): nothing to release.
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}
