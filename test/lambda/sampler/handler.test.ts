/**
 * The real handler entry (module-scope config, clients, logger), loaded after its environment is set:
 * 10,000 fuzzed malformed events never throw and never record; a valid event reaches dynalite and the
 * Connect stand-in through the SDK's endpoint variables alone.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draw } from '../../../lambda/core/lottery';
import { nextPeriod, periodOf } from '../../../lambda/core/period';
import { samplerEnvironment } from '../../../lambda/sampler/config';
import { type LocalStack, startLocalStack } from '../../../lib/local';
import { clients, event, INSTANCE_ID, POLICY, putSeed, SEED } from '../../support/sampler';

let stack: LocalStack;
let handler: typeof import('../../../lambda/sampler/handler').handler;
let savedEnv: NodeJS.ProcessEnv | undefined;

beforeAll(async () => {
  stack = await startLocalStack({ buckets: [], connectState: { instanceId: INSTANCE_ID } });
  // The handler's clock is the real one: seed the current period and the next.
  const now = periodOf(new Date(), POLICY.timezone);
  for (const period of [now, nextPeriod(now)]) await putSeed(clients(stack).ddb, stack.tables.seeds!, period);
  savedEnv = { ...process.env };
  Object.assign(
    process.env,
    stack.env,
    samplerEnvironment(
      {
        decisionsTable: stack.tables.decisions!,
        quotasTable: stack.tables.quotas!,
        reservationsTable: stack.tables.reservations!,
        seedsTable: stack.tables.seeds!,
        instanceId: INSTANCE_ID,
      },
      POLICY,
    ),
  );
  ({ handler } = await import('../../../lambda/sampler/handler'));
});
afterAll(async () => {
  await stack?.stop();
  // Test files may share a worker (isolate: false): leave the environment as it was.
  if (savedEnv) {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
});

/** Ways to break a valid event so that it must be refused. */
// biome-ignore lint/suspicious/noExplicitAny: the test mutates nested fields of a sample event
const validEvent = () => event('b7e1c2d3-4f5a-4b6c-9d7e-8f9a0b1c2d3e') as Record<string, any>;
const notUuid = fc.anything().filter((v) => !(typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)));
const mutations: fc.Arbitrary<unknown>[] = [
  fc.anything(),
  fc.constantFrom(null, undefined, '', 0, [], {}, 'ContactFlowEvent'),
  notUuid.map((v) => {
    const e = validEvent();
    e.Details.ContactData.ContactId = v;
    return e;
  }),
  fc
    .anything()
    .filter((v) => v !== 'ContactFlowEvent')
    .map((v) => ({ ...validEvent(), Name: v })),
  fc.anything().map((v) => {
    const e = validEvent();
    e.Details.Parameters.agentArn = typeof v === 'string' && v.includes('/agent/') ? `x${v}` : v;
    return e;
  }),
  fc
    .string()
    .filter((s) => s !== 'true' && s !== 'false')
    .map((v) => {
      const e = validEvent();
      e.Details.ContactData.Attributes.fairlistenCallerObjected = v;
      return e;
    }),
  fc.constantFrom('ContactData', 'Parameters', 'Details').map((k) => {
    const e = validEvent();
    if (k === 'Details') delete e.Details;
    else if (k === 'Parameters') delete e.Details.Parameters.agentArn;
    else delete e.Details.ContactData;
    return e;
  }),
  fc.constant(
    Object.defineProperty({ Name: 'ContactFlowEvent' }, 'Details', {
      enumerable: true,
      get() {
        throw new Error('hostile getter');
      },
    }),
  ),
];

describe('sampler handler entry', () => {
  it('answers record=false (reason error) to 10,000 malformed events and never throws', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(...mutations), async (bad) => {
        count++;
        const answer = await handler(bad, { getRemainingTimeInMillis: () => 2000 });
        expect(answer).toEqual({ record: 'false', reason: 'error' });
      }),
      { numRuns: 10_000 },
    );
    expect(count).toBe(10_000);
  });

  it('decides a valid event end to end through the module-scope clients', async () => {
    const agent = randomUUID();
    let cid = randomUUID();
    while (!(draw(SEED, cid) < POLICY.samplingRate)) cid = randomUUID();
    stack.connect.standIn.addContact({ id: cid, agentId: agent });
    const answer = await handler(event(cid, { agentId: agent }), { getRemainingTimeInMillis: () => 2000 });
    expect(answer).toEqual({ record: 'true', reason: 'drawn' });
    expect(stack.connect.standIn.recording(cid).state).toBe('recording');
  });
});
