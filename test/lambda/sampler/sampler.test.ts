import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draw } from '../../../lambda/core/lottery';
import { pacedLimit } from '../../../lambda/core/pacing';
import { elapsedFraction } from '../../../lambda/core/period';
import { connectTimeoutMs } from '../../../lambda/sampler/sampler';
import { scanAll } from '../../../lambda/shared/dynamo';
import { type LocalStack, startLocalStack } from '../../../lib/local';
import { decisionsJsonl, sortDecisions, toDecisionRecord } from '../../../lib/simulation/output';
import { verifyDecisions } from '../../../lib/verify/verify';
import {
  AGENT_ID,
  clients,
  event,
  INSTANCE_ID,
  POLICY,
  putSeed,
  SEED,
  sampler,
  silentLogger,
} from '../../support/sampler';

let stack: LocalStack;
let ddb: ReturnType<typeof clients>['ddb'];

/** Contact ids the lottery selects (u < rate) or not, under SEED. */
const contacts = (n: number, drawn: boolean): string[] => {
  const out: string[] = [];
  while (out.length < n) {
    const id = randomUUID();
    if (draw(SEED, id) < POLICY.samplingRate === drawn) out.push(id);
  }
  return out;
};

const at = (iso: string) => () => new Date(iso);

beforeAll(async () => {
  stack = await startLocalStack({ buckets: [], connectState: { instanceId: INSTANCE_ID } });
  ddb = clients(stack).ddb;
  for (const period of ['2026-11', '2026-12', '2027-01']) await putSeed(ddb, stack.tables.seeds!, period);
  await putSeed(ddb, stack.tables.seeds!, '2027-02', { committed: false });
  await putSeed(ddb, stack.tables.seeds!, '2027-04', { committedAt: '2027-04-02T00:00:00.000Z' });
});
afterAll(async () => {
  await stack?.stop();
});

const quota = async (agentId: string, period: string) =>
  (await ddb.send(new GetCommand({ TableName: 'quotas', Key: { agentId, period }, ConsistentRead: true })))
    .Item as { reserved: number; contacts?: Set<string> } | undefined;
const stored = async (contactId: string) =>
  (await ddb.send(new GetCommand({ TableName: 'decisions', Key: { contactId }, ConsistentRead: true }))).Item;
const startCalls = (contactId: string) =>
  stack.connect.standIn.calls.filter(
    (c) => c.operation === 'StartContactRecording' && c.input.ContactId === contactId,
  );

describe('sampler against dynalite and the Connect stand-in', () => {
  it('records a drawn contact: reserves a slot, starts the recording, stores the decision', async () => {
    const agent = randomUUID();
    const [cid] = contacts(1, true);
    stack.connect.standIn.addContact({ id: cid!, agentId: agent });
    const s = sampler(stack, at('2026-11-20T10:00:00.000Z'));
    await expect(s.handle(event(cid!, { agentId: agent }))).resolves.toEqual({
      record: 'true',
      reason: 'drawn',
    });
    expect(stack.connect.standIn.recording(cid!).state).toBe('recording');
    expect(startCalls(cid!)[0]!.input).toEqual({
      InstanceId: INSTANCE_ID,
      ContactId: cid,
      InitialContactId: cid,
      VoiceRecordingConfiguration: { VoiceRecordingTrack: 'ALL' },
    });
    const q = await quota(agent, '2026-11');
    expect(q?.reserved).toBe(1);
    expect([...(q?.contacts ?? [])]).toEqual([cid]);
    // The quota item expires auditRetentionDays after its creation, not after the period's end.
    expect((q as { expiresAt?: number } | undefined)?.expiresAt).toBe(
      Date.parse('2026-11-20T10:00:00.000Z') / 1000 + 365 * 86_400,
    );
    const item = await stored(cid!);
    expect(item).toMatchObject({
      contactId: cid,
      initialContactId: null,
      agentId: agent,
      period: '2026-11',
      decidedAt: '2026-11-20T10:00:00.000Z',
      u: draw(SEED, cid!),
      rate: 0.3,
      lotterySelected: true,
      recorded: true,
      reason: 'drawn',
      policyVersion: 'test-1',
      algorithmVersion: 'fairlisten-lottery-v1',
      expiresAt: Date.parse('2026-11-20T10:00:00.000Z') / 1000 + 365 * 86_400,
    });
  });

  it('skips a contact the lottery did not draw without touching Connect or the quota', async () => {
    const agent = randomUUID();
    const [cid] = contacts(1, false);
    const s = sampler(stack, at('2026-11-20T10:00:00.000Z'));
    await expect(s.handle(event(cid!, { agentId: agent }))).resolves.toEqual({
      record: 'false',
      reason: 'not-drawn',
    });
    expect(startCalls(cid!)).toHaveLength(0);
    expect(await quota(agent, '2026-11')).toBeUndefined();
    expect(await stored(cid!)).toMatchObject({
      recorded: false,
      reason: 'not-drawn',
      lotterySelected: false,
    });
  });

  it('gives a transferred leg the draw of its initial contact', async () => {
    const [first] = contacts(1, true);
    const second = randomUUID();
    const agent = randomUUID();
    stack.connect.standIn.addContact({ id: first!, agentId: AGENT_ID });
    stack.connect.standIn.transferContact(first!, { id: second, agentId: agent });
    const s = sampler(stack, at('2026-11-25T10:00:00.000Z'));
    await expect(s.handle(event(second, { agentId: agent, initialContactId: first! }))).resolves.toEqual({
      record: 'true',
      reason: 'drawn',
    });
    expect(await stored(second)).toMatchObject({ initialContactId: first, u: draw(SEED, first!) });
    expect(startCalls(second)[0]!.input.InitialContactId).toBe(first);
  });

  it('answers retried invocations the same way and counts the contact once (sequential and concurrent)', async () => {
    const agent = randomUUID();
    const [a, b] = contacts(2, true);
    for (const id of [a!, b!]) stack.connect.standIn.addContact({ id, agentId: agent });
    const s = sampler(stack, at('2026-11-28T10:00:00.000Z'));
    const sequential = [];
    for (let i = 0; i < 3; i++) sequential.push(await s.handle(event(a!, { agentId: agent })));
    expect(new Set(sequential.map((x) => JSON.stringify(x)))).toEqual(
      new Set(['{"record":"true","reason":"drawn"}']),
    );
    expect(startCalls(a!)).toHaveLength(1);
    // Three attempts in flight at once, each with its own execution environment (seed cache).
    const concurrent = await Promise.all(
      [0, 1, 2].map(() =>
        sampler(stack, at('2026-11-28T10:00:01.000Z')).handle(event(b!, { agentId: agent })),
      ),
    );
    expect(concurrent).toEqual([concurrent[0], concurrent[0], concurrent[0]]);
    expect(concurrent[0]).toEqual({ record: 'true', reason: 'drawn' });
    expect((await quota(agent, '2026-11'))?.reserved).toBe(2);
    const q = await quota(agent, '2026-11');
    expect([...(q?.contacts ?? [])].sort()).toEqual([a, b].sort());
  });

  it('never overshoots the paced limit or the cap with 500 concurrent decisions for one agent', async () => {
    const agent = randomUUID();
    const mid = '2026-12-16T12:00:00.000Z';
    const late = '2026-12-31T20:00:00.000Z';
    const midLimit = pacedLimit(8, elapsedFraction(new Date(mid), 'Europe/Paris'));
    expect(midLimit).toBeGreaterThan(0);
    expect(midLimit).toBeLessThan(8);
    const run = async (iso: string, n: number) => {
      const ids = contacts(n, true);
      for (const id of ids) stack.connect.standIn.addContact({ id, agentId: agent });
      const envs = [0, 1, 2, 3].map(() => sampler(stack, at(iso)));
      return Promise.all(ids.map((id, i) => envs[i % 4]!.handle(event(id, { agentId: agent }))));
    };
    const first = await run(mid, 250);
    expect(first.filter((a) => a.record === 'true')).toHaveLength(midLimit);
    expect(first.filter((a) => a.reason === 'agent-cap-reached')).toHaveLength(250 - midLimit);
    expect((await quota(agent, '2026-12'))?.reserved).toBe(midLimit);
    const second = await run(late, 250);
    expect(second.filter((a) => a.record === 'true')).toHaveLength(8 - midLimit);
    const q = await quota(agent, '2026-12');
    expect(q?.reserved).toBe(8);
    expect(q?.contacts?.size).toBe(8);

    // The stored decisions check out against the published rules.
    const mine = (await scanAll(ddb, { TableName: 'decisions', ConsistentRead: true }))
      .filter((d) => d.agentId === agent)
      .map(toDecisionRecord);
    expect(mine).toHaveLength(500);
    const report = verifyDecisions({
      decisionsJsonl: decisionsJsonl(sortDecisions(mine)),
      seeds: {
        '2026-12': {
          seed: Buffer.from(SEED).toString('hex'),
          commitment: (await import('../../../lambda/core/lottery')).commitment(SEED),
        },
      },
      policy: POLICY,
    });
    expect(report.violations).toEqual([]);
    expect(report.recorded).toBe(8);
    const started = stack.connect.standIn.calls.filter(
      (c) => c.operation === 'StartContactRecording' && mine.some((d) => d.contactId === c.input.ContactId),
    );
    expect(started).toHaveLength(8);
  });

  it('releases the slot and stores record-failed when Connect refuses to record', async () => {
    const agent = randomUUID();
    const [cid] = contacts(1, true);
    stack.connect.standIn.addContact({ id: cid!, agentId: agent });
    stack.connect.standIn.failNext('StartContactRecording', 'InternalServiceException');
    const s = sampler(stack, at('2026-11-29T10:00:00.000Z'));
    await expect(s.handle(event(cid!, { agentId: agent }))).resolves.toEqual({
      record: 'false',
      reason: 'record-failed',
    });
    const q = await quota(agent, '2026-11');
    expect(q?.reserved).toBe(0);
    expect(q?.contacts?.has(cid!) ?? false).toBe(false);
    expect(await stored(cid!)).toMatchObject({
      recorded: false,
      reason: 'record-failed',
      lotterySelected: true,
    });
  });

  it.each([
    ['missing', '2027-03-10T10:00:00.000Z'],
    ['committed after nothing was published', '2027-02-10T10:00:00.000Z'],
    ['committed after the period started', '2027-04-10T10:00:00.000Z'],
  ])('fails closed when the seed is %s: record=false, reason error, no Connect call', async (_why, iso) => {
    const agent = randomUUID();
    const cid = randomUUID();
    const s = sampler(stack, at(iso));
    await expect(s.handle(event(cid, { agentId: agent }))).resolves.toEqual({
      record: 'false',
      reason: 'error',
    });
    expect(startCalls(cid)).toHaveLength(0);
    expect(await stored(cid)).toMatchObject({ reason: 'error', u: null, recorded: false });
    expect(await quota(agent, iso.slice(0, 7))).toBeUndefined();
  });

  it('answers error and holds no slot when too little time remains before calling Connect', async () => {
    const agent = randomUUID();
    const [cid] = contacts(1, true);
    stack.connect.standIn.addContact({ id: cid!, agentId: agent });
    const s = sampler(stack, at('2026-11-29T11:00:00.000Z'));
    let left = 700; // enough before the reservation, too little right after it
    const answer = await s.handle(event(cid!, { agentId: agent }), {
      getRemainingTimeInMillis: () => {
        left -= 60;
        return left;
      },
    });
    expect(answer).toEqual({ record: 'false', reason: 'error' });
    expect(startCalls(cid!)).toHaveLength(0);
    expect((await quota(agent, '2026-11'))?.reserved ?? 0).toBe(0);
    expect(await stored(cid!)).toMatchObject({ reason: 'error', u: draw(SEED, cid!), lotterySelected: true });
  });

  it('logs identifiers only for a malformed event (no phone number, no attribute value)', async () => {
    const logger = silentLogger();
    const s = sampler(stack, at('2026-11-29T11:00:00.000Z'), { logger });
    // biome-ignore lint/suspicious/noExplicitAny: the test mutates nested fields of a sample event
    const bad = event('b7e1c2d3-4f5a-4b6c-9d7e-8f9a0b1c2d3e') as Record<string, any>;
    bad.Details.ContactData.Attributes.fairlistenCallerObjected = '+33612345678';
    bad.Details.ContactData.CustomerEndpoint = { Address: '+33612345678' };
    await expect(s.handle(bad)).resolves.toEqual({ record: 'false', reason: 'error' });
    const text = JSON.stringify(logger.lines);
    expect(text).toContain('b7e1c2d3-4f5a-4b6c-9d7e-8f9a0b1c2d3e');
    expect(text).not.toContain('33612345678');
  });

  it('keeps Connect timeouts whole and bounded', () => {
    expect(connectTimeoutMs(Number.POSITIVE_INFINITY)).toBe(60_000);
    expect(connectTimeoutMs(1234.7)).toBe(934);
    expect(connectTimeoutMs(10)).toBe(1);
  });
});
