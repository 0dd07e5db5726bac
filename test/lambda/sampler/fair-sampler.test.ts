import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHM_V2, tookSlot } from '../../../lambda/core/fair-lottery';
import { commitment, draw } from '../../../lambda/core/lottery';
import type { SamplerPolicy } from '../../../lambda/sampler/config';
import { claimKey } from '../../../lambda/sampler/fair-sampler';
import { scanAll } from '../../../lambda/shared/dynamo';
import { type LocalStack, startLocalStack } from '../../../lib/local';
import { decisionsJsonl, sortDecisions, toDecisionRecord } from '../../../lib/simulation/output';
import { verifyDecisions } from '../../../lib/verify/verify';
import { clients, config, event, INSTANCE_ID, POLICY, putSeed, SEED, sampler } from '../../support/sampler';

const FAIR: SamplerPolicy = { ...POLICY, algorithmVersion: ALGORITHM_V2 };

let stack: LocalStack;
let ddb: ReturnType<typeof clients>['ddb'];

beforeAll(async () => {
  stack = await startLocalStack({ buckets: [], connectState: { instanceId: INSTANCE_ID } });
  ddb = clients(stack).ddb;
  await putSeed(ddb, stack.tables.seeds!, '2026-12');
});
afterAll(async () => {
  await stack?.stop();
});

const quota = async (agentId: string) =>
  (
    await ddb.send(
      new GetCommand({ TableName: 'quotas', Key: { agentId, period: '2026-12' }, ConsistentRead: true }),
    )
  ).Item as { calls?: number; reserved?: number; decided?: Set<string> } | undefined;

const decisionsOf = async (agent: string) =>
  (await scanAll(ddb, { TableName: 'decisions', ConsistentRead: true }))
    .filter((d) => d.agentId === agent)
    .map(toDecisionRecord);

const verify = (records: ReturnType<typeof toDecisionRecord>[], policy: SamplerPolicy) =>
  verifyDecisions({
    decisionsJsonl: decisionsJsonl(sortDecisions(records)),
    seeds: { '2026-12': { seed: Buffer.from(SEED).toString('hex'), commitment: commitment(SEED) } },
    policy,
  });

const fairSampler = (iso: string, policy: SamplerPolicy = FAIR) =>
  sampler(stack, () => new Date(iso), { config: config(stack, policy) });

describe('sampler, version 2, against dynalite and the Connect stand-in', () => {
  it('gives each eligible call the next position, counts calls and slots, and verify replays them', async () => {
    const agent = randomUUID();
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const answers = [];
    for (const [i, id] of ids.entries()) {
      stack.connect.standIn.addContact({ id, agentId: agent });
      const s = fairSampler(new Date(Date.UTC(2026, 11, 2 + (i % 28), 9, i)).toISOString());
      answers.push(await s.handle(event(id, { agentId: agent, objected: i % 10 === 9 })));
    }
    const q = await quota(agent);
    expect(q?.calls).toBe(36); // the 4 objecting calls have no position
    // The quota item expires auditRetentionDays after its creation (the first call), not the period's end.
    expect((q as { expiresAt?: number } | undefined)?.expiresAt).toBe(
      Date.UTC(2026, 11, 2, 9, 0) / 1000 + 365 * 86_400,
    );
    const stored = await decisionsOf(agent);
    expect(stored).toHaveLength(40);
    const positioned = stored.filter((d) => (d as { callIndex?: number | null }).callIndex != null);
    expect(
      positioned.map((d) => (d as unknown as { callIndex: number }).callIndex).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(q?.reserved).toBe(stored.filter((d) => tookSlot(d.reason)).length);
    expect(answers.filter((a) => a.record === 'true')).toHaveLength(stored.filter((d) => d.recorded).length);
    expect(stored.every((d) => d.algorithmVersion === ALGORITHM_V2)).toBe(true);
    expect(verify(stored, FAIR).violations).toEqual([]);
  });

  it('answers a retried invocation with the stored decision and counts the call once', async () => {
    const agent = randomUUID();
    const id = randomUUID();
    stack.connect.standIn.addContact({ id, agentId: agent });
    const s = fairSampler('2026-12-10T10:00:00.000Z');
    const first = await s.handle(event(id, { agentId: agent }));
    const again = await Promise.all([0, 1, 2].map(() => s.handle(event(id, { agentId: agent }))));
    expect(again).toEqual([first, first, first]);
    expect((await quota(agent))?.calls).toBe(1);
  });

  it('a retry that finds its claim without a stored decision is not recorded and takes no position', async () => {
    const agent = randomUUID();
    const id = randomUUID();
    stack.connect.standIn.addContact({ id, agentId: agent });
    // The first attempt claimed the contact, then failed before counting or storing.
    await ddb.send(
      new PutCommand({ TableName: 'quotas', Item: { agentId: agent, period: claimKey('2026-12', id) } }),
    );
    const answer = await fairSampler('2026-12-10T10:00:00.000Z').handle(event(id, { agentId: agent }));
    expect(answer).toEqual({ record: 'false', reason: 'error' });
    expect(await quota(agent)).toBeUndefined();
    expect(stack.connect.standIn.recording(id).state).toBe('none');
  });

  it('keeps the quota item the same size for an agent with thousands of calls (DynamoDB items ≤ 400 KB)', async () => {
    const agent = randomUUID();
    // The agent already had 9,700 eligible calls this month (a list of their contact ids, 36 bytes
    // each, would be ≈ 350 KB); 150 more go through the sampler, 25 at a time.
    await ddb.send(
      new PutCommand({
        TableName: 'quotas',
        Item: { agentId: agent, period: '2026-12', calls: 9700, reserved: 3, expiresAt: 1_830_000_000 },
      }),
    );
    const before = JSON.stringify(await quota(agent)).length;
    const s = fairSampler('2026-12-20T10:00:00.000Z');
    const answers = [];
    for (let done = 0; done < 150; done += 25) {
      const ids = Array.from({ length: 25 }, () => randomUUID());
      for (const id of ids) stack.connect.standIn.addContact({ id, agentId: agent });
      answers.push(...(await Promise.all(ids.map((id) => s.handle(event(id, { agentId: agent }))))));
    }
    const q = await quota(agent);
    const positioned = answers.filter((a) => a.reason !== 'error').length;
    expect(positioned).toBeGreaterThan(100); // drawn calls 25 at a time may lose every compare-and-set
    expect(q?.calls).toBe(9700 + positioned);
    expect(Object.keys(q ?? {}).sort()).toEqual(['agentId', 'calls', 'expiresAt', 'period', 'reserved']);
    expect(JSON.stringify(q).length).toBe(before); // 9,700 → 9,850: the same digits
    expect(q?.reserved).toBeLessThanOrEqual(FAIR.maxRecordingsPerAgentPerMonth);
    const claims = (await scanAll(ddb, { TableName: 'quotas', ConsistentRead: true })).filter(
      (item) => item.agentId === agent && item.period !== '2026-12',
    );
    expect(claims).toHaveLength(150);
  }, 120_000);

  it('keeps the slot of a call whose recording Connect refuses (record-failed)', async () => {
    const agent = randomUUID();
    // A drawn call early in the month (p close to the rate for a new agent), not known to Connect.
    let id = randomUUID();
    while (draw(SEED, id) >= 0.05) id = randomUUID();
    const answer = await fairSampler('2026-12-01T09:00:00.000Z').handle(event(id, { agentId: agent }));
    expect(answer).toEqual({ record: 'false', reason: 'record-failed' });
    expect(await quota(agent)).toMatchObject({ calls: 1, reserved: 1 });
    expect(verify(await decisionsOf(agent), FAIR).violations).toEqual([]);
  });

  it('never exceeds the cap with 500 concurrent decisions for one agent, and every decision replays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0.1, 0.3),
        fc.integer({ min: 1, max: 30 }),
        async (max, samplingRate, day) => {
          const policy: SamplerPolicy = { ...FAIR, maxRecordingsPerAgentPerMonth: max, samplingRate };
          const agent = randomUUID();
          const ids = Array.from({ length: 500 }, () => randomUUID());
          for (const id of ids) stack.connect.standIn.addContact({ id, agentId: agent });
          const iso = new Date(Date.UTC(2026, 11, day, 10)).toISOString();
          const envs = [0, 1, 2, 3].map(() => fairSampler(iso, policy));
          const answers = await Promise.all(
            ids.map((id, i) => envs[i % 4]!.handle(event(id, { agentId: agent }))),
          );
          const recorded = answers.filter((a) => a.record === 'true').length;
          const q = await quota(agent);
          expect(recorded).toBeLessThanOrEqual(max);
          expect(q?.reserved ?? 0).toBeLessThanOrEqual(max);
          const stored = await decisionsOf(agent);
          expect(stored).toHaveLength(500);
          // Calls that lost every compare-and-set are not recorded (reason error) and have no position.
          expect(q?.calls ?? 0).toBe(stored.filter((d) => d.reason !== 'error').length);
          const report = verify(stored, policy);
          expect(report.violations).toEqual([]);
          expect(report.recorded).toBe(recorded);
        },
      ),
      { numRuns: 1 },
    );
  }, 240_000);
});
