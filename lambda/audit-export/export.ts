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
 *
 * A backlog (a month of a big centre: a million decisions) is worked through in bounded pieces:
 * step 1 takes at most `maxDecisionsPerScan` decisions per table scan (the earliest ones, in
 * order) and saves the watermark after each piece; step 2 reads a chain one Query page at a time
 * and writes each file as it fills. With `timeLeftMs` (the Lambda context's remaining time), a run
 * stops before `reserveMs` is left — between two appends or two files — and reports itself
 * incomplete; the next run resumes where it stopped. Nothing is lost or written twice either way.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type AuditRecord, auditRecordSchema, computeRecordHash } from '../core/audit-chain';
import { canonicalize, compareUtf16, type JsonObject } from '../core/canonical-json';
import { compareDecisionKeys, type DecisionKey, type DecisionRecord, REASONS } from '../core/decision';
import type { PublishedHead } from '../core/publication';
import {
  AuditWriteError,
  createAuditLog,
  isReservedChain,
  readChain,
  readChainPages,
  UNKNOWN_HEAD,
} from '../shared/audit-log';
import { type HeadSigner, type Publisher, publishHeads } from '../shared/publication';
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
  /**
   * Milliseconds the run may still take (the Lambda context's `getRemainingTimeInMillis`).
   * @default - no limit: the run goes on until everything is exported
   */
  readonly timeLeftMs?: () => number;
  /** Stop starting new work when less than this is left (finish a file, release the lease). @default 60 s */
  readonly reserveMs?: number;
  /** Decisions held in memory per table scan of step 1 (the earliest above the watermark). @default 20000 */
  readonly maxDecisionsPerScan?: number;
  /**
   * Where the signed heads of each run are published, and the key that signs them.
   * @default - no heads are published (an export nobody can check for truncation)
   */
  readonly publication?: { readonly publisher: Publisher; readonly signer: HeadSigner };
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
  /**
   * false when the run stopped for time (`timeLeftMs`) with work left: the next run resumes it.
   * An incomplete run publishes no heads (the previous ones stay the latest).
   */
  readonly complete: boolean;
  readonly decisions: DecisionsStep;
  readonly files: readonly ExportedFile[];
  /** Chains whose new records do not verify against what was exported before (reported, exported). */
  readonly integrityIssues: readonly string[];
  /** Failures that stopped part of the run (the next run resumes there). */
  readonly errors: readonly string[];
  /** Foreign or malformed files found in the export (reported, set aside). */
  readonly anomalies: readonly ExportAnomaly[];
  /** Key of the signed heads object this run published. */
  readonly headsKey?: string;
}

export interface DecisionsStep {
  readonly appended: number;
  readonly alreadyRecorded: number;
  readonly invalid: number;
  /** false when the step stopped for time with settled decisions left to append. */
  readonly complete: boolean;
}

const silent: ExportLogger = { info() {}, warn() {}, error() {} };

/** Whether the run must stop starting new work (less than `reserveMs` left). */
function outOfTime(deps: ExportDeps): boolean {
  return deps.timeLeftMs !== undefined && deps.timeLeftMs() < (deps.reserveMs ?? 60_000);
}

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
  policyHash: z.string().nullable().default(null),
  algorithmVersion: z.string(),
}) satisfies z.ZodType<DecisionRecord>;

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
      complete: false,
      decisions: { appended: 0, alreadyRecorded: 0, invalid: 0, complete: false },
      files: [],
      integrityIssues: [],
      errors: [],
      anomalies: [],
    };
  }
  try {
    const errors: string[] = [];
    const decisions = deps.decisionsTable
      ? await appendNewDecisions(deps, errors)
      : { appended: 0, alreadyRecorded: 0, invalid: 0, complete: true };
    // Out of time in step 1: the chains are exported by the next run, after its own step 1.
    const chains = decisions.complete
      ? await exportChains(deps, errors)
      : { files: [], integrityIssues: [], anomalies: [], complete: false };
    const { files, integrityIssues, anomalies } = chains;
    const headsKey = 'headsKey' in chains ? chains.headsKey : undefined;
    const complete = decisions.complete && chains.complete;
    const result = {
      ran: true,
      complete,
      decisions,
      files,
      integrityIssues,
      errors,
      anomalies,
      ...(headsKey ? { headsKey } : {}),
    };
    logger.info(complete ? 'audit export done' : 'audit export stopped for time; the next run resumes', {
      target: deps.target.location,
      decisions,
      files: files.length,
      integrityIssues,
      anomalies: anomalies.length,
      headsKey,
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

/**
 * Appends settled decisions newer than the watermark, in order, at most `maxDecisionsPerScan` per
 * table scan (then the watermark is saved and the table scanned again from it); failures are
 * pushed to `errors`. Stops between two appends when the run is out of time.
 */
export async function appendNewDecisions(deps: ExportDeps, errors: string[] = []): Promise<DecisionsStep> {
  const now = (deps.clock ?? (() => new Date()))();
  const until = new Date(now.getTime() - (deps.settleMs ?? 5 * 60_000)).toISOString();
  const limit = deps.maxDecisionsPerScan ?? 20_000;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`maxDecisionsPerScan must be a whole number ≥ 1, got ${limit}`);
  }
  const log = createAuditLog({
    client: deps.dynamo,
    tableName: deps.auditTable,
    retentionDays: deps.retentionDays,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  // One head read per chain for the whole run: the exporter holds the lease, so its view stays current.
  const heads = new Map<string, AuditRecord | undefined>();
  const total = { appended: 0, alreadyRecorded: 0, invalid: 0 };
  let watermark = await readWatermark(deps);
  for (;;) {
    const scan = await scanSettled(deps, watermark, until, limit);
    total.invalid += scan.invalid;
    const piece = await appendInOrder(deps, log, heads, scan.found, errors);
    total.appended += piece.appended;
    total.alreadyRecorded += piece.alreadyRecorded;
    if (piece.done) {
      await writeWatermark(deps, piece.done);
      watermark = piece.done;
    }
    // Stopped by an error (the next run resumes there) or for time; else the next piece, if any.
    if (piece.stopped === 'error') return { ...total, complete: true };
    if (piece.stopped === 'time') return { ...total, complete: false };
    if (!scan.more) return { ...total, complete: true };
    if (outOfTime(deps)) return { ...total, complete: false };
  }
}

/**
 * The settled decisions after `watermark`, the earliest `limit` of them in (decidedAt, contactId)
 * order; `more` when the table holds later ones too. Invalid items are logged and counted.
 */
async function scanSettled(
  deps: ExportDeps,
  watermark: DecisionKey | undefined,
  until: string,
  limit: number,
): Promise<{ found: DecisionRecord[]; invalid: number; more: boolean }> {
  const logger = deps.logger ?? silent;
  let found: DecisionRecord[] = [];
  let invalid = 0;
  let more = false;
  // The earliest `limit` keys are kept: past 2 × limit, sort and cut (amortized n log limit).
  const cut = () => {
    found.sort(compareDecisionKeys);
    if (found.length > limit) {
      found = found.slice(0, limit);
      more = true;
    }
  };
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
      if (!watermark || compareDecisionKeys(parsed.data, watermark) > 0) found.push(parsed.data);
    }
    if (found.length >= 2 * limit) cut();
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  cut();
  return { found, invalid, more };
}

/** Appends `found` (sorted) to their chains; stops at the first failure or when out of time. */
async function appendInOrder(
  deps: ExportDeps,
  log: ReturnType<typeof createAuditLog>,
  heads: Map<string, AuditRecord | undefined>,
  found: readonly DecisionRecord[],
  errors: string[],
): Promise<{ appended: number; alreadyRecorded: number; done?: DecisionKey; stopped?: 'error' | 'time' }> {
  const logger = deps.logger ?? silent;
  let appended = 0;
  let alreadyRecorded = 0;
  let done: DecisionKey | undefined;
  for (const decision of found) {
    if (outOfTime(deps)) return { appended, alreadyRecorded, ...(done ? { done } : {}), stopped: 'time' };
    const chain = decisionChain(decision.period);
    try {
      const known = heads.has(chain) ? heads.get(chain) : UNKNOWN_HEAD;
      const result = await log.appendAfter(chain, known, (head) => {
        const headKey = keyOfRecord(head);
        if (headKey && compareDecisionKeys(headKey, decision) >= 0) return undefined;
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
      return { appended, alreadyRecorded, ...(done ? { done } : {}), stopped: 'error' };
    }
  }
  return { appended, alreadyRecorded, ...(done ? { done } : {}) };
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

/** Why a file in a chain's export folder is not part of the verified export. */
export interface ExportAnomaly {
  readonly chain: string;
  readonly key: string;
  readonly problem: string;
}

/** Chain of the exporter's own reports (foreign or malformed files found in the export). */
export const EXPORT_ANOMALY_CHAIN = 'audit-export';
export const EXPORT_ACTOR = 'function:audit-export';

/**
 * Writes every chain's records after the last verified export, a file as soon as it is full
 * (a chain is read one Query page at a time); failures are pushed to `errors`. Out of time, it
 * stops before the next file and publishes no heads (`complete: false`).
 */
export async function exportChains(
  deps: ExportDeps,
  errors: string[] = [],
): Promise<{
  files: ExportedFile[];
  integrityIssues: string[];
  anomalies: ExportAnomaly[];
  heads: PublishedHead[];
  headsKey?: string;
  complete: boolean;
}> {
  const logger = deps.logger ?? silent;
  const perFile = deps.maxRecordsPerFile ?? 1000;
  const now = (deps.clock ?? (() => new Date()))();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const files: ExportedFile[] = [];
  const integrityIssues: string[] = [];
  const anomalies: ExportAnomaly[] = [];
  const heads: PublishedHead[] = [];
  let chains = await listChains(deps.dynamo, deps.auditTable);
  const done = new Set<string>();
  let complete = true;

  // Two passes at most: a foreign file reported in the first pass adds a record to the anomaly
  // chain, which the second pass exports, so the heads of this run cover the report too.
  for (let pass = 0; pass < 2; pass++) {
    const before = anomalies.length;
    for (const chain of [...chains.keys()].sort(compareUtf16)) {
      if (done.has(chain)) continue;
      if (outOfTime(deps)) {
        complete = false;
        break;
      }
      done.add(chain);
      const dir = escapeChain(chain);
      const problems: string[] = [];
      try {
        const state = await lastVerifiedExport(deps.target, dir, chain);
        anomalies.push(...state.anomalies);
        let last = state.last;
        const lastSeq = last?.seq ?? 0;
        if (chains.get(chain)! > lastSeq) {
          const check = continuationChecker(last, lastSeq, problems);
          let slice: AuditRecord[] = [];
          const write = async () => {
            const fromSeq = slice[0]!.seq;
            const toSeq = slice.at(-1)!.seq;
            const key = `${dir}/${exportFileName(fromSeq, toSeq)}`;
            await deps.target.put(key, toJsonLines(slice));
            files.push({ chain, fromSeq, toSeq, key });
            last = slice.at(-1);
            slice = [];
          };
          pages: for await (const page of readChainPages(deps.dynamo, deps.auditTable, chain, {
            afterSeq: lastSeq,
            notExpiredAt: nowSeconds,
          })) {
            for (const record of page) {
              check(record);
              slice.push(record);
              if (slice.length < perFile) continue;
              if (outOfTime(deps)) {
                complete = false;
                break pages;
              }
              await write();
            }
          }
          if (complete && slice.length > 0) await write();
        }
        if (last) heads.push({ chain, seq: last.seq, hash: last.hash, at: last.at });
      } catch (err) {
        errors.push(`chain ${chain}: ${(err as Error).message}`);
        logger.error('chain not exported; the next run resumes there', {
          chain,
          message: (err as Error).message,
        });
      } finally {
        if (problems.length > 0) {
          const issue = `chain ${chain}: ${problems.join('; ')}`;
          integrityIssues.push(issue);
          logger.error('audit chain does not verify against its last export', { chain, issue });
        }
      }
      if (!complete) break;
    }
    if (!complete) break;
    const fresh = anomalies.slice(before);
    if (fresh.length === 0 || !(await reportAnomalies(deps, fresh, now, errors))) break;
    chains = await listChains(deps.dynamo, deps.auditTable);
    done.delete(EXPORT_ANOMALY_CHAIN);
    const kept = heads.filter((h) => h.chain !== EXPORT_ANOMALY_CHAIN);
    heads.length = 0;
    heads.push(...kept);
  }

  let headsKey: string | undefined;
  if (complete && deps.publication && heads.length > 0) {
    try {
      headsKey = (await publishHeads(deps.publication.publisher, deps.publication.signer, now, heads)).key;
    } catch (err) {
      errors.push(`signed heads: ${(err as Error).message}`);
      logger.error('signed heads not published; the next run publishes its own', {
        message: (err as Error).message,
      });
    }
  }
  return { files, integrityIssues, anomalies, heads, complete, ...(headsKey ? { headsKey } : {}) };
}

/**
 * Audit records for foreign or malformed files not reported before (one per file: the file
 * stays, Object Lock keeps it), and an error log for each. True when a record was appended.
 */
async function reportAnomalies(
  deps: ExportDeps,
  anomalies: readonly ExportAnomaly[],
  now: Date,
  errors: string[],
): Promise<boolean> {
  const logger = deps.logger ?? silent;
  const reported = new Set(
    (await readChain(deps.dynamo, deps.auditTable, EXPORT_ANOMALY_CHAIN)).map((r) => r.subject),
  );
  const log = createAuditLog({
    client: deps.dynamo,
    tableName: deps.auditTable,
    retentionDays: deps.retentionDays,
    clock: () => now,
  });
  let appended = false;
  for (const a of anomalies) {
    if (reported.has(a.key)) continue;
    logger.error(
      'foreign or malformed file in the audit export; exporting on from the last verified record',
      {
        chain: a.chain,
        key: a.key,
        problem: a.problem,
      },
    );
    try {
      await log.append({
        chain: EXPORT_ANOMALY_CHAIN,
        kind: 'export-anomaly',
        actor: EXPORT_ACTOR,
        subject: a.key,
        at: now,
        data: { chain: a.chain, file: a.key, problem: a.problem },
      });
      reported.add(a.key);
      appended = true;
    } catch (err) {
      errors.push(`anomaly report ${a.key}: ${(err as Error).message}`);
    }
  }
  return appended;
}

/**
 * The last record of a chain's export that verifies, and the files that are not part of it.
 * The export is the run of files `<from>-<to>.jsonl` whose ranges follow each other from the
 * lowest seq; its last file is read and must hold exactly its range, valid records of this
 * chain, linked to the file before. A file that fails is set aside (reported) and the run is
 * rebuilt without it, so a foreign file can never stop the export.
 */
export async function lastVerifiedExport(
  target: ExportTarget,
  dir: string,
  chain: string,
): Promise<{ last?: AuditRecord; anomalies: ExportAnomaly[] }> {
  const anomalies: ExportAnomaly[] = [];
  const candidates: { name: string; fromSeq: number; toSeq: number }[] = [];
  for (const name of await target.list(dir)) {
    const range = parseExportFileName(name);
    if (range && range.fromSeq >= 1 && range.toSeq >= range.fromSeq) candidates.push({ name, ...range });
    else anomalies.push({ chain, key: `${dir}/${name}`, problem: 'not an export file name' });
  }
  const excluded = new Set<string>();
  for (;;) {
    const usable = candidates.filter((c) => !excluded.has(c.name));
    const run: typeof usable = [];
    let expected = Math.min(...usable.map((c) => c.fromSeq));
    for (;;) {
      const next = usable.filter((c) => c.fromSeq === expected).sort((a, b) => a.toSeq - b.toSeq)[0];
      if (!next) break;
      run.push(next);
      expected = next.toSeq + 1;
    }
    const outside = (n: string) => !run.some((r) => r.name === n) && !excluded.has(n);
    const lastFile = run.at(-1);
    if (!lastFile) return { anomalies };
    const records = parseJsonLines(await target.read(`${dir}/${lastFile.name}`));
    const before = run.length > 1 ? lastRecordOf(await target.read(`${dir}/${run.at(-2)!.name}`)) : undefined;
    const problem = fileProblem(chain, lastFile, records, before);
    if (!problem) {
      for (const c of candidates) {
        if (outside(c.name)) {
          anomalies.push({ chain, key: `${dir}/${c.name}`, problem: 'outside the run of export files' });
        }
      }
      return { last: records!.at(-1)!, anomalies };
    }
    excluded.add(lastFile.name);
    anomalies.push({ chain, key: `${dir}/${lastFile.name}`, problem });
  }
}

function parseJsonLines(text: string): AuditRecord[] | undefined {
  try {
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as AuditRecord);
  } catch {
    return undefined;
  }
}

/** Why an export file does not hold exactly its named range of valid, linked records. */
function fileProblem(
  chain: string,
  range: { fromSeq: number; toSeq: number },
  records: AuditRecord[] | undefined,
  before: AuditRecord | undefined,
): string | undefined {
  if (!records) return 'not JSON Lines';
  if (records.length === 0) return 'empty';
  if (records.length !== range.toSeq - range.fromSeq + 1) {
    return `holds ${records.length} records, its name claims ${range.toSeq - range.fromSeq + 1}`;
  }
  for (const [i, r] of records.entries()) {
    const parsed = auditRecordSchema.safeParse(r);
    if (!parsed.success || r.chain !== chain) return `line ${i + 1} is not a record of chain ${chain}`;
    if (r.seq !== range.fromSeq + i) return `line ${i + 1} is seq ${r.seq}, not ${range.fromSeq + i}`;
    if (computeRecordHash(r) !== r.hash) return `seq ${r.seq} does not match its hash`;
    const prev = i === 0 ? before : records[i - 1];
    if (prev && r.prevHash !== prev.hash) return `seq ${r.seq} does not link to seq ${prev.seq}`;
  }
  return undefined;
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
  const check = continuationChecker(previous, lastSeq, problems);
  for (const r of records) check(r);
  return problems.length > 0 ? `chain ${chain}: ${problems.join('; ')}` : undefined;
}

/**
 * `checkContinuation` one record at a time (the records after `lastSeq`, in order): pushes to
 * `problems` what does not continue the export, so a chain can be checked while it is paged.
 */
function continuationChecker(
  previous: AuditRecord | undefined,
  lastSeq: number,
  problems: string[],
): (record: AuditRecord) => void {
  let before: AuditRecord | undefined;
  return (r) => {
    if (before === undefined) {
      if (lastSeq > 0 && r.seq !== lastSeq + 1) {
        problems.push(`first new record is seq ${r.seq}, expected ${lastSeq + 1}`);
      } else if (previous && previous.seq === lastSeq && r.prevHash !== previous.hash) {
        problems.push(`seq ${r.seq} does not link to the exported seq ${lastSeq}`);
      }
    }
    if (computeRecordHash(r) !== r.hash) problems.push(`seq ${r.seq} does not match its hash`);
    if (before && (r.seq !== before.seq + 1 || r.prevHash !== before.hash)) {
      problems.push(`seq ${r.seq} does not link to seq ${before.seq}`);
    }
    before = r;
  };
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
