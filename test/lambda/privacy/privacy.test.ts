import { randomUUID } from 'node:crypto';
import { ConnectClient, StartContactRecordingCommand } from '@aws-sdk/client-connect';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY } from '../../../lambda/core/policy';
import { createDecisionsLegFinder } from '../../../lambda/privacy/legs';
import {
  createPrivacyApi,
  deletionRequestId,
  type PrivacyDeps,
  ROUTE_KEYS,
  uuidV5,
} from '../../../lambda/privacy/privacy';
import { createRecordingControl } from '../../../lambda/privacy/recording-control';
import type { IdentityConfig } from '../../../lambda/shared/principal';
import { CONTACT_SK, type RecordingState, requestRecordSchema } from '../../../lambda/shared/requests';
import {
  ConnectStandIn,
  createTables,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalDynamo,
  type RunningConnect,
  recordingTablesOf,
  startLocalDynamo,
} from '../../../lib/local';
import { MemoryAudit } from '../../support/memory-audit';

const INSTANCE = 'instance-1';
const NOW = new Date('2026-05-04T08:00:00Z');
const PERIOD = '2026-05';
const IDENTITY: IdentityConfig = DEFAULT_IDENTITY;

const AGENT_A = randomUUID();
const AGENT_B = randomUUID();

/** Token claims as API Gateway hands them over (array claims as "[a b]"). */
const CALLERS = {
  'the handling agent': {
    sub: 'sub-agent-a',
    'cognito:groups': '[agents]',
    'custom:connect_user_id': AGENT_A,
  },
  'another agent': { sub: 'sub-agent-b', 'cognito:groups': '[agents]', 'custom:connect_user_id': AGENT_B },
  'a coach': { sub: 'sub-coach-1', 'cognito:groups': '[coaches]', 'custom:connect_user_id': randomUUID() },
  "another team's coach": {
    sub: 'sub-coach-2',
    'cognito:groups': '[coaches]',
    'custom:connect_user_id': randomUUID(),
  },
  'a staff representative': { sub: 'sub-rep', 'cognito:groups': '[staff-representatives]' },
  'a DPO': { sub: 'sub-dpo', 'cognito:groups': '[data-protection-officers]' },
  'a token without roles': { sub: 'sub-none', 'custom:connect_user_id': AGENT_A },
  'no identity': undefined,
} as const satisfies Record<string, Record<string, string> | undefined>;
type CallerName = keyof typeof CALLERS;

class FakeExecutor {
  readonly invoked: string[] = [];
  failNext = false;
  async invoke(requestId: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Lambda throttled');
    }
    this.invoked.push(requestId);
  }
}

let dynamo: LocalDynamo;
let tables: Record<string, string>;
let standIn: ConnectStandIn;
let running: RunningConnect;
let connect: ConnectClient;
let ddb: DynamoDBDocumentClient;
let audit: MemoryAudit;
let executor: FakeExecutor;
let deps: PrivacyDeps;
const logged: { level: string; message: string; extra: unknown }[] = [];
const logger = {
  info: (message: string, extra?: unknown) => logged.push({ level: 'info', message, extra }),
  warn: (message: string, extra?: unknown) => logged.push({ level: 'warn', message, extra }),
  error: (message: string, extra?: unknown) => logged.push({ level: 'error', message, extra }),
} as unknown as PrivacyDeps['logger'];

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  tables = await createTables(dynamo.client);
  ddb = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  standIn = new ConnectStandIn({ instanceId: INSTANCE });
  running = await standIn.start();
  connect = new ConnectClient({
    endpoint: running.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  connect?.destroy();
  await running?.stop();
  await dynamo?.stop();
});

beforeEach(() => {
  audit = new MemoryAudit();
  executor = new FakeExecutor();
  logged.length = 0;
  standIn.clearCalls();
  deps = {
    ddb,
    tables: recordingTablesOf(tables),
    identity: IDENTITY,
    recordingControl: createRecordingControl({
      connect,
      instanceId: INSTANCE,
      findCurrentLeg: createDecisionsLegFinder({ ddb, decisionsTable: tables.decisions! }),
    }),
    executor,
    audit,
    requestRetentionDays: 365,
    logger,
    now: () => NOW,
  };
});

const api = () => createPrivacyApi(deps);

// --- fixtures ---------------------------------------------------------------------------------

async function putDecision(d: {
  contactId: string;
  agentId?: string;
  initialContactId?: string | null;
  recorded?: boolean;
}): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tables.decisions,
      Item: {
        contactId: d.contactId,
        initialContactId: d.initialContactId ?? null,
        agentArn: `arn:aws:connect:eu-central-1:000000000000:instance/${INSTANCE}/agent/${d.agentId ?? AGENT_A}`,
        agentId: d.agentId ?? AGENT_A,
        queue: null,
        period: PERIOD,
        decidedAt: new Date(NOW.getTime() + Math.floor(Math.random() * 1000)).toISOString(),
        u: 0.01,
        rate: 0.2,
        lotterySelected: true,
        recorded: d.recorded ?? true,
        reason: d.recorded === false ? 'not-drawn' : 'drawn',
        policyVersion: 'test',
        algorithmVersion: '1',
        expiresAt: 2_000_000_000,
      },
    }),
  );
}

async function putRecording(r: {
  contactId: string;
  agentId?: string;
  state?: RecordingState;
  durationSeconds?: number;
}): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tables.recordings,
      Item: {
        contactId: r.contactId,
        sk: CONTACT_SK,
        agentId: r.agentId ?? AGENT_A,
        period: PERIOD,
        state: r.state ?? 'kept',
        durationSeconds: r.durationSeconds,
        updatedAt: NOW.toISOString(),
        expiresAt: 2_000_000_000,
      },
    }),
  );
}

/** A live, recorded call of AGENT_A (decision + Connect leg recording). */
async function liveCall(agentId = AGENT_A): Promise<string> {
  const contactId = randomUUID();
  await putDecision({ contactId, agentId });
  standIn.addContact({ id: contactId, agentId });
  await connect.send(
    new StartContactRecordingCommand({
      InstanceId: INSTANCE,
      ContactId: contactId,
      InitialContactId: contactId,
      VoiceRecordingConfiguration: { VoiceRecordingTrack: 'ALL' },
    }),
  );
  standIn.clearCalls();
  return contactId;
}

/** A finished call of AGENT_A whose recording is indexed. */
async function indexedCall(
  options: { state?: RecordingState; durationSeconds?: number } = {},
): Promise<string> {
  const contactId = randomUUID();
  await putDecision({ contactId });
  await putRecording({ contactId, durationSeconds: options.durationSeconds ?? 120, state: options.state });
  return contactId;
}

async function putRequest(requestedBy: string, withProof = true): Promise<string> {
  const requestId = randomUUID();
  await ddb.send(
    new PutCommand({
      TableName: tables.requests,
      Item: {
        requestId,
        kind: 'deletion',
        contactId: randomUUID(),
        requestedBy,
        reason: 'personal data spoken',
        status: 'done',
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        completedAt: NOW.toISOString(),
        proof: withProof
          ? {
              deleted: [{ key: 'connect/x/CallRecordings/a.wav', versionId: 'v1', at: NOW.toISOString() }],
              replaced: [],
            }
          : undefined,
        expiresAt: 2_000_000_000,
      },
    }),
  );
  return requestId;
}

function event(
  routeKey: string,
  params: Record<string, string>,
  options: { caller?: CallerName; claims?: Record<string, string>; body?: unknown; raw?: string } = {},
) {
  const claims = options.claims ?? (options.caller ? CALLERS[options.caller] : CALLERS['the handling agent']);
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    pathParameters: params,
    isBase64Encoded: false,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    requestContext: {
      requestId: 'api-request-1',
      routeKey,
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    },
  };
}

/** A response body as the tests read it (each test knows which fields its answer has). */
interface Answer {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
  readonly requestId: string;
  readonly status: string;
  readonly proof: unknown;
  readonly [key: string]: unknown;
}

async function call(...args: Parameters<typeof event>) {
  const response = await api().handle(event(...args));
  expect(response.headers?.['content-type']).toMatch(/^application\/json/);
  return { status: response.statusCode, body: JSON.parse(response.body) as Answer };
}

const REDACTION = { ranges: [{ from: 10, to: 20 }], channel: 'both', reason: 'card number spoken' };
const DELETION = { reason: 'personal data spoken' };

// --- authorization matrix ------------------------------------------------------------------------

type RouteName = 'suspend' | 'resume' | 'deletion' | 'redactions' | 'request';
const ALLOWED: Record<RouteName, number> = {
  suspend: 200,
  resume: 200,
  deletion: 202,
  redactions: 202,
  request: 200,
};
const expected = (caller: CallerName, route: RouteName): number => {
  // Suspension is the agent's control: a DPO cannot switch the recording back on.
  if (caller === 'a DPO' && route === 'resume') return 403;
  if (caller === 'the handling agent' || caller === 'a DPO') return ALLOWED[route];
  // An agent is told "not found" for a contact or request of someone else, exactly as for one
  // that does not exist: whether a colleague's call was recorded is the colleague's business.
  if (caller === 'another agent') return 404;
  if (caller === 'no identity') return 401;
  return 403;
};

async function callRoute(route: RouteName, caller: CallerName) {
  switch (route) {
    case 'suspend':
    case 'resume': {
      const contactId = await liveCall();
      if (route === 'resume') {
        await call(ROUTE_KEYS.suspend, { contactId }, { caller: 'the handling agent' });
        standIn.clearCalls();
        audit.entries.length = 0;
      }
      return { ...(await call(ROUTE_KEYS[route], { contactId }, { caller })), contactId };
    }
    case 'deletion':
      return indexedCall().then(async (contactId) => ({
        ...(await call(ROUTE_KEYS.deletion, { contactId }, { caller, body: DELETION })),
        contactId,
      }));
    case 'redactions':
      return indexedCall().then(async (contactId) => ({
        ...(await call(ROUTE_KEYS.redactions, { contactId }, { caller, body: REDACTION })),
        contactId,
      }));
    case 'request': {
      const requestId = await putRequest(`agent:${AGENT_A}`);
      return { ...(await call(ROUTE_KEYS.request, { requestId }, { caller })), contactId: '' };
    }
  }
}

describe('authorization matrix (every route × every role)', () => {
  const routes: RouteName[] = ['suspend', 'resume', 'deletion', 'redactions', 'request'];
  const cases = routes.flatMap((route) =>
    (Object.keys(CALLERS) as CallerName[]).map((caller) => [route, caller, expected(caller, route)] as const),
  );
  it.each(cases)('%s by %s → %i', async (route, caller, status) => {
    const result = await callRoute(route, caller);
    expect(result.status).toBe(status);
    if (status >= 400) {
      expect(result.body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      expect(result.body.error.code).toMatch(
        status === 401 ? /^no-identity$/ : status === 403 ? /^forbidden$/ : /^(contact|request)-not-found$/,
      );
      // Refused callers change nothing: no Connect call, no request, no audit, no executor.
      expect(standIn.calls.filter((c) => c.operation !== 'DescribeContact')).toEqual([]);
      expect(audit.entries).toEqual([]);
      expect(executor.invoked).toEqual([]);
    }
    if (status === 401 || status === 403) expect(standIn.calls).toEqual([]);
  });

  it('a 404 for another agent is word for word the 404 for an unknown contact', async () => {
    const foreign = await indexedCall();
    const unknown = randomUUID();
    const a = await call(
      ROUTE_KEYS.deletion,
      { contactId: foreign },
      { caller: 'another agent', body: DELETION },
    );
    const b = await call(
      ROUTE_KEYS.deletion,
      { contactId: unknown },
      { caller: 'another agent', body: DELETION },
    );
    expect(a.body.error.message.replace(foreign, 'X')).toBe(b.body.error.message.replace(unknown, 'X'));
  });

  it('an agent token without a Connect user id is refused with a 403 that says what is missing', async () => {
    const contactId = await indexedCall();
    const { status, body } = await call(
      ROUTE_KEYS.deletion,
      { contactId },
      { claims: { sub: 'sub-x', 'cognito:groups': '[agents]' }, body: DELETION },
    );
    expect(status).toBe(403);
    expect(body.error.message).toMatch(/no Connect user id/);
  });

  it('an agent who is also a DPO acts as the agent on their own contact', async () => {
    const contactId = await indexedCall();
    const claims = {
      sub: 's',
      'cognito:groups': '[agents data-protection-officers]',
      'custom:connect_user_id': AGENT_A,
    };
    expect((await call(ROUTE_KEYS.deletion, { contactId }, { claims, body: DELETION })).status).toBe(202);
    expect(audit.entries[0]?.actor).toBe(`agent:${AGENT_A}`);
  });
});

// --- suspend / resume ----------------------------------------------------------------------------

describe('suspend and resume', () => {
  it('suspends and resumes the live call, naming the leg and the initial contact, and audits both', async () => {
    const contactId = await liveCall();
    const suspended = await call(ROUTE_KEYS.suspend, { contactId });
    expect(suspended).toEqual({
      status: 200,
      body: { contactId, state: 'suspended', currentContactId: contactId },
    });
    expect(standIn.recording(contactId).state).toBe('suspended');
    const resumed = await call(ROUTE_KEYS.resume, { contactId });
    expect(resumed.body).toMatchObject({ contactId, state: 'recording' });
    expect(standIn.recording(contactId).state).toBe('recording');
    expect(standIn.calls.map((c) => [c.operation, c.input.ContactId, c.input.InitialContactId])).toEqual([
      ['SuspendContactRecording', contactId, contactId],
      ['ResumeContactRecording', contactId, contactId],
    ]);
    expect(audit.entries.map((e) => [e.chain, e.kind, e.actor, e.subject])).toEqual([
      [`privacy/${PERIOD}`, 'suspension', `agent:${AGENT_A}`, contactId],
      [`privacy/${PERIOD}`, 'resumption', `agent:${AGENT_A}`, contactId],
    ]);
  });

  it('a DPO suspends on behalf of the agent and is recorded as the actor', async () => {
    const contactId = await liveCall();
    expect((await call(ROUTE_KEYS.suspend, { contactId }, { caller: 'a DPO' })).status).toBe(200);
    expect(audit.entries[0]?.actor).toBe('dpo:sub-dpo');
  });

  it('transfer pitfall: suspending with the old leg id reaches the current leg through one retry', async () => {
    const first = await liveCall();
    const second = randomUUID();
    standIn.transferContact(first, { id: second, agentId: AGENT_A });
    // The sampler decides again on the new agent leg (whisper flow), with the initial contact.
    await putDecision({ contactId: second, initialContactId: first });
    // Another agent's leg of the same initial contact must not be picked.
    await putDecision({ contactId: randomUUID(), initialContactId: first, agentId: AGENT_B });
    standIn.clearCalls();

    const suspended = await call(ROUTE_KEYS.suspend, { contactId: first });
    expect(suspended).toEqual({
      status: 200,
      body: { contactId: first, state: 'suspended', currentContactId: second },
    });
    expect(standIn.recording(second).state).toBe('suspended');
    expect(standIn.calls.map((c) => [c.operation, c.input.ContactId, c.outcome])).toEqual([
      ['SuspendContactRecording', first, 'ResourceNotFoundException'],
      ['DescribeContact', first, 'ok'],
      ['SuspendContactRecording', second, 'ok'],
    ]);
    expect(standIn.calls.at(-1)?.input.InitialContactId).toBe(first);
    expect(audit.entries[0]?.data).toMatchObject({ leg: second, initialContactId: first, retried: true });

    const resumed = await call(ROUTE_KEYS.resume, { contactId: first });
    expect(resumed.body).toMatchObject({ state: 'recording', currentContactId: second });
    expect(standIn.recording(second).state).toBe('recording');
  });

  it('naming the new leg after a transfer works directly with the InitialContactId from its decision', async () => {
    const first = await liveCall();
    const second = randomUUID();
    standIn.transferContact(first, { id: second, agentId: AGENT_A });
    await putDecision({ contactId: second, initialContactId: first });
    standIn.clearCalls();
    expect((await call(ROUTE_KEYS.suspend, { contactId: second })).status).toBe(200);
    expect(standIn.calls.map((c) => [c.operation, c.input.ContactId, c.input.InitialContactId])).toEqual([
      ['SuspendContactRecording', second, first],
    ]);
  });

  it('a transferred call with no current leg of the same agent → 409 contact-not-live', async () => {
    const first = await liveCall();
    standIn.transferContact(first, { id: randomUUID(), agentId: AGENT_B });
    const { status, body } = await call(ROUTE_KEYS.suspend, { contactId: first });
    expect(status).toBe(409);
    expect(body.error.code).toBe('contact-not-live');
    expect(audit.entries).toEqual([]);
  });

  it('an ended call → 409 not-recording with a clear message', async () => {
    const contactId = await liveCall();
    standIn.endContact(contactId);
    const { status, body } = await call(ROUTE_KEYS.suspend, { contactId });
    expect(status).toBe(409);
    expect(body.error).toEqual({
      code: 'not-recording',
      message: expect.stringMatching(/not being recorded or has ended/),
    });
  });

  it('a contact the lottery did not select is unknown to the privacy API (404)', async () => {
    const contactId = randomUUID();
    await putDecision({ contactId, recorded: false });
    standIn.addContact({ id: contactId, agentId: AGENT_A });
    expect((await call(ROUTE_KEYS.suspend, { contactId })).status).toBe(404);
    expect(standIn.calls).toEqual([]);
  });

  it.each([
    ['InternalServiceException', 502, 'connect-unavailable'],
    ['ThrottlingException', 503, 'connect-throttled'],
  ] as const)('Connect %s → %i %s, JSON, nothing audited', async (fault, status, code) => {
    const contactId = await liveCall();
    standIn.failNext('SuspendContactRecording', fault);
    const result = await call(ROUTE_KEYS.suspend, { contactId });
    expect(result.status).toBe(status);
    expect(result.body.error).toEqual({ code, message: expect.stringContaining(contactId) });
    expect(standIn.recording(contactId).state).toBe('recording');
    expect(audit.entries).toEqual([]);
  });

  it('a Connect failure during the transfer retry is answered as such (502)', async () => {
    const first = await liveCall();
    const second = randomUUID();
    standIn.transferContact(first, { id: second, agentId: AGENT_A });
    await putDecision({ contactId: second, initialContactId: first });
    standIn.failNext('DescribeContact', 'InternalServiceException');
    expect((await call(ROUTE_KEYS.suspend, { contactId: first })).status).toBe(502);
  });

  it('the suspension stands when the audit log fails afterwards; the failure is logged as an error', async () => {
    const contactId = await liveCall();
    audit.failNext = true;
    expect((await call(ROUTE_KEYS.suspend, { contactId })).status).toBe(200);
    expect(standIn.recording(contactId).state).toBe('suspended');
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'suspend done but not audited' }),
    );
  });
});

// --- deletion ------------------------------------------------------------------------------------

const getRequest = async (requestId: string) =>
  (await ddb.send(new GetCommand({ TableName: tables.requests, Key: { requestId }, ConsistentRead: true })))
    .Item;

describe('deletion', () => {
  it('an indexed recording: 202 in-progress, the contract record stored, audit first, executor invoked', async () => {
    const contactId = await indexedCall();
    const { status, body } = await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION });
    expect(status).toBe(202);
    expect(body).toEqual({ requestId: deletionRequestId(contactId), status: 'in-progress' });
    const stored = requestRecordSchema.parse(await getRequest(body.requestId));
    expect(stored).toMatchObject({
      kind: 'deletion',
      contactId,
      requestedBy: `agent:${AGENT_A}`,
      reason: DELETION.reason,
      status: 'in-progress',
      expiresAt: Math.floor(NOW.getTime() / 1000) + 365 * 86_400,
    });
    expect(executor.invoked).toEqual([body.requestId]);
    expect(audit.entries).toEqual([
      expect.objectContaining({
        chain: `privacy/${PERIOD}`,
        kind: 'deletion-requested',
        actor: `agent:${AGENT_A}`,
        subject: contactId,
        data: { requestId: body.requestId, status: 'in-progress' },
      }),
    ]);
  });

  it('a recording not yet indexed: 202 waiting-for-recording, executor not invoked (ingest applies it)', async () => {
    const contactId = randomUUID();
    await putDecision({ contactId });
    const { status, body } = await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION });
    expect([status, body.status]).toEqual([202, 'waiting-for-recording']);
    expect(executor.invoked).toEqual([]);
    expect((await getRequest(body.requestId))?.status).toBe('waiting-for-recording');
  });

  it('409 when a deletion is already pending or done, and when the recording is already deleted', async () => {
    const contactId = await indexedCall();
    expect((await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION })).status).toBe(202);
    const again = await call(ROUTE_KEYS.deletion, { contactId }, { caller: 'a DPO', body: DELETION });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('deletion-pending');
    for (const state of ['deleted', 'unauthorized-deleted', 'expired'] as const) {
      const gone = await indexedCall({ state });
      const r = await call(ROUTE_KEYS.deletion, { contactId: gone }, { body: DELETION });
      expect([r.status, r.body.error.code]).toEqual([409, 'recording-deleted']);
    }
  });

  it('concurrent deletion requests for one contact: exactly one is accepted', async () => {
    const contactId = await indexedCall();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([202, 409, 409, 409, 409]);
    expect(executor.invoked).toHaveLength(1);
  });

  it('executor unavailable → 503, the request is marked failed, and a new request is then accepted', async () => {
    const contactId = await indexedCall();
    executor.failNext = true;
    const first = await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION });
    expect([first.status, first.body.error.code]).toEqual([503, 'executor-unavailable']);
    expect((await getRequest(deletionRequestId(contactId)))?.status).toBe('failed');
    const second = await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION });
    expect(second.status).toBe(202);
    expect(executor.invoked).toEqual([deletionRequestId(contactId)]);
  });

  it('audit log unavailable → 503, nothing started', async () => {
    const contactId = await indexedCall();
    audit.failNext = true;
    const r = await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION });
    expect([r.status, r.body.error.code]).toEqual([503, 'audit-unavailable']);
    expect(executor.invoked).toEqual([]);
    expect((await getRequest(deletionRequestId(contactId)))?.status).toBe('failed');
  });
});

// --- redaction -----------------------------------------------------------------------------------

describe('redaction', () => {
  it('202 with the ranges and channel stored for the executor', async () => {
    const contactId = await indexedCall({ durationSeconds: 300 });
    const body = {
      ranges: [
        { from: 0, to: 5.5 },
        { from: 290, to: 300 },
      ],
      channel: 'customer',
      reason: 'IBAN',
    };
    const r = await call(ROUTE_KEYS.redactions, { contactId }, { body });
    expect(r.status).toBe(202);
    const stored = requestRecordSchema.parse(await getRequest(r.body.requestId));
    expect(stored).toMatchObject({
      kind: 'redaction',
      ranges: body.ranges,
      channel: 'customer',
      status: 'in-progress',
    });
    expect(executor.invoked).toEqual([r.body.requestId]);
    expect(audit.entries[0]).toMatchObject({
      kind: 'redaction-requested',
      data: { ranges: body.ranges, channel: 'customer' },
    });
  });

  it('ranges are accepted when the duration is not known yet (the executor checks on arrival)', async () => {
    const contactId = randomUUID();
    await putDecision({ contactId });
    const r = await call(
      ROUTE_KEYS.redactions,
      { contactId },
      { body: { ...REDACTION, ranges: [{ from: 1, to: 99_999 }] } },
    );
    expect([r.status, r.body.status]).toEqual([202, 'waiting-for-recording']);
  });

  it('409 when the recording is deleted or a deletion is pending', async () => {
    const gone = await indexedCall({ state: 'deleted' });
    expect(
      (await call(ROUTE_KEYS.redactions, { contactId: gone }, { body: REDACTION })).body.error.code,
    ).toBe('recording-deleted');
    const pending = await indexedCall();
    await call(ROUTE_KEYS.deletion, { contactId: pending }, { body: DELETION });
    const r = await call(ROUTE_KEYS.redactions, { contactId: pending }, { body: REDACTION });
    expect([r.status, r.body.error.code]).toEqual([409, 'deletion-pending']);
  });
});

// --- every 400 -----------------------------------------------------------------------------------

describe('validation: every 400', () => {
  let contactId: string;
  beforeEach(async () => {
    contactId = await indexedCall({ durationSeconds: 60 });
  });
  const fifty = Array.from({ length: 51 }, (_, i) => ({ from: i, to: i + 0.5 }));
  it.each([
    ['malformed JSON', ROUTE_KEYS.redactions, { raw: '{"ranges": [' }, 'invalid-json'],
    ['malformed JSON (deletion)', ROUTE_KEYS.deletion, { raw: 'reason=x' }, 'invalid-json'],
    ['no body', ROUTE_KEYS.deletion, {}, 'invalid-body'],
    ['a body that is not an object', ROUTE_KEYS.deletion, { body: ['x'] }, 'invalid-body'],
    ['empty reason', ROUTE_KEYS.deletion, { body: { reason: '   ' } }, 'invalid-body'],
    [
      'reason over 500 characters',
      ROUTE_KEYS.deletion,
      { body: { reason: 'x'.repeat(501) } },
      'invalid-body',
    ],
    ['unknown field', ROUTE_KEYS.deletion, { body: { reason: 'r', force: true } }, 'invalid-body'],
    [
      'from ≥ to',
      ROUTE_KEYS.redactions,
      { body: { ...REDACTION, ranges: [{ from: 20, to: 20 }] } },
      'invalid-body',
    ],
    [
      'negative',
      ROUTE_KEYS.redactions,
      { body: { ...REDACTION, ranges: [{ from: -1, to: 2 }] } },
      'invalid-body',
    ],
    [
      'not a number',
      ROUTE_KEYS.redactions,
      { body: { ...REDACTION, ranges: [{ from: '1', to: 2 }] } },
      'invalid-body',
    ],
    [
      'beyond the recording',
      ROUTE_KEYS.redactions,
      { body: { ...REDACTION, ranges: [{ from: 50, to: 61 }] } },
      'range-beyond-recording',
    ],
    ['unknown channel', ROUTE_KEYS.redactions, { body: { ...REDACTION, channel: 'left' } }, 'invalid-body'],
    [
      'no channel',
      ROUTE_KEYS.redactions,
      { body: { ranges: REDACTION.ranges, reason: 'r' } },
      'invalid-body',
    ],
    ['more than 50 ranges', ROUTE_KEYS.redactions, { body: { ...REDACTION, ranges: fifty } }, 'invalid-body'],
    ['no range', ROUTE_KEYS.redactions, { body: { ...REDACTION, ranges: [] } }, 'invalid-body'],
  ] as const)('%s → 400 %s', async (_name, route, options, code) => {
    const r = await call(route, { contactId }, options as { body?: unknown; raw?: string });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message.length).toBeGreaterThan(10);
    expect(executor.invoked).toEqual([]);
  });

  it('names the field and the rule, never the value sent', async () => {
    const r = await call(
      ROUTE_KEYS.redactions,
      { contactId },
      {
        body: { ...REDACTION, ranges: [{ from: 5, to: 1 }], reason: 'secret-iban-FR76' },
      },
    );
    expect(r.body.error.message).toMatch(/ranges\.0: from must be before to/);
    expect(JSON.stringify(r.body)).not.toContain('secret-iban');
  });

  it('a contact id or request id that is not a UUID → 400', async () => {
    const a = await call(ROUTE_KEYS.suspend, { contactId: '../etc' });
    expect([a.status, a.body.error.code]).toEqual([400, 'invalid-contact-id']);
    const b = await call(ROUTE_KEYS.request, { requestId: 'x' });
    expect([b.status, b.body.error.code]).toEqual([400, 'invalid-request-id']);
  });

  it('a body over 16 KB → 413', async () => {
    const r = await call(
      ROUTE_KEYS.deletion,
      { contactId },
      { raw: JSON.stringify({ reason: 'x'.repeat(20_000) }) },
    );
    expect([r.status, r.body.error.code]).toEqual([413, 'body-too-large']);
  });

  it('a base64-encoded body is decoded', async () => {
    const e = event(
      ROUTE_KEYS.deletion,
      { contactId },
      { raw: Buffer.from(JSON.stringify(DELETION)).toString('base64') },
    );
    const response = await api().handle({ ...e, isBase64Encoded: true });
    expect(response.statusCode).toBe(202);
  });
});

// --- 404 / GET /requests/{id} -------------------------------------------------------------------

describe('404 and request status', () => {
  it('unknown contact → 404 for the DPO and for an agent', async () => {
    for (const caller of ['a DPO', 'the handling agent'] as const) {
      const r = await call(ROUTE_KEYS.deletion, { contactId: randomUUID() }, { caller, body: DELETION });
      expect([r.status, r.body.error.code]).toEqual([404, 'contact-not-found']);
    }
  });

  it('a recording indexed without a decision is still known (owner from the index)', async () => {
    const contactId = randomUUID();
    await putRecording({ contactId });
    expect((await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION })).status).toBe(202);
  });

  it('GET returns status and proof to the requester; unknown → 404', async () => {
    const requestId = await putRequest(`agent:${AGENT_A}`);
    const r = await call(ROUTE_KEYS.request, { requestId });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      requestId,
      kind: 'deletion',
      status: 'done',
      completedAt: NOW.toISOString(),
      proof: {
        deleted: [{ key: 'connect/x/CallRecordings/a.wav', versionId: 'v1', at: NOW.toISOString() }],
        replaced: [],
      },
    });
    const missing = await call(ROUTE_KEYS.request, { requestId: randomUUID() }, { caller: 'a DPO' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'request-not-found']);
    const pending = await putRequest(`dpo:sub-dpo`, false);
    expect(
      (await call(ROUTE_KEYS.request, { requestId: pending }, { caller: 'a DPO' })).body.proof,
    ).toBeNull();
  });

  it('a request made through the API can be read back with its status', async () => {
    const contactId = await indexedCall();
    const { body } = await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION });
    const r = await call(ROUTE_KEYS.request, { requestId: body.requestId });
    expect(r.body).toMatchObject({
      requestId: body.requestId,
      contactId,
      status: 'in-progress',
      proof: null,
    });
  });

  it('an unknown route → 404 JSON', async () => {
    const r = await call('DELETE /contacts/{contactId}', { contactId: randomUUID() });
    expect([r.status, r.body.error.code]).toEqual([404, 'route-not-found']);
  });
});

// --- robustness ----------------------------------------------------------------------------------

describe('robustness', () => {
  it('an unexpected failure → 500 with a generic message, logged with ids only', async () => {
    deps = { ...deps, tables: { ...deps.tables, decisions: 'no-such-table' } };
    const contactId = randomUUID();
    const r = await call(ROUTE_KEYS.deletion, { contactId }, { body: DELETION });
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('internal');
    expect(r.body.error.message).not.toMatch(/table|dynamo/i);
    expect(logged.at(-1)).toEqual({
      level: 'error',
      message: 'unexpected error',
      extra: {
        routeKey: ROUTE_KEYS.deletion,
        requestId: 'api-request-1',
        error: 'ResourceNotFoundException',
      },
    });
  });

  it.each([undefined, null, 42, 'x', {}, { routeKey: 42 }, { routeKey: ROUTE_KEYS.deletion }])(
    'a malformed event %j is answered with JSON, never a throw',
    async (bad) => {
      const response = await api().handle(bad);
      expect([401, 404]).toContain(response.statusCode);
      expect(JSON.parse(response.body).error.code).toEqual(expect.any(String));
    },
  );

  it('fuzz: any request body is answered with a 4xx JSON error and never throws', async () => {
    const contactId = await indexedCall({ state: 'deleted' }); // valid bodies end in a 409
    const range = fc.record({ from: fc.oneof(fc.double(), fc.string(), fc.constant(null)), to: fc.double() });
    const bodies = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc
        .record(
          {
            ranges: fc.oneof(fc.array(range, { maxLength: 60 }), fc.anything({ maxDepth: 2 })),
            channel: fc.oneof(fc.constantFrom('both', 'agent', 'customer'), fc.string({ maxLength: 10 })),
            reason: fc.oneof(fc.string({ maxLength: 600 }), fc.integer()),
          },
          { requiredKeys: [] },
        )
        .map((b) => JSON.stringify(b)),
    );
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom(ROUTE_KEYS.deletion, ROUTE_KEYS.redactions),
        async (raw, route) => {
          const response = await api().handle(event(route, { contactId }, { raw }));
          expect([400, 409, 413]).toContain(response.statusCode);
          const parsed = JSON.parse(response.body);
          expect(parsed.error).toEqual({
            code: expect.any(String),
            message: expect.any(String),
            ...(parsed.error.details ? { details: expect.anything() } : {}),
          });
        },
      ),
      { numRuns: 300 },
    );
    expect(executor.invoked).toEqual([]);
  });
});

describe('uuidV5', () => {
  it('matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
