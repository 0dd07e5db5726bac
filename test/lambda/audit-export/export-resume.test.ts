/**
 * A backlog bigger than one run (a big centre's month) is exported in several runs: each run is
 * interrupted — out of time, or by a failure mid-way — and the next one resumes. Whatever the
 * interruption, every decision is recorded once, every record exported once, and the export and
 * its signed heads verify at the end.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportDeps, type ExportResult, exportAudit } from '../../../lambda/audit-export/export';
import { directoryExportTarget, type ExportTarget } from '../../../lambda/audit-export/targets';
import type { AuditRecord } from '../../../lambda/core/audit-chain';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import { s3Publisher } from '../../../lambda/shared/publication';
import { createTables, type LocalDynamo, startLocalDynamo } from '../../../lib/local';
import { localHeadSigner } from '../../../lib/local/head-signer';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { verifyAuditExport } from '../../../lib/verify/audit-export';
import { downloadPublication } from '../../../lib/verify/publication';

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
let work: string;
let tableSet = 0;
let now = Date.parse('2027-01-02T10:00:00.000Z');
const clock = () => new Date(now);
/** The hourly schedule: each run an hour after the one before (its heads under a key of its own). */
const nextHour = () => {
  now += 3_600_000;
};

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  doc = DynamoDBDocumentClient.from(dynamo.client);
  work = await mkdtemp(join(tmpdir(), 'fairlisten-export-resume-'));
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(work, { recursive: true, force: true });
});

const DECISIONS = 57;
const LISTENS = 9;

const contactOf = (i: number) => `c-${String(i).padStart(3, '0')}`;

/** Fresh tables holding DECISIONS decisions (written out of order, some at the same instant) and a listens chain. */
async function backlog(): Promise<{ tables: Record<string, string>; expected: string[] }> {
  const n = ++tableSet;
  const tables = await createTables(dynamo.client, undefined, (logical) => `resume${n}-${logical}`);
  const keys: { decidedAt: string; contactId: string }[] = [];
  for (let k = 0; k < DECISIONS; k++) {
    const i = (k * 23) % DECISIONS; // a permutation: the table order is not the chain order
    const decidedAt = new Date(Date.UTC(2026, 11, 1 + (i % 28), 9, Math.floor(i / 2))).toISOString();
    const contactId = contactOf(i);
    keys.push({ decidedAt, contactId });
    await doc.send(
      new PutCommand({
        TableName: tables.decisions!,
        Item: {
          contactId,
          initialContactId: null,
          agentArn: `arn:aws:connect:eu-central-1:111111111111:instance/i-1/agent/a-${i % 5}`,
          agentId: `a-${i % 5}`,
          queue: 'q-1',
          period: '2026-12',
          decidedAt,
          u: (i % 10) / 10,
          rate: 0.2,
          lotterySelected: i % 10 < 2,
          recorded: i % 10 < 2,
          reason: i % 10 < 2 ? 'drawn' : 'not-drawn',
          policyVersion: '2026-1',
          algorithmVersion: 'v1',
          expiresAt: 1_900_000_000,
        },
      }),
    );
  }
  const log = createAuditLog({ client: doc, tableName: tables.audit!, retentionDays: 365, clock });
  for (let i = 0; i < LISTENS; i++) {
    await log.append({ chain: 'listens/2026-12', kind: 'listen', actor: 'coach:c1', subject: `k${i}` });
  }
  const expected = keys
    .sort((a, b) =>
      a.decidedAt < b.decidedAt ? -1 : a.decidedAt > b.decidedAt ? 1 : a.contactId < b.contactId ? -1 : 1,
    )
    .map((k) => k.contactId);
  return { tables, expected };
}

/** Every record of the export, by chain, in file order. */
async function exported(dir: string): Promise<Map<string, AuditRecord[]>> {
  const out = new Map<string, AuditRecord[]>();
  for (const chainDir of (await readdir(dir)).sort()) {
    if (chainDir === 'published' || chainDir.endsWith('.json')) continue;
    const records: AuditRecord[] = [];
    for (const file of (await readdir(join(dir, chainDir))).sort()) {
      const text = await readFile(join(dir, chainDir, file), 'utf8');
      for (const line of text.split('\n')) if (line) records.push(JSON.parse(line) as AuditRecord);
    }
    out.set(decodeURIComponent(chainDir), records);
  }
  return out;
}

/** Exactly once: the decisions chain holds each decision once, in order; every chain is seq 1..n once. */
async function expectExactlyOnce(dir: string, expected: readonly string[]): Promise<void> {
  const chains = await exported(dir);
  const decisions = chains.get('decisions/2026-12')!;
  expect(decisions.map((r) => r.subject)).toEqual(expected);
  expect(decisions.map((r) => r.seq)).toEqual(expected.map((_, i) => i + 1));
  const listens = chains.get('listens/2026-12')!;
  expect(listens.map((r) => r.seq)).toEqual(Array.from({ length: LISTENS }, (_, i) => i + 1));
  await downloadPublicationOf(dir);
  const report = verifyAuditExport(dir);
  expect(report.findings).toEqual([]);
  expect(report.chains.get('decisions/2026-12')?.lastSeq).toBe(DECISIONS);
}

let published: VersionedS3;
const downloadPublicationOf = (dir: string) => downloadPublication(published.client, 'audit', dir);

function depsOf(tables: Record<string, string>, target: ExportTarget, more: Partial<ExportDeps>): ExportDeps {
  published = new VersionedS3('audit');
  return {
    dynamo: doc,
    auditTable: tables.audit!,
    decisionsTable: tables.decisions!,
    target,
    retentionDays: 365,
    clock,
    maxRecordsPerFile: 4,
    maxDecisionsPerScan: 7,
    publication: { publisher: s3Publisher(published.client, 'audit'), signer: localHeadSigner() },
    ...more,
  };
}

describe('an export interrupted mid-way resumes in the next run', () => {
  it('out of time: each run stops before its reserve, the next resumes; every record exported exactly once', async () => {
    const { tables, expected } = await backlog();
    const dir = join(work, 'time');
    // Each run may start 25 pieces of work (appends, scans, chains, files), then is out of time.
    let checks = 0;
    const deps = depsOf(tables, directoryExportTarget(dir), {
      timeLeftMs: () => (++checks % 25 === 0 ? 59_999 : 600_000),
      reserveMs: 60_000,
    });
    const runs: ExportResult[] = [];
    for (let run = 0; run < 20; run++) {
      checks = 0;
      nextHour();
      const result = await exportAudit(deps);
      runs.push(result);
      expect(result.errors).toEqual([]);
      if (result.complete) break;
      expect(result.headsKey).toBeUndefined(); // an incomplete run publishes no heads
    }
    expect(runs.length).toBeGreaterThan(3);
    expect(runs.at(-1)!.complete).toBe(true);
    expect(runs.at(-1)!.headsKey).toBeDefined();
    const appended = runs.reduce((n, r) => n + r.decisions.appended, 0);
    expect(appended).toBe(DECISIONS);
    // Stopped between files, never inside one: the files of all runs are a partition of the chains.
    expect(runs.flatMap((r) => r.files.map((f) => f.key)).length).toBe(
      new Set(runs.flatMap((r) => r.files.map((f) => f.key))).size,
    );
    await expectExactlyOnce(dir, expected);
    // A run after the last one has nothing left to do.
    nextHour();
    const after = await exportAudit(deps);
    expect(after).toMatchObject({ complete: true, files: [], decisions: { appended: 0 } });
  });

  it('a failure mid-way (an append, a file write) stops the run; the next resumes without loss or duplicates', async () => {
    const { tables, expected } = await backlog();
    const dir = join(work, 'failure');
    const files = directoryExportTarget(dir);
    let puts = 0;
    const target: ExportTarget = {
      ...files,
      async put(key, body) {
        if (++puts === 10) throw new Error('S3 is unavailable'); // the second run's second file
        await files.put(key, body);
      },
    };
    // The 20th conditional put of an audit record fails once (DynamoDB throttled the exporter).
    let appends = 0;
    const flaky = {
      send(command: unknown) {
        const { input } = command as { input: { TableName?: string; ConditionExpression?: string } };
        if (input.TableName === tables.audit && input.ConditionExpression === 'attribute_not_exists(#c)') {
          if (++appends === 20) return Promise.reject(new Error('ProvisionedThroughputExceededException'));
        }
        return doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const deps = depsOf(tables, target, { dynamo: flaky });

    nextHour();
    const first = await exportAudit(deps);
    expect(first.errors).toEqual([expect.stringMatching(/ProvisionedThroughputExceededException/)]);
    expect(first.decisions.appended).toBe(19);
    expect(puts).toBeLessThan(10); // the first run's files were all written
    nextHour();
    const second = await exportAudit(deps);
    expect(second.errors).toEqual([expect.stringMatching(/S3 is unavailable/)]);
    expect(second.headsKey).toBeDefined(); // the heads of what was exported; the rest follows
    nextHour();
    const third = await exportAudit(deps);
    expect(third.errors).toEqual([]);
    expect(third.complete).toBe(true);
    expect(first.decisions.appended + second.decisions.appended + third.decisions.appended).toBe(DECISIONS);
    await expectExactlyOnce(dir, expected);
  });
});
