import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TAMPER_LOG_MESSAGE, watchChanges } from '../../../lambda/audit-sentinel/sentinel';
import { appendRecord, verifyChain } from '../../../lambda/core/audit-chain';
import { TAMPER_CHAIN, type WatchedTable } from '../../../lambda/core/write-sentinel';
import { createAuditLog, expiresAtOf, readChain } from '../../../lambda/shared/audit-log';
import { TABLES } from '../../../lambda/shared/tables';
import { createTables, LocalTableStream } from '../../../lib/local';
import { localDynamoPerFile } from '../../support/local';

const db = localDynamoPerFile();
let n = 0;
let auditTable: string;
let decisionsTable: string;
let tables: Record<string, WatchedTable>;
let auditStream: LocalTableStream;
let decisionsStream: LocalTableStream;

const at = new Date('2026-12-01T09:00:00.000Z');
const CHAIN = 'listens/2026-12';

beforeEach(async () => {
  n += 1;
  const names = await createTables(
    db.dynamo.client,
    { audit: TABLES.audit, decisions: TABLES.decisions },
    (logical) => `${logical}-${n}`,
  );
  auditTable = names.audit!;
  decisionsTable = names.decisions!;
  tables = { [auditTable]: 'audit', [decisionsTable]: 'decisions' };
  auditStream = await new LocalTableStream(db.dynamo.client, auditTable, TABLES.audit).start();
  decisionsStream = await new LocalTableStream(db.dynamo.client, decisionsTable, TABLES.decisions).start();
});

const auditLog = () =>
  createAuditLog({ client: db.doc, tableName: auditTable, retentionDays: 365, clock: () => at });
const logger = () => ({ error: vi.fn(), warn: vi.fn() });

async function appendListens(count: number): Promise<void> {
  const log = auditLog();
  for (let i = 1; i <= count; i++) {
    await log.append({
      chain: CHAIN,
      kind: 'listen',
      actor: `coach:c${i}`,
      subject: `contact-${i}`,
      data: { i },
    });
  }
}

describe('write sentinel on the audit table (dynalite + stream stand-in)', () => {
  it('lets conditional first writes through: appends are INSERTs, nothing is recorded', async () => {
    await appendListens(3);
    const records = await auditStream.poll();
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT', 'INSERT']);
    const log = logger();
    const report = await watchChanges({ audit: auditLog(), tables, logger: log }, { Records: records });
    expect(report.tampered).toEqual([]);
    expect(await readChain(db.doc, auditTable, TAMPER_CHAIN)).toEqual([]);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('detects an overwritten, re-hashed record that the chain check alone accepts', async () => {
    await appendListens(3);
    await auditStream.poll(); // the genuine appends
    const genuine = await readChain(db.doc, auditTable, CHAIN);

    // The attack: an appender's role (PutItem without the condition) rewrites listen #2 to name
    // another coach, then re-hashes #2 and #3 so the chain is consistent again.
    const forged2 = appendRecord(genuine[0], {
      chain: CHAIN,
      kind: 'listen',
      at: genuine[1]!.at,
      actor: 'coach:someone-else',
      subject: genuine[1]!.subject!,
      data: genuine[1]!.data,
    });
    const forged3 = appendRecord(forged2, {
      chain: CHAIN,
      kind: 'listen',
      at: genuine[2]!.at,
      actor: genuine[2]!.actor,
      subject: genuine[2]!.subject!,
      data: genuine[2]!.data,
    });
    for (const r of [forged2, forged3]) {
      await db.doc.send(
        new PutCommand({ TableName: auditTable, Item: { ...r, expiresAt: expiresAtOf(r.at, 365) } }),
      );
    }
    const rewritten = await readChain(db.doc, auditTable, CHAIN);
    expect(rewritten[1]!.actor).toBe('coach:someone-else');
    expect(verifyChain(rewritten).ok).toBe(true); // the hash chain alone cannot see it

    const log = logger();
    const report = await watchChanges(
      { audit: auditLog(), tables, logger: log },
      { Records: await auditStream.poll() },
    );
    expect(report.tampered.map((t) => [t.table, t.change, t.key])).toEqual([
      ['audit', 'MODIFY', `chain=${CHAIN} seq=2`],
      ['audit', 'MODIFY', `chain=${CHAIN} seq=3`],
    ]);
    expect(report.tampered[0]).toMatchObject({ oldHash: genuine[1]!.hash, newHash: forged2.hash });

    // Recorded in the sentinel's own chain, which verifies, and logged for the alarm.
    const findings = await readChain(db.doc, auditTable, TAMPER_CHAIN);
    expect(findings.map((r) => [r.kind, r.subject])).toEqual([
      ['audit-tampered', `audit:chain=${CHAIN} seq=2`],
      ['audit-tampered', `audit:chain=${CHAIN} seq=3`],
    ]);
    expect(findings[0]!.data).toMatchObject({ oldHash: genuine[1]!.hash, newHash: forged2.hash });
    expect(verifyChain(findings).ok).toBe(true);
    expect(log.error).toHaveBeenCalledTimes(2);
    expect(log.error).toHaveBeenCalledWith(TAMPER_LOG_MESSAGE, expect.anything());

    // The sentinel's own records reach the stream as INSERTs: no loop.
    const next = await watchChanges(
      { audit: auditLog(), tables, logger: logger() },
      { Records: await auditStream.poll() },
    );
    expect(next).toEqual({ records: 2, tampered: [] });
  });

  it('detects a deleted record but not a TTL expiry or the exporter bookkeeping', async () => {
    await appendListens(3);
    await auditStream.poll();
    await db.doc.send(new DeleteCommand({ TableName: auditTable, Key: { chain: CHAIN, seq: 3 } }));
    const removed = await auditStream.poll();
    const ttl = await auditStream.expire({ chain: { S: CHAIN }, seq: { N: '1' } });
    // The exporter rewrites its watermark on purpose.
    await db.doc.send(
      new PutCommand({ TableName: auditTable, Item: { chain: '_watermark', seq: 0, decidedAt: 'a' } }),
    );
    await auditStream.poll();
    await db.doc.send(
      new PutCommand({ TableName: auditTable, Item: { chain: '_watermark', seq: 0, decidedAt: 'b' } }),
    );
    const bookkeeping = await auditStream.poll();
    expect(bookkeeping.map((r) => r.eventName)).toEqual(['MODIFY']);

    const report = await watchChanges(
      { audit: auditLog(), tables, logger: logger() },
      { Records: [...removed, ttl, ...bookkeeping] },
    );
    expect(report.tampered.map((t) => [t.table, t.change, t.key])).toEqual([
      ['audit', 'REMOVE', `chain=${CHAIN} seq=3`],
    ]);
  });

  it('detects a rewritten or deleted sampler decision', async () => {
    const decision = { contactId: 'c-1', recorded: false, reason: 'not-drawn', expiresAt: 1 };
    await db.doc.send(
      new PutCommand({
        TableName: decisionsTable,
        Item: decision,
        ConditionExpression: 'attribute_not_exists(contactId)',
      }),
    );
    await db.doc.send(
      new PutCommand({
        TableName: decisionsTable,
        Item: { contactId: 'c-2', recorded: false, expiresAt: 1 },
      }),
    );
    const first = await decisionsStream.poll();
    expect(first.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT']);
    expect(await watchChanges({ audit: auditLog(), tables, logger: logger() }, { Records: first })).toEqual({
      records: 2,
      tampered: [],
    });
    // The attack: a not-drawn call relabelled drawn, another decision removed.
    await db.doc.send(
      new PutCommand({ TableName: decisionsTable, Item: { ...decision, recorded: true, reason: 'drawn' } }),
    );
    await db.doc.send(new DeleteCommand({ TableName: decisionsTable, Key: { contactId: 'c-2' } }));
    const report = await watchChanges(
      { audit: auditLog(), tables, logger: logger() },
      { Records: await decisionsStream.poll() },
    );
    expect(report.tampered.map((t) => [t.table, t.change, t.key])).toEqual([
      ['decisions', 'MODIFY', 'contactId=c-1'],
      ['decisions', 'REMOVE', 'contactId=c-2'],
    ]);
    expect(report.tampered[0]!.oldHash).toBeUndefined();
  });

  it('fails the batch when the finding cannot be recorded, so the stream re-delivers it', async () => {
    await appendListens(2);
    await auditStream.poll();
    await db.doc.send(new DeleteCommand({ TableName: auditTable, Key: { chain: CHAIN, seq: 2 } }));
    const records = await auditStream.poll();
    const failing = { append: vi.fn().mockRejectedValue(new Error('throttled')) };
    await expect(
      watchChanges({ audit: failing, tables, logger: logger() }, { Records: records }),
    ).rejects.toThrow(/throttled/);
  });
});

describe('write sentinel on an event that is not a stream batch', () => {
  it('records an unreadable batch rather than crashing', async () => {
    const appended: unknown[] = [];
    const audit = {
      append: async (e: unknown) => {
        appended.push(e);
        return { chain: 'x', seq: 1, hash: '' };
      },
    };
    const report = await watchChanges({ audit, tables, logger: logger() }, 'not an event');
    expect(report.tampered).toHaveLength(1);
    expect(appended).toHaveLength(1);
  });
});
