/**
 * A drawn recording is not lost when the sampler dies between
 * StartContactRecording and storing its decision. The sampler and ingest run against one dynalite
 * (and the Connect stand-in); the sampler's death is injected through its DynamoDB client seam.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHM_V2, fairProbability } from '../../../lambda/core/fair-lottery';
import { commitment, draw } from '../../../lambda/core/lottery';
import { elapsedFraction } from '../../../lambda/core/period';
import { type IngestDeps, ingestObject } from '../../../lambda/ingest/ingest';
import { createDecisionRecovery } from '../../../lambda/ingest/recovery';
import type { SamplerPolicy } from '../../../lambda/sampler/config';
import { createS3RecordingObjects } from '../../../lambda/shared/recording-objects';
import { createRecordingStore } from '../../../lambda/shared/recording-store';
import { drawnDecisionOf, reservationItem } from '../../../lambda/shared/reservations';
import { type LocalStack, recordingTablesOf, startLocalStack } from '../../../lib/local';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { decisionsJsonl, toDecisionRecord } from '../../../lib/simulation/output';
import { verifyDecisions } from '../../../lib/verify/verify';
import { MemoryAudit } from '../../support/memory-audit';
import { BUCKET, connectWav, recordingKey, TEST_LIMITS } from '../../support/recording-harness';
import { clients, config, event, INSTANCE_ID, POLICY, putSeed, SEED, sampler } from '../../support/sampler';

let stack: LocalStack;
let ddb: DynamoDBDocumentClient;

beforeAll(async () => {
  stack = await startLocalStack({ buckets: [], connectState: { instanceId: INSTANCE_ID } });
  ddb = clients(stack).ddb;
  await putSeed(ddb, stack.tables.seeds!, '2026-12');
});
afterAll(async () => {
  await stack?.stop();
});

const AT = '2026-12-03T10:15:00.000Z';
/**
 * A contact the lottery records (u below the probability of an agent's first call: the rate in
 * version 1, the fair probability in version 2) or one it skips whatever the version (u ≥ rate).
 */
const contactsDrawn = (drawn: boolean, policy: SamplerPolicy = POLICY): string => {
  const recordedBelow =
    policy.algorithmVersion === ALGORITHM_V2
      ? fairProbability(
          policy,
          { callIndex: 1, recordedBefore: 0 },
          elapsedFraction(new Date(AT), policy.timezone),
        )
      : policy.samplingRate;
  for (;;) {
    const id = randomUUID();
    const u = draw(SEED, id);
    if (drawn ? u < recordedBelow : u >= policy.samplingRate) return id;
  }
};
const get = async (table: string, contactId: string) =>
  (await ddb.send(new GetCommand({ TableName: table, Key: { contactId }, ConsistentRead: true }))).Item;

/**
 * A DynamoDB client on which the decision put never returns: the function is killed there (its
 * 2-s timeout). `killed` resolves when the sampler reaches that point.
 */
function dyingAtDecisionPut(real: DynamoDBDocumentClient): {
  ddb: DynamoDBDocumentClient;
  killed: Promise<'killed'>;
} {
  let kill: (v: 'killed') => void = () => {};
  const killed = new Promise<'killed'>((resolve) => {
    kill = resolve;
  });
  const ddb = {
    send: (command: unknown, ...rest: unknown[]) => {
      if (command instanceof PutCommand && command.input.TableName === stack.tables.decisions) {
        kill('killed');
        return new Promise(() => {});
      }
      return (real.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
    },
  } as unknown as DynamoDBDocumentClient;
  return { ddb, killed };
}

/** Runs the sampler until it answers or is killed before storing its decision. */
async function runUntilKilled(contactId: string, agentId: string, policy: SamplerPolicy = POLICY) {
  stack.connect.standIn.addContact({ id: contactId, agentId });
  const dying = dyingAtDecisionPut(ddb);
  const s = sampler(stack, () => new Date(AT), { ddb: dying.ddb, config: config(stack, policy) });
  return Promise.race([s.handle(event(contactId, { agentId })), dying.killed]);
}

function ingestWorld() {
  const s3 = new VersionedS3(BUCKET, { minPartSize: TEST_LIMITS.minPartSize });
  const objects = createS3RecordingObjects(s3.client, BUCKET, {
    kmsKeyId: 'arn:aws:kms:eu-central-1:1:key/t',
  });
  const store = createRecordingStore({
    client: ddb,
    tables: recordingTablesOf(stack.tables),
    retentionDays: 90,
  });
  const audit = new MemoryAudit();
  const deps: IngestDeps = {
    objects,
    store,
    audit,
    actor: 'function:ingest',
    partLimits: TEST_LIMITS,
    recovery: createDecisionRecovery(ddb, {
      reservations: stack.tables.reservations!,
      decisions: stack.tables.decisions!,
    }),
  };
  return { s3, store, audit, deps };
}

const seeds = { '2026-12': { seed: Buffer.from(SEED).toString('hex'), commitment: commitment(SEED) } };

describe.each([
  ['version 1', POLICY],
  ['version 2', { ...POLICY, algorithmVersion: ALGORITHM_V2 }],
] as const)('a sampler killed after StartContactRecording (%s)', (_, policy) => {
  it('reserved the drawn decision, so ingest keeps the recording, completes the decision and audits it', async () => {
    const contactId = contactsDrawn(true, policy);
    const agentId = randomUUID();
    expect(await runUntilKilled(contactId, agentId, policy)).toBe('killed');
    // The interleaving: Connect records, the decision was never stored, the reservation was.
    expect(stack.connect.standIn.recording(contactId).state).toBe('recording');
    expect(await get(stack.tables.decisions!, contactId)).toBeUndefined();
    const reservation = await get(stack.tables.reservations!, contactId);
    expect(drawnDecisionOf(reservation, contactId)).toBeDefined();

    const w = ingestWorld();
    const key = recordingKey(contactId);
    const wav = connectWav(3);
    const versionId = w.s3.addVersion(key, wav);
    const out = await ingestObject(w.deps, { key, versionId, size: wav.length, eventTime: AT });

    expect(out).toMatchObject({ outcome: 'indexed', contactId });
    expect(w.s3.versions(key)).toHaveLength(1);
    expect(await w.store.getContact(contactId)).toMatchObject({ state: 'kept', agentId, period: '2026-12' });
    expect((await w.store.listObjects(contactId))[0]).toMatchObject({ key, versionIds: [versionId] });
    // The decision is the reserved one, stored as the sampler would have stored it.
    const stored = await get(stack.tables.decisions!, contactId);
    expect(stored).toEqual(reservation!.decision);
    expect(stored).toMatchObject({ recorded: true, reason: 'drawn', agentId, decidedAt: AT });
    const [audited] = w.audit.of('decision-recovered', contactId);
    expect(audited).toMatchObject({ chain: 'privacy/2026-12', actor: 'function:ingest' });
    const { expiresAt: _ttl, ...decision } = stored!;
    expect(audited!.data).toEqual({ from: 'reservation', key, eventVersionId: versionId, decision });

    // verify recomputes it from the seed like any decision, and would catch a forged draw.
    const record = toDecisionRecord(stored!);
    const report = verifyDecisions({ decisionsJsonl: decisionsJsonl([record]), seeds, policy });
    expect(report.violations).toEqual([]);
    expect(report.recorded).toBe(1);
    const forged = verifyDecisions({
      decisionsJsonl: decisionsJsonl([{ ...record, u: (record.u ?? 0) / 2 }]),
      seeds,
      policy,
    });
    expect(forged.ok).toBe(false);

    // A second object of the contact (or a duplicate event) finds the decision: no second recovery.
    await ingestObject(w.deps, { key, versionId, size: wav.length, eventTime: AT });
    expect(w.audit.of('decision-recovered', contactId)).toHaveLength(1);
  });

  it('reserves nothing for a call the lottery did not draw: its recording is still deleted', async () => {
    const contactId = contactsDrawn(false);
    const answer = await runUntilKilled(contactId, randomUUID(), policy);
    expect(answer).toBe('killed');
    expect(await get(stack.tables.reservations!, contactId)).toBeUndefined();
    // A recording appears anyway (a flow outside the lottery started it).
    const w = ingestWorld();
    const key = recordingKey(contactId);
    const versionId = w.s3.addVersion(key, connectWav(2));
    const out = await ingestObject(w.deps, { key, versionId, size: 100, eventTime: AT });
    expect(out).toMatchObject({ outcome: 'unauthorized-deleted', reason: 'no-decision', audited: true });
    expect(w.s3.versions(key)).toHaveLength(0);
    expect(w.audit.of('decision-recovered')).toEqual([]);
    expect(await get(stack.tables.decisions!, contactId)).toBeUndefined();
  });
});

describe('ingest without a decision', () => {
  it('deletes a recording with neither a reservation nor a decision as unauthorized', async () => {
    const contactId = randomUUID();
    const w = ingestWorld();
    const key = recordingKey(contactId);
    const versionId = w.s3.addVersion(key, connectWav(2));
    const out = await ingestObject(w.deps, { key, versionId, size: 100, eventTime: AT });
    expect(out).toMatchObject({ outcome: 'unauthorized-deleted', reason: 'no-decision', contactId });
    expect(w.s3.versions(key)).toHaveLength(0);
    expect(w.audit.kinds()).toEqual(['unauthorized-recording']);
  });

  const drawnItem = (contactId: string) => ({
    contactId,
    initialContactId: null,
    agentArn: `arn:aws:connect:eu-central-1:1:instance/${INSTANCE_ID}/agent/a`,
    agentId: 'a',
    queue: null,
    period: '2026-12',
    decidedAt: AT,
    u: 0.1,
    rate: 0.3,
    lotterySelected: true,
    recorded: true,
    reason: 'drawn',
    policyVersion: 'test-1',
    policyHash: null,
    algorithmVersion: 'fairlisten-lottery-v1',
    expiresAt: 1_900_000_000,
  });

  it.each([
    ['not drawn', { u: 0.5, lotterySelected: false, recorded: false, reason: 'not-drawn' }],
    ['skipped at the cap', { recorded: false, reason: 'agent-cap-reached' }],
    ['claims drawn with u above the rate', { u: 0.5 }],
    ['of another contact', { contactId: randomUUID() }],
    ['without a period', { period: 'soon' }],
  ])('never lets a reservation that is not a drawn decision authorize a recording (%s)', async (_, patch) => {
    const contactId = randomUUID();
    const item = reservationItem({ ...drawnItem(contactId), ...patch }, new Date(AT));
    await ddb.send(new PutCommand({ TableName: stack.tables.reservations!, Item: { ...item, contactId } }));
    const w = ingestWorld();
    const key = recordingKey(contactId);
    const versionId = w.s3.addVersion(key, connectWav(2));
    const out = await ingestObject(w.deps, { key, versionId, size: 100, eventTime: AT });
    expect(out).toMatchObject({ outcome: 'unauthorized-deleted', reason: 'no-decision' });
    expect(w.s3.versions(key)).toHaveLength(0);
    expect(await get(stack.tables.decisions!, contactId)).toBeUndefined();
    expect(w.audit.of('decision-recovered')).toEqual([]);
  });

  it('recovers a well-formed drawn reservation (the control of the cases above)', async () => {
    const contactId = randomUUID();
    await ddb.send(
      new PutCommand({
        TableName: stack.tables.reservations!,
        Item: reservationItem(drawnItem(contactId), new Date(AT)),
      }),
    );
    const w = ingestWorld();
    const key = recordingKey(contactId);
    const versionId = w.s3.addVersion(key, connectWav(2));
    const out = await ingestObject(w.deps, { key, versionId, size: 100, eventTime: AT });
    expect(out).toMatchObject({ outcome: 'indexed', contactId });
  });

  it('does not act when the recovery cannot be audited: the event is retried, nothing is stored', async () => {
    const contactId = randomUUID();
    await ddb.send(
      new PutCommand({
        TableName: stack.tables.reservations!,
        Item: reservationItem({ ...drawnItem(contactId) }, new Date(AT)),
      }),
    );
    const w = ingestWorld();
    w.audit.failing = true;
    const key = recordingKey(contactId);
    const versionId = w.s3.addVersion(key, connectWav(2));
    await expect(ingestObject(w.deps, { key, versionId, size: 100, eventTime: AT })).rejects.toThrow(/audit/);
    expect(await get(stack.tables.decisions!, contactId)).toBeUndefined();
    expect(w.s3.versions(key)).toHaveLength(1);
  });
});

describe('the sampler without a reservation', () => {
  it('does not start a recording it could not reserve, and releases the slot', async () => {
    const contactId = contactsDrawn(true);
    const agentId = randomUUID();
    stack.connect.standIn.addContact({ id: contactId, agentId });
    const refusing = {
      send: (command: unknown, ...rest: unknown[]) =>
        command instanceof PutCommand && command.input.TableName === stack.tables.reservations
          ? Promise.reject(
              Object.assign(new Error('throttled'), {
                name: 'ProvisionedThroughputExceededException',
                $metadata: { httpStatusCode: 400 },
              }),
            )
          : (ddb.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest),
    } as unknown as DynamoDBDocumentClient;
    const s = sampler(stack, () => new Date(AT), { ddb: refusing });
    await expect(s.handle(event(contactId, { agentId }))).resolves.toEqual({
      record: 'false',
      reason: 'record-failed',
    });
    expect(
      stack.connect.standIn.calls.filter(
        (c) => c.operation === 'StartContactRecording' && c.input.ContactId === contactId,
      ),
    ).toEqual([]);
    const quota = await ddb.send(
      new GetCommand({
        TableName: stack.tables.quotas!,
        Key: { agentId, period: '2026-12' },
        ConsistentRead: true,
      }),
    );
    expect(quota.Item?.reserved).toBe(0);
  });
});
