import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PREFIX } from '../../../lambda/audit-export/config';
import {
  appendNewDecisions,
  EXPORT_ANOMALY_CHAIN,
  type ExportDeps,
  exportAudit,
  exportChains,
  WATERMARK_CHAIN,
} from '../../../lambda/audit-export/export';
import {
  directoryExportTarget,
  escapeChain,
  exportFileName,
  parseExportFileName,
  s3ExportTarget,
} from '../../../lambda/audit-export/targets';
import type { DecisionRecord } from '../../../lambda/core/decision';
import { createAuditLog, readChain, readHead } from '../../../lambda/shared/audit-log';
import { s3Publisher } from '../../../lambda/shared/publication';
import {
  createTables,
  type LocalDynamo,
  type LocalS3,
  startLocalDynamo,
  startLocalS3,
} from '../../../lib/local';
import { localHeadSigner } from '../../../lib/local/head-signer';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { verifyAuditExport, verifyExport } from '../../../lib/verify/audit-export';
import { downloadPublication } from '../../../lib/verify/publication';

const BUCKET = 'fairlisten-audit';
let dynamo: LocalDynamo;
let s3: LocalS3;
let doc: DynamoDBDocumentClient;
let tables: Record<string, string>;
let work: string;
let now = new Date('2026-12-10T10:00:00.000Z');
const clock = () => now;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  doc = DynamoDBDocumentClient.from(dynamo.client);
  tables = await createTables(dynamo.client);
  s3 = await startLocalS3({ buckets: [BUCKET] });
  work = await mkdtemp(join(tmpdir(), 'fairlisten-audit-export-'));
});
afterAll(async () => {
  await dynamo?.stop();
  await s3?.stop();
  await rm(work, { recursive: true, force: true });
});

const deps = (overrides: Partial<ExportDeps> = {}): ExportDeps => ({
  dynamo: doc,
  auditTable: tables.audit!,
  decisionsTable: tables.decisions!,
  target: s3ExportTarget(s3.client, BUCKET),
  retentionDays: 365,
  clock,
  ...overrides,
});

const decision = (contactId: string, decidedAt: string, extra: Partial<DecisionRecord> = {}) => ({
  contactId,
  initialContactId: null,
  agentArn: `arn:aws:connect:eu-central-1:111111111111:instance/i-1/agent/a-${contactId}`,
  agentId: `a-${contactId}`,
  queue: 'q-1',
  period: decidedAt.slice(0, 7),
  decidedAt,
  u: 0.42,
  rate: 0.2,
  lotterySelected: false,
  recorded: false,
  reason: 'not-drawn',
  policyVersion: '2026-1',
  algorithmVersion: 'v1',
  expiresAt: 1_900_000_000,
  ...extra,
});

async function putDecision(item: Record<string, unknown>) {
  await doc.send(new PutCommand({ TableName: tables.decisions!, Item: item }));
}

async function listKeys(): Promise<string[]> {
  const out = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: EXPORT_PREFIX }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** What a council member does: copy `exports/` to a local directory. */
async function download(dir: string): Promise<void> {
  for (const key of await listKeys()) {
    const out = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const path = join(dir, key.slice(EXPORT_PREFIX.length));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, await out.Body!.transformToString('utf8'));
  }
}

describe('file names', () => {
  it('escape chains reversibly and sort by seq', () => {
    expect(escapeChain('decisions/2026-12')).toBe('decisions%2F2026-12');
    expect(escapeChain('a%2Fb')).not.toBe(escapeChain('a/b'));
    expect(exportFileName(1, 12)).toBe('000000000001-000000000012.jsonl');
    expect(parseExportFileName('000000000001-000000000012.jsonl')).toEqual({ fromSeq: 1, toSeq: 12 });
    expect(parseExportFileName('x.jsonl.123.tmp')).toBeUndefined();
  });
});

describe('exportAudit against dynalite and s3rver', () => {
  it('records decisions, exports every chain once, and the export verifies', async () => {
    const log = createAuditLog({ client: doc, tableName: tables.audit!, retentionDays: 365, clock });
    for (let i = 0; i < 3; i++) {
      await log.append({ chain: 'listens/2026-12', kind: 'listen', actor: 'coach:c1', subject: `k${i}` });
    }
    await log.append({
      chain: 'seeds',
      kind: 'seed-commitment',
      actor: 'function:seed',
      data: { period: '2026-12' },
    });
    await log.append({
      chain: 'privacy/2026-12',
      kind: 'deletion',
      actor: 'agent:a1',
      data: { requestId: 'r1' },
    });

    await putDecision(
      decision('c-3', '2026-12-10T09:00:00.000Z', {
        u: 0.1,
        lotterySelected: true,
        recorded: true,
        reason: 'drawn',
      }),
    );
    await putDecision(decision('c-1', '2026-11-30T22:59:59.999Z'));
    await putDecision(decision('c-2', '2026-12-10T09:00:00.000Z', { u: null, reason: 'error' }));
    await putDecision(decision('c-4', '2026-12-10T09:58:00.000Z')); // younger than the settle time
    await putDecision({ contactId: 'c-bad', decidedAt: '2026-12-10T08:00:00.000Z' }); // not a decision

    const first = await exportAudit(deps());
    expect(first).toMatchObject({
      ran: true,
      decisions: { appended: 3, alreadyRecorded: 0, invalid: 1 },
      integrityIssues: [],
      errors: [],
    });
    const dec12 = await readChain(doc, tables.audit!, 'decisions/2026-12');
    // (decidedAt, contactId) order; data is exactly the decision (no expiresAt)
    expect(dec12.map((r) => r.subject)).toEqual(['c-2', 'c-3']);
    expect(dec12[0]).toMatchObject({
      kind: 'decision',
      actor: 'function:sampler',
      at: '2026-12-10T09:00:00.000Z',
    });
    expect(dec12[0]!.data).not.toHaveProperty('expiresAt');
    expect(dec12[0]!.data).toMatchObject({ contactId: 'c-2', u: null, reason: 'error' });

    const keys = await listKeys();
    expect(keys).toEqual([
      'exports/decisions%2F2026-11/000000000001-000000000001.jsonl',
      'exports/decisions%2F2026-12/000000000001-000000000002.jsonl',
      'exports/listens%2F2026-12/000000000001-000000000003.jsonl',
      'exports/privacy%2F2026-12/000000000001-000000000001.jsonl',
      'exports/seeds/000000000001-000000000001.jsonl',
    ]);

    // a second run exports nothing again
    const second = await exportAudit(deps());
    expect(second).toMatchObject({ ran: true, decisions: { appended: 0 }, files: [] });
    expect(await listKeys()).toEqual(keys);

    // one line per record, exactly the AuditRecord fields, canonical (sorted keys)
    const body = await (
      await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: keys[2]! }))
    ).Body!.transformToString('utf8');
    const lines = body.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual([
      'actor',
      'at',
      'chain',
      'data',
      'hash',
      'kind',
      'prevHash',
      'seq',
      'subject',
    ]);

    const dir = join(work, 'download-1');
    await download(dir);
    const report = verifyExport(dir);
    expect(report.issues).toEqual([]);
    expect(report.verification.ok).toBe(true);
    expect(report.verification.chains.map((c) => [c.chain, c.lastSeq])).toEqual([
      ['decisions/2026-11', 1],
      ['decisions/2026-12', 2],
      ['listens/2026-12', 3],
      ['privacy/2026-12', 1],
      ['seeds', 1],
    ]);

    // tampering with one downloaded line is detected
    const file = join(dir, 'listens%2F2026-12', exportFileName(1, 3));
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"subject":"k1"', '"subject":"k9"'));
    const tampered = verifyExport(dir);
    expect(tampered.verification.ok).toBe(false);
    expect(tampered.issues).toContainEqual(
      expect.objectContaining({ kind: 'hash-mismatch', chain: 'listens/2026-12', seq: 2 }),
    );
  });

  it('picks up settled decisions and new records on a later run, in new files', async () => {
    now = new Date('2026-12-10T11:00:00.000Z');
    const log = createAuditLog({ client: doc, tableName: tables.audit!, retentionDays: 365, clock });
    await log.append({ chain: 'listens/2026-12', kind: 'listen', actor: 'coach:c2', subject: 'k3' });
    const run = await exportAudit(deps());
    expect(run.decisions).toMatchObject({ appended: 1 });
    expect(run.files.map((f) => f.key).sort()).toEqual([
      `decisions%2F2026-12/${exportFileName(3, 3)}`,
      `listens%2F2026-12/${exportFileName(4, 4)}`,
    ]);
    const dir = join(work, 'download-2');
    await download(dir);
    const report = verifyExport(dir);
    expect(report.issues).toEqual([]);
    expect(report.verification.chains.find((c) => c.chain === 'listens/2026-12')).toMatchObject({
      lastSeq: 4,
    });
  });

  it('recovers from a crash between the steps and from a lost watermark without duplicates', async () => {
    now = new Date('2026-12-10T12:00:00.000Z');
    await putDecision(decision('c-5', '2026-12-10T11:30:00.000Z'));
    await putDecision(decision('c-6', '2026-12-10T11:31:00.000Z'));
    // crash after step 1: decisions recorded, nothing exported, watermark lost
    await expect(appendNewDecisions(deps())).resolves.toMatchObject({ appended: 2 });
    await doc.send(new DeleteCommand({ TableName: tables.audit!, Key: { chain: WATERMARK_CHAIN, seq: 0 } }));

    const run = await exportAudit(deps());
    expect(run.decisions).toMatchObject({ appended: 0, alreadyRecorded: 6 });
    expect(run.files.map((f) => f.key)).toEqual([`decisions%2F2026-12/${exportFileName(4, 5)}`]);
    expect((await readHead(doc, tables.audit!, 'decisions/2026-12'))!.seq).toBe(5);

    const dir = join(work, 'download-3');
    await download(dir);
    expect(verifyExport(dir).issues).toEqual([]);
  });

  it('splits large exports and writes the same JSON Lines to a local directory', async () => {
    const log = createAuditLog({ client: doc, tableName: tables.audit!, retentionDays: 365, clock });
    for (let i = 0; i < 5; i++) await log.append({ chain: 'big', kind: 'plan', actor: 'dpo:1', data: { i } });
    const dir = join(work, 'local', 'audit');
    const local = await exportAudit(deps({ target: directoryExportTarget(dir), maxRecordsPerFile: 2 }));
    expect(local.files.filter((f) => f.chain === 'big').map((f) => [f.fromSeq, f.toSeq])).toEqual([
      [1, 2],
      [3, 4],
      [5, 5],
    ]);
    expect(verifyExport(dir).issues).toEqual([]);
    expect(await readdir(join(dir, 'big'))).toHaveLength(3);
    // the S3 and directory exports hold the same lines
    await exportAudit(deps());
    const s3Dir = join(work, 'download-4');
    await download(s3Dir);
    const lines = async (root: string) =>
      (
        await Promise.all(
          (
            await readdir(join(root, 'listens%2F2026-12'))
          ).map((f) => readFile(join(root, 'listens%2F2026-12', f), 'utf8')),
        )
      ).join('');
    expect(await lines(dir)).toBe(await lines(s3Dir));
    expect(await exportAudit(deps({ target: directoryExportTarget(dir) }))).toMatchObject({ files: [] });
  });

  it('never stops on a foreign or malformed file: reports it once and exports on from the last verified record', async () => {
    const log = createAuditLog({ client: doc, tableName: tables.audit!, retentionDays: 365, clock });
    for (let i = 0; i < 3; i++)
      await log.append({ chain: 'stall', kind: 'plan', actor: 'dpo:1', data: { i } });
    const dir = join(work, 'stall', 'audit');
    const s3 = new VersionedS3('audit');
    const publication = { publisher: s3Publisher(s3.client, 'audit'), signer: localHeadSigner() };
    const errors: unknown[][] = [];
    const logger = { info() {}, warn() {}, error: (...a: unknown[]) => void errors.push(a) };
    const target = directoryExportTarget(dir);
    await exportAudit(deps({ target, publication }));
    // A foreign empty file whose name claims every seq from 4 on: it used to stop the chain for good.
    const foreign = `stall/${'000000000004-999999999999.jsonl'}`;
    await writeFile(join(dir, foreign), '');
    for (let i = 3; i < 6; i++)
      await log.append({ chain: 'stall', kind: 'plan', actor: 'dpo:1', data: { i } });

    now = new Date(now.getTime() + 3_600_000);
    const run = await exportAudit(deps({ target, publication, logger }));
    expect(run.errors).toEqual([]);
    expect(run.files.filter((f) => f.chain === 'stall').map((f) => [f.fromSeq, f.toSeq])).toEqual([[4, 6]]);
    expect(run.anomalies).toEqual([{ chain: 'stall', key: foreign, problem: 'empty' }]);
    expect(errors).toEqual([
      [
        'foreign or malformed file in the audit export; exporting on from the last verified record',
        { chain: 'stall', key: foreign, problem: 'empty' },
      ],
    ]);
    const reports = await readChain(doc, tables.audit!, EXPORT_ANOMALY_CHAIN);
    expect(reports.map((r) => [r.kind, r.subject, r.data.problem])).toEqual([
      ['export-anomaly', foreign, 'empty'],
    ]);
    // This run's signed heads cover the chain past the foreign file, and the report itself.
    const signed = run.headsKey!;
    const body = JSON.parse(s3.versions(signed)[0]!.body.toString('utf8')) as {
      chains: { chain: string; seq: number }[];
    };
    expect(body.chains).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ chain: 'stall', seq: 6 }),
        expect.objectContaining({ chain: EXPORT_ANOMALY_CHAIN, seq: 1 }),
      ]),
    );

    // The next run reports nothing new and still exports.
    await log.append({ chain: 'stall', kind: 'plan', actor: 'dpo:1', data: { i: 6 } });
    now = new Date(now.getTime() + 3_600_000);
    errors.length = 0;
    const next = await exportAudit(deps({ target, publication, logger }));
    expect(next.files.filter((f) => f.chain === 'stall').map((f) => [f.fromSeq, f.toSeq])).toEqual([[7, 7]]);
    expect(errors).toEqual([]);
    expect(await readChain(doc, tables.audit!, EXPORT_ANOMALY_CHAIN)).toHaveLength(1);
    // audit verify still names the foreign file (it stays: Object Lock), and nothing else in that chain.
    await downloadPublication(s3.client, 'audit', dir);
    const findings = verifyAuditExport(dir).findings.filter((f) => f.chain === 'stall');
    expect(findings.map((f) => f.message)).toEqual([
      `${foreign} is empty, but its name claims records 4–999999999999 of chain stall`,
    ]);
  });

  it('reports records that no longer continue the export (tampered store)', async () => {
    const head = (await readHead(doc, tables.audit!, 'seeds'))!;
    // someone with PutItem rewrites the exported head, then a new record links to the rewrite
    await doc.send(
      new PutCommand({
        TableName: tables.audit!,
        Item: { ...head, data: { period: '2027-01' }, expiresAt: 1 },
      }),
    );
    await doc.send(
      new PutCommand({
        TableName: tables.audit!,
        Item: { ...head, seq: 2, prevHash: 'f'.repeat(64), expiresAt: 1_900_000_000 },
      }),
    );
    const run = await exportChains(deps());
    expect(run.integrityIssues).toEqual([
      expect.stringMatching(/^chain seeds: .*seq 2 does not link to the exported seq 1/),
    ]);
  });

  it('lets one of two concurrent runs work and the other do nothing', async () => {
    const [a, b] = await Promise.all([exportAudit(deps()), exportAudit(deps())]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
  });
});

describe('s3ExportTarget writes each export file once', () => {
  it('a second put of an existing export key is refused by S3 (If-None-Match), the first version stays', async () => {
    const versioned = new VersionedS3('audit');
    const target = s3ExportTarget(versioned.client, 'audit');
    await target.put('chain/000000000001-000000000002.jsonl', 'genuine\n');
    await expect(target.put('chain/000000000001-000000000002.jsonl', 'rewritten\n')).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
    const versions = versioned.versions('exports/chain/000000000001-000000000002.jsonl');
    expect(versions.map((v) => v.body.toString())).toEqual(['genuine\n']);
  });
});
