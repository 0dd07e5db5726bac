import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain } from '../../../lambda/core/audit-chain';
import {
  AuditWriteError,
  createAuditLog,
  expiresAtOf,
  readChain,
  readHead,
  UNKNOWN_HEAD,
} from '../../../lambda/shared/audit-log';
import { createTables } from '../../../lib/local';
import { localDynamoPerFile } from '../../support/local';

const db = localDynamoPerFile();
let table: string;
let n = 0;

beforeEach(async () => {
  // a fresh audit table per test
  n += 1;
  const names = await createTables(db.dynamo.client, undefined, (logical) => `${logical}-${n}`);
  table = names.audit!;
});

const at = new Date('2026-12-01T09:00:00.000Z');
const entry = (i: number, chain = 'listens/2026-12') => ({
  chain,
  kind: 'listen',
  actor: `coach:c${i % 3}`,
  subject: `contact-${i}`,
  data: { i, rate: 0.2, ids: [`a${i}`], nested: { u: i / 7, none: null } },
});

describe('createAuditLog', () => {
  it('appends sequential records that form a verifiable chain, with their TTL', async () => {
    const log = createAuditLog({ client: db.doc, tableName: table, retentionDays: 365, clock: () => at });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await log.append(entry(i)));
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);

    const records = await readChain(db.doc, table, 'listens/2026-12');
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]!.prevHash).toBe(GENESIS_HASH);
    expect(records.at(-1)!.hash).toBe(results.at(-1)!.hash);
    const v = verifyChain(records);
    expect(v.issues).toEqual([]);
    expect(v.ok).toBe(true);

    const stored = await db.doc.send(
      new GetCommand({ TableName: table, Key: { chain: 'listens/2026-12', seq: 1 } }),
    );
    expect(stored.Item!.expiresAt).toBe(Math.floor(at.getTime() / 1000) + 365 * 86_400);
    expect(expiresAtOf('2026-01-01T00:00:00.000Z', 1)).toBe(Date.UTC(2026, 0, 2) / 1000);
    // the exported record carries exactly the AuditRecord fields
    expect(Object.keys(records[0]!).sort()).toEqual(
      ['actor', 'at', 'chain', 'data', 'hash', 'kind', 'prevHash', 'seq', 'subject'].sort(),
    );
  });

  it('keeps chains apart and omits an absent subject', async () => {
    const log = createAuditLog({ client: db.doc, tableName: table, retentionDays: 30 });
    await log.append({ chain: 'a', kind: 'plan', actor: 'dpo:1' });
    await log.append({ chain: 'b', kind: 'plan', actor: 'dpo:1' });
    const second = await log.append({ chain: 'a', kind: 'plan', actor: 'dpo:1', data: { x: 1 } });
    expect(second.seq).toBe(2);
    const a = await readChain(db.doc, table, 'a');
    expect(a[0]).not.toHaveProperty('subject');
    expect(verifyChain([...a, ...(await readChain(db.doc, table, 'b'))]).ok).toBe(true);
    expect((await readHead(db.doc, table, 'b'))!.seq).toBe(1);
    expect(await readHead(db.doc, table, 'c')).toBeUndefined();
  });

  it('50 concurrent appends to one chain give seq 1..50, one chain, no fork', async () => {
    // Each lost race means another writer's record took that seq, and each writer appends once:
    // with 50 writers nobody loses more than 49 times, so 50 attempts always suffice.
    const log = createAuditLog({ client: db.doc, tableName: table, retentionDays: 365, maxAttempts: 50 });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(entry(i, 'hot'))));
    expect(results.map((r) => r.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const records = await readChain(db.doc, table, 'hot');
    expect(records).toHaveLength(50);
    expect(new Set(records.map((r) => r.data.i)).size).toBe(50);
    const v = verifyChain(records);
    expect(v.issues).toEqual([]);
    expect(v.chains).toEqual([
      expect.objectContaining({ chain: 'hot', records: 50, firstSeq: 1, lastSeq: 50 }),
    ]);
  });

  it('gives up with AuditWriteError(contention) after maxAttempts lost races', async () => {
    // a rival that always wins: just before each of our puts, it appends the seq we computed
    const other = createAuditLog({ client: db.doc, tableName: table, retentionDays: 30 });
    const loser = createAuditLog({
      client: {
        send: async (command: unknown) => {
          if (command instanceof PutCommand) {
            await other.append({ chain: 'c', kind: 'plan', actor: 'dpo:2' });
          }
          return db.doc.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient,
      tableName: table,
      retentionDays: 30,
      maxAttempts: 3,
      sleep: async () => {},
    });
    const err = await loser.append({ chain: 'c', kind: 'plan', actor: 'dpo:1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditWriteError);
    expect(err).toMatchObject({ reason: 'contention', chain: 'c' });
    // the rival's three records are there, ours is not, and the chain is intact
    const records = await readChain(db.doc, table, 'c');
    expect(records.map((r) => r.actor)).toEqual(['dpo:2', 'dpo:2', 'dpo:2']);
    expect(verifyChain(records).ok).toBe(true);
  });

  it('surfaces a store failure as AuditWriteError(store)', async () => {
    const log = createAuditLog({ client: db.doc, tableName: 'no-such-table', retentionDays: 30 });
    const err = await log.append(entry(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditWriteError);
    expect(err).toMatchObject({ reason: 'store' });
  });

  it('refuses to link to a tampered head (corrupt-head) and to invalid entries', async () => {
    const log = createAuditLog({ client: db.doc, tableName: table, retentionDays: 30 });
    await log.append({ chain: 'd', kind: 'plan', actor: 'dpo:1', data: { n: 1 } });
    const head = (await readHead(db.doc, table, 'd'))!;
    await db.doc.send(new PutCommand({ TableName: table, Item: { ...head, data: { n: 2 } } }));
    await expect(log.append({ chain: 'd', kind: 'plan', actor: 'dpo:1' })).rejects.toMatchObject({
      name: 'AuditWriteError',
      reason: 'corrupt-head',
    });
    await expect(log.append({ chain: 'e', kind: 'Not A Kind', actor: 'dpo:1' })).rejects.toMatchObject({
      reason: 'invalid-entry',
    });
    await expect(
      log.append({ chain: 'e', kind: 'plan', actor: 'dpo:1', data: { bad: undefined } }),
    ).rejects.toMatchObject({ reason: 'invalid-entry' });
    await expect(log.append({ chain: '_watermark', kind: 'plan', actor: 'dpo:1' })).rejects.toMatchObject({
      reason: 'invalid-entry',
    });
    expect(await readChain(db.doc, table, 'e')).toEqual([]);
  });

  it('validates its options', () => {
    expect(() => createAuditLog({ client: db.doc, tableName: table, retentionDays: 400 })).toThrow(
      /retentionDays must be a whole number 1\.\.365, got 400/,
    );
    expect(() =>
      createAuditLog({ client: db.doc, tableName: table, retentionDays: 30, maxAttempts: 0 }),
    ).toThrow(/maxAttempts/);
  });
});

describe('appendAfter (a writer appending a run of records)', () => {
  it('appends from its own view of the head without re-reading it', async () => {
    const log = createAuditLog({ client: db.doc, tableName: table, retentionDays: 365, clock: () => at });
    let head: Awaited<ReturnType<typeof log.appendAfter>>['head'] | typeof UNKNOWN_HEAD = UNKNOWN_HEAD;
    for (let i = 0; i < 5; i++) {
      const out = await log.appendAfter('run/2026-12', head, () => entry(i, 'run/2026-12'));
      expect(out.appended?.seq).toBe(i + 1);
      head = out.head;
    }
    expect(verifyChain(await readChain(db.doc, table, 'run/2026-12')).ok).toBe(true);
  });

  it('a stale view costs a retry, never a fork', async () => {
    const a = createAuditLog({ client: db.doc, tableName: table, retentionDays: 365, clock: () => at });
    const b = createAuditLog({ client: db.doc, tableName: table, retentionDays: 365, clock: () => at });
    const first = await a.appendAfter('race/2026-12', UNKNOWN_HEAD, () => entry(1, 'race/2026-12'));
    await b.append(entry(2, 'race/2026-12')); // another writer moves the head
    const stale = await a.appendAfter('race/2026-12', first.head, () => entry(3, 'race/2026-12'));
    expect(stale.appended?.seq).toBe(3);
    const records = await readChain(db.doc, table, 'race/2026-12');
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(verifyChain(records).ok).toBe(true);
  });

  it('returns the current head when the builder declines', async () => {
    const log = createAuditLog({ client: db.doc, tableName: table, retentionDays: 365, clock: () => at });
    await log.append(entry(1, 'skip/2026-12'));
    const out = await log.appendAfter('skip/2026-12', UNKNOWN_HEAD, () => undefined);
    expect(out.appended).toBeUndefined();
    expect(out.head?.seq).toBe(1);
  });
});
