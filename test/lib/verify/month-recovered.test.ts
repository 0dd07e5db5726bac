/**
 * `verify --month` and decisions ingest recovered from the sampler's reservation. Each month is a
 * real simulated one in which, before its audit export, the sampler's death between
 * StartContactRecording and storing its decision is staged on the live tables: the decision is
 * gone, the hourly export has already moved past it, and the next file of the contact reaches the
 * real ingest (with its recovery), which writes `decision-recovered` in chain `privacy/<period>`.
 * The decision is then in no decisions chain: that record alone stands for it.
 *
 * The honest month verifies. In the forged one the operator, who controls the live tables, plants a
 * reservation claiming a draw for a call the lottery did not draw: ingest accepts it (a reservation
 * is only a drawn-looking decision), and the chains, the signed heads and decisions.jsonl all agree
 * — `verify` must still refuse it, from the published seed alone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportAudit } from '../../../lambda/audit-export/export';
import { directoryExportTarget } from '../../../lambda/audit-export/targets';
import { ingestObject } from '../../../lambda/ingest/ingest';
import { createDecisionRecovery, DECISION_RECOVERED } from '../../../lambda/ingest/recovery';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import { scanAll } from '../../../lambda/shared/dynamo';
import { createS3RecordingObjects } from '../../../lambda/shared/recording-objects';
import { createRecordingStore } from '../../../lambda/shared/recording-store';
import { reservationItem } from '../../../lambda/shared/reservations';
import { run } from '../../../lib/cli/verify';
import { type LocalStack, recordingTablesOf } from '../../../lib/local';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { defaultPolicy } from '../../../lib/policy/load';
import { runMonth } from '../../../lib/simulation/month';
import { runCaptured } from '../../support/console';
import { sharedBundles } from '../../support/simulation';

const root = mkdtempSync(join(tmpdir(), 'fairlisten-verify-recovered-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
const PERIOD = '2026-10';

interface Staged {
  contactId?: string;
  decision?: Record<string, unknown>;
  recovered?: number;
}

/**
 * Stages a lost decision on the live tables: `pick` chooses the contact among the stored
 * decisions; `reserved` is what its reservation holds (what the sampler reserved, or a forgery).
 */
function staging(
  pick: (ds: Record<string, unknown>[]) => Record<string, unknown>,
  reserved: (d: Record<string, unknown>) => Record<string, unknown>,
  staged: Staged,
) {
  return async (stack: LocalStack, { ddb }: { ddb: DynamoDBDocumentClient }) => {
    const tables = stack.tables;
    const decisions = await scanAll(ddb, { TableName: tables.decisions!, ConsistentRead: true });
    const victim = pick(decisions);
    const contactId = String(victim.contactId);
    staged.contactId = contactId;
    // The sampler dies after StartContactRecording: its decision is never stored …
    await ddb.send(new DeleteCommand({ TableName: tables.decisions!, Key: { contactId } }));
    await ddb.send(new DeleteCommand({ TableName: tables.reservations!, Key: { contactId } }));
    await ddb.send(
      new PutCommand({
        TableName: tables.reservations!,
        Item: reservationItem(reserved(victim) as { contactId: string }, new Date()),
      }),
    );
    // … the hourly export runs meanwhile and moves past it …
    const scratch = mkdtempSync(join(root, 'early-export-'));
    await exportAudit({
      dynamo: ddb,
      auditTable: tables.audit!,
      decisionsTable: tables.decisions!,
      target: directoryExportTarget(scratch),
      retentionDays: 365,
      clock: () => new Date(),
      maxDecisionsPerScan: Number.MAX_SAFE_INTEGER,
    });
    // … and a file of the contact reaches ingest, which completes the decision from the reservation.
    const s3 = new VersionedS3('recordings');
    const key = `Analysis/Voice/2026/10/15/${contactId}_analysis_2026-10-15T10:20:00Z.json`;
    const body = Buffer.from('{}');
    const versionId = s3.addVersion(key, body);
    const out = await ingestObject(
      {
        objects: createS3RecordingObjects(s3.client, 'recordings'),
        store: createRecordingStore({
          client: ddb,
          tables: recordingTablesOf(tables),
          retentionDays: 90,
        }),
        audit: createAuditLog({ client: ddb, tableName: tables.audit!, retentionDays: 365 }),
        clock: () => new Date(),
        actor: 'function:ingest',
        recovery: createDecisionRecovery(ddb, {
          reservations: tables.reservations!,
          decisions: tables.decisions!,
        }),
      },
      { key, versionId, size: body.length, eventTime: new Date().toISOString() },
    );
    s3.client.destroy();
    expect(out.outcome).toBe('indexed');
    staged.decision = reserved(victim);
    staged.recovered = 1;
  };
}

async function month(name: string, beforeAuditExport: ReturnType<typeof staging>): Promise<string> {
  const outDir = join(root, name);
  await runMonth({
    agents: 6,
    teams: 2,
    coaches: 2,
    calls: 60,
    month: PERIOD,
    seed: 's3',
    policy: defaultPolicy(),
    outDir,
    beforeAuditExport,
    prebuiltBundles: sharedBundles(),
  });
  return outDir;
}

const earliest = (ds: Record<string, unknown>[], keep: (d: Record<string, unknown>) => boolean) =>
  ds.filter(keep).sort((a, b) => String(a.decidedAt).localeCompare(String(b.decidedAt)))[0]!;

async function verify(dir: string): Promise<{ code: number; lines: string[] }> {
  return runCaptured(() => run(['--month', dir]));
}

/** The month's audit records of `kind`, read from its export. */
function exported(dir: string, kind: string): { chain: string; data: Record<string, unknown> }[] {
  const out: { chain: string; data: Record<string, unknown> }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl'))
        for (const line of readFileSync(p, 'utf8').split('\n'))
          if (line.trim()) {
            const r = JSON.parse(line) as { kind?: string; chain: string; data: Record<string, unknown> };
            if (r.kind === kind) out.push(r);
          }
    }
  };
  walk(join(dir, 'audit'));
  return out;
}

const honest: Staged = {};
const forged: Staged = {};
let honestDir: string;
let forgedDir: string;

beforeAll(async () => {
  // The earliest recorded call: the sampler reserved exactly this decision before starting it.
  honestDir = await month(
    'honest',
    staging(
      (ds) => earliest(ds, (d) => d.recorded === true),
      (d) => d,
      honest,
    ),
  );
  // The earliest call the lottery did not draw, claimed drawn by a planted reservation (u below
  // the rate, or ingest would not take it).
  forgedDir = await month(
    'forged',
    staging(
      (ds) => earliest(ds, (d) => d.reason === 'not-drawn'),
      (d) => ({ ...d, u: 0.01, lotterySelected: true, recorded: true, reason: 'drawn' }),
      forged,
    ),
  );
}, 600_000);

describe('verify --month with a decision recovered by ingest', () => {
  it('accepts the month: the decision is in no decisions chain, its decision-recovered record stands for it', async () => {
    const cid = honest.contactId!;
    const recovered = exported(honestDir, DECISION_RECOVERED);
    expect(recovered.map((r) => [r.chain, (r.data.decision as { contactId: string }).contactId])).toEqual([
      [`privacy/${PERIOD}`, cid],
    ]);
    expect(exported(honestDir, 'decision').some((r) => r.data.contactId === cid)).toBe(false);
    const line = readFileSync(join(honestDir, 'decisions.jsonl'), 'utf8')
      .split('\n')
      .find((l) => l.includes(cid));
    expect(JSON.parse(line!)).toMatchObject({ contactId: cid, recorded: true, reason: 'drawn' });
    const { code, lines } = await verify(honestDir);
    expect(lines.join('\n')).toMatch(/^OK: \d+ decisions re-computed/m);
    expect(code).toBe(0);
  });

  it('refuses a recovered decision the published lottery did not draw, even with every chain genuine', async () => {
    const cid = forged.contactId!;
    expect(
      exported(forgedDir, DECISION_RECOVERED).map(
        (r) => (r.data.decision as { contactId: string }).contactId,
      ),
    ).toEqual([cid]);
    // decisions.jsonl is the decisions table, where ingest stored the recovered decision: file,
    // chains and signed heads all agree — only the published seed can refuse it.
    const line = readFileSync(join(forgedDir, 'decisions.jsonl'), 'utf8')
      .split('\n')
      .find((l) => l.includes(cid));
    expect(JSON.parse(line!)).toMatchObject({ contactId: cid, u: 0.01, recorded: true, reason: 'drawn' });
    const { code, lines } = await verify(forgedDir);
    expect(code).toBe(1);
    const out = lines.join('\n');
    expect(out).toMatch(
      new RegExp(`FAILED: contact ${cid} \\(line \\d+\\): stored u 0.01 but the draw recomputes to`),
    );
    expect(out).not.toMatch(
      /in decisions.jsonl but .* in the audit chain|audit chain: it was added after the fact/,
    );
  });
});
