/**
 * GET /me/audit: an agent reads their own entries of the audit log — the real hash chains on a
 * local DynamoDB (dynalite), written with the real audit log — and nothing of anyone else's.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor, type MyAuditEntry } from '../../../lambda/core/my-audit';
import { type AuditLog, createAuditLog, readChain } from '../../../lambda/shared/audit-log';
import type { ReportPolicy } from '../../../lambda/shared/report-config';
import { createViews, type ViewsDeps } from '../../../lambda/views/views';
import { createTables, type LocalDynamo, startLocalDynamo } from '../../../lib/local';
import {
  apiEvent,
  claimsOf,
  IDENTITY,
  PEOPLE,
  type Persona,
  putContact,
  silentLogger,
  uuid,
} from '../../support/listening';
import { MemoryAudit } from '../../support/memory-audit';

const NOW = new Date('2026-12-10T10:00:00.000Z');
const P = '2026-11';
const POLICY = { timezone: 'Europe/Paris' } as ReportPolicy;
const A = PEOPLE.agent;
const B = PEOPLE.otherAgent;
const c = (i: number) => uuid(i, '7');

let dynamo: LocalDynamo;
let ddb: DynamoDBDocumentClient;
let tables: Record<string, string>;
let audit: AuditLog;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  ddb = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  tables = await createTables(dynamo.client, undefined, (l) => `${l}-ma`);
  audit = createAuditLog({ client: ddb, tableName: tables.audit!, retentionDays: 365, clock: () => NOW });
  // A's recordings of P: c1 kept, c3 expired; B's: c4.
  await putContact(ddb, tables.recordings!, { contactId: c(1), agentId: A, period: P });
  await putContact(ddb, tables.recordings!, { contactId: c(3), agentId: A, period: P, state: 'expired' });
  await putContact(ddb, tables.recordings!, { contactId: c(4), agentId: B, period: P });
  const at = new Date('2026-11-20T09:00:00.000Z');
  const entries = [
    // privacy/P
    {
      chain: `privacy/${P}`,
      kind: 'suspension',
      actor: `agent:${A}`,
      subject: c(1),
      data: { contactId: c(1) },
    },
    {
      chain: `privacy/${P}`,
      kind: 'suspension',
      actor: `agent:${B}`,
      subject: c(4),
      data: { contactId: c(4) },
    },
    {
      chain: `privacy/${P}`,
      kind: 'deletion-requested',
      actor: 'dpo:sub-dpo',
      subject: c(3),
      data: { requestId: uuid(1, '8') },
    },
    {
      chain: `privacy/${P}`,
      kind: 'unauthorized-recording',
      actor: 'function:ingest',
      subject: c(4),
      data: { contactId: c(4) },
    },
    {
      chain: `privacy/${P}`,
      kind: 'retention-expired',
      actor: 'function:retention-sweeper',
      subject: c(3),
      data: { contactId: c(3), key: 'k' },
    },
    // listens/P
    {
      chain: `listens/${P}`,
      kind: 'assignment',
      actor: 'function:assignment',
      subject: P,
      data: {
        scope: 'coach',
        coachId: PEOPLE.coach,
        coachTeam: 'team-b',
        listens: [
          { contactId: c(1), agentId: A, agentTeam: 'team-a' },
          { contactId: c(4), agentId: B, agentTeam: 'team-a' },
        ],
      },
    },
    {
      chain: `listens/${P}`,
      kind: 'assignment',
      actor: 'function:assignment',
      subject: P,
      data: { scope: 'run', listens: 2 },
    },
    {
      chain: `listens/${P}`,
      kind: 'listen',
      actor: `coach:${PEOPLE.coach}`,
      subject: c(1),
      data: { period: P, agentId: A, play: 1 },
    },
    {
      chain: `listens/${P}`,
      kind: 'listen',
      actor: `coach:${PEOPLE.coach}`,
      subject: c(4),
      data: { period: P, agentId: B, play: 1 },
    },
    // governance/P
    {
      chain: `governance/${P}`,
      kind: 'plan',
      actor: `coach:${PEOPLE.coach}`,
      subject: uuid(1, '9'),
      data: { action: 'proposed', agentId: A },
    },
    {
      chain: `governance/${P}`,
      kind: 'plan',
      actor: `coach:${PEOPLE.coach}`,
      subject: uuid(2, '9'),
      data: { action: 'proposed', agentId: B },
    },
    // never an agent's: the council's reads of the monthly report
    { chain: `transparency/${P}`, kind: 'report-read', actor: 'staffRepresentative:x', subject: P, data: {} },
  ];
  for (const e of entries) await audit.append({ ...e, at });
});
afterAll(() => dynamo?.stop());

const deps = (over: Partial<ViewsDeps> = {}): ViewsDeps => ({
  ddb,
  listeningTable: tables.listening!,
  plansTable: tables.plans!,
  recordingsTable: tables.recordings!,
  s3: { send: () => Promise.reject(new Error('no S3 here')) },
  identity: IDENTITY,
  policy: POLICY,
  now: () => NOW,
  logger: silentLogger,
  audit,
  auditTable: tables.audit!,
  ...over,
});
const get = async (
  persona: Persona | 'otherAgent',
  query: Record<string, string> = {},
  over: Partial<ViewsDeps> = {},
) => {
  const event =
    persona === 'otherAgent'
      ? {
          ...apiEvent('GET /me/audit', 'agent', { query }),
          requestContext: {
            authorizer: {
              jwt: { claims: { ...claimsOf('agent'), sub: 'sub-agent-2', 'custom:connect_user_id': B } },
            },
          },
        }
      : apiEvent('GET /me/audit', persona, { query });
  const res = await createViews(deps(over))(event);
  return { status: res.statusCode, body: res.statusCode === 200 ? JSON.parse(res.body) : res.body };
};
const what = (entries: MyAuditEntry[]) => entries.map((e) => `${e.chain} ${e.kind} ${e.subject ?? ''}`);

describe('GET /me/audit', () => {
  it("lists every access to my recordings and data, and nothing of another agent's", async () => {
    const res = await get('agent', { period: P });
    expect(res.status).toBe(200);
    expect(res.body.agentId).toBe(A);
    expect(what(res.body.entries)).toEqual([
      `privacy/${P} suspension ${c(1)}`,
      `privacy/${P} deletion-requested ${c(3)}`,
      `privacy/${P} retention-expired ${c(3)}`,
      `listens/${P} assignment ${P}`,
      `listens/${P} listen ${c(1)}`,
      `governance/${P} plan ${uuid(1, '9')}`,
    ]);
    // The assignment across agents shows only my listen; each entry names its place in the chain.
    const assignment = res.body.entries.find((e: MyAuditEntry) => e.kind === 'assignment');
    expect(assignment).toMatchObject({ partial: true, data: { listens: [{ contactId: c(1), agentId: A }] } });
    const stored = await readChain(ddb, tables.audit!, `listens/${P}`);
    expect(assignment.hash).toBe(stored.find((r) => r.seq === assignment.seq)!.hash);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(B);
    expect(text).not.toContain(c(4));
    expect(text).not.toContain('staffRepresentative');
  });

  it('the other agent sees theirs, never mine; asking for another agent by parameter is refused', async () => {
    const theirs = await get('otherAgent', { period: P });
    expect(what(theirs.body.entries)).toEqual([
      `privacy/${P} suspension ${c(4)}`,
      `privacy/${P} unauthorized-recording ${c(4)}`,
      `listens/${P} assignment ${P}`,
      `listens/${P} listen ${c(4)}`,
      `governance/${P} plan ${uuid(2, '9')}`,
    ]);
    expect(JSON.stringify(theirs.body)).not.toContain(A);
    expect(JSON.stringify(theirs.body)).not.toContain(c(1));

    const refused = await get('agent', { period: P, agentId: B });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('not-yours');
    // Naming oneself is allowed (and changes nothing).
    expect((await get('agent', { period: P, agentId: A })).status).toBe(200);
  });

  it('a forged cursor moves the page, never the filter; a malformed one or a limit past 100 is a 400', async () => {
    for (const chain of [0, 1, 2, 3]) {
      const res = await get('agent', { period: P, cursor: encodeCursor({ chain, afterSeq: 0 }) });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(B);
    }
    for (const query of [
      { cursor: 'x' } as Record<string, string>,
      { cursor: encodeCursor({ chain: 9, afterSeq: 0 }) },
      { limit: '101' },
    ]) {
      expect((await get('agent', { period: P, ...query })).status).toBe(400);
    }
    expect((await get('agent', { period: '2026-13' })).status).toBe(400);
  });

  it('pages through the same entries, each page recorded on chain me/<period> before it is served', async () => {
    const all = (await get('agent', { period: P })).body.entries as MyAuditEntry[];
    const before = (await readChain(ddb, tables.audit!, 'me/2026-12')).length;
    const paged: MyAuditEntry[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await get('agent', { period: P, limit: '2', ...(cursor ? { cursor } : {}) });
      expect(res.body.entries.length).toBeLessThanOrEqual(2);
      paged.push(...res.body.entries);
      cursor = res.body.next;
      pages++;
    } while (cursor && pages < 20);
    expect(paged).toEqual(all);
    const reads = (await readChain(ddb, tables.audit!, 'me/2026-12')).slice(before);
    expect(reads).toHaveLength(pages);
    expect(reads[0]).toMatchObject({
      kind: 'audit-read',
      actor: `agent:${A}`,
      subject: A,
      data: { period: P },
    });
    // My reads are my entries too: the current period lists them.
    const now = (await get('agent')).body;
    expect(now.period).toBe('2026-12');
    expect(now.entries.filter((e: MyAuditEntry) => e.kind === 'audit-read').length).toBeGreaterThanOrEqual(
      pages,
    );
  });

  it('serves nothing when the read cannot be recorded, or when the audit table is not configured', async () => {
    const failing = new MemoryAudit();
    failing.failing = true;
    const res = await get('agent', { period: P }, { audit: failing });
    expect(res.status).toBe(503);
    expect(res.body).not.toContain(c(1));
    expect((await get('agent', { period: P }, { auditTable: undefined })).status).toBe(503);
  });

  it.each([
    ['coach', 403],
    ['dpo', 403],
    ['staffRepresentative', 403],
    ['none', 401],
  ] as const)('refuses %s (%i)', async (persona, status) => {
    expect((await get(persona, { period: P })).status).toBe(status);
  });
});
