/**
 * An Amazon Connect stand-in: a small HTTP server on 127.0.0.1 that speaks the Connect REST-JSON
 * protocol for the operations fairlisten uses, so that the real `@aws-sdk/client-connect` can be
 * pointed at it (explicit `endpoint`, or `AWS_ENDPOINT_URL_CONNECT`). There is no local Connect;
 * this is a model, seeded by the caller, with an assertion-friendly log of what happened.
 *
 * Wire format (taken from the SDK 3.1136.0 schemas in `dist-cjs/index.js`):
 * - POST /contact/start-recording    {InstanceId, ContactId, InitialContactId, VoiceRecordingConfiguration}
 * - POST /contact/stop-recording     {InstanceId, ContactId, InitialContactId, ContactRecordingType?}
 * - POST /contact/suspend-recording  (same body as stop)
 * - POST /contact/resume-recording   (same body as stop)
 * - GET  /contacts/{InstanceId}/{ContactId}                         -> {Contact}
 * - GET  /users/{InstanceId}/{UserId}                               -> {User}
 * - GET  /users-summary/{InstanceId}?nextToken&maxResults           -> {UserSummaryList, NextToken}
 * - GET  /user-hierarchy-groups/{InstanceId}/{HierarchyGroupId}     -> {HierarchyGroup}
 * - GET  /user-hierarchy-groups-summary/{InstanceId}?nextToken&maxResults
 *                                                      -> {UserHierarchyGroupSummaryList, NextToken}
 * Success is 200 with a JSON body (`{}` for the recording operations); timestamps are epoch
 * seconds. Errors carry the `x-amzn-ErrorType` header, `__type` in the body and the modelled
 * status (ResourceNotFoundException 404, InvalidRequestException 400, ThrottlingException 429,
 * InternalServiceException 500), which the SDK turns into typed exceptions with `name` set.
 *
 * Recording rules, from the API reference
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_StartContactRecording.html and the
 * Suspend/Resume/Stop pages):
 * - "StartContactRecording is a one-time action": after StopContactRecording, a new Start cannot
 *   restart the recording -> InvalidRequestException here.
 * - "Only voice recordings are supported at this time": VoiceRecordingConfiguration with a
 *   VoiceRecordingTrack (FROM_AGENT | TO_AGENT | ALL) is required -> InvalidRequestException.
 * - The docs do not say what a second Start on a contact already being recorded does. The
 *   stand-in accepts it without a new span by default (`repeatStart: 'accept'`); set
 *   `repeatStart: 'reject'` to make it an InvalidRequestException and test the other branch.
 * - Suspend and Resume act "when a contact is being recorded": on a contact that is not being
 *   recorded (none or stopped) -> InvalidRequestException. Suspending a suspended recording or
 *   resuming a running one is accepted without a change.
 * - Transfer pitfall: the three recording operations name both `ContactId` and
 *   `InitialContactId` ("the identifier of the contact associated with the first interaction with
 *   the contact center"). A transfer creates a new contact leg (new ContactId, PreviousContactId =
 *   old leg, same InitialContactId); the recording continues on the new leg. Calls after a
 *   transfer must name the *current* leg and the *initial* contact id. Calls naming the
 *   transferred-away leg fail with ResourceNotFoundException — the error reported in
 *   amazon-connect/amazon-connect-streams#294 ("Pause recordings: Resource not found (after agent
 *   transfer and queue transfer)"). An InitialContactId that is not the leg's initial contact is
 *   also ResourceNotFoundException. The exact server behaviour is not documented; this is the
 *   conservative model.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLoopback } from './net';

/** Operations the stand-in implements, named as in the Connect API. */
export type ConnectOperation =
  | 'StartContactRecording'
  | 'StopContactRecording'
  | 'SuspendContactRecording'
  | 'ResumeContactRecording'
  | 'DescribeContact'
  | 'DescribeUser'
  | 'ListUsers'
  | 'DescribeUserHierarchyGroup'
  | 'ListUserHierarchyGroups'
  | 'ListContactFlows'
  | 'DescribeContactFlow'
  | 'ListQueues'
  | 'ListRoutingProfiles'
  | 'ListRoutingProfileQueues'
  | 'ListPhoneNumbers'
  | 'ListFlowAssociations';

/** Errors the stand-in can return, with their HTTP status as modelled by the SDK. */
export const CONNECT_ERROR_STATUS = {
  ResourceNotFoundException: 404,
  InvalidRequestException: 400,
  InvalidParameterException: 400,
  ThrottlingException: 429,
  InternalServiceException: 500,
} as const;
export type ConnectErrorName = keyof typeof CONNECT_ERROR_STATUS;

export type VoiceRecordingTrack = 'FROM_AGENT' | 'TO_AGENT' | 'ALL';
const TRACKS: readonly string[] = ['FROM_AGENT', 'TO_AGENT', 'ALL'];

export interface UserSeed {
  readonly id: string;
  readonly username: string;
  readonly hierarchyGroupId?: string;
  readonly routingProfileId?: string;
}

/** A published flow; `content` is the flow language JSON as Connect stores it (a string). */
export interface FlowSeed {
  readonly id: string;
  readonly name: string;
  /** CONTACT_FLOW, AGENT_WHISPER, … */
  readonly type: string;
  readonly content: string;
}

export interface QueueSeed {
  readonly id: string;
  readonly name: string;
}

export interface RoutingProfileSeed {
  readonly id: string;
  readonly name: string;
  readonly queueIds: readonly string[];
}

export interface PhoneNumberSeed {
  readonly id: string;
  readonly number: string;
  /** The flow incoming calls to this number start in (its flow association). */
  readonly flowId?: string;
}

export interface HierarchyGroupSeed {
  readonly id: string;
  readonly name: string;
  /** Hierarchy level 1..5 (LevelOne..LevelFive). */
  readonly level: 1 | 2 | 3 | 4 | 5;
  /** Group ids from LevelOne down to this group (inclusive); defaults to `[id]`. */
  readonly path?: readonly string[];
}

export type ContactState = 'active' | 'ended';

export interface ContactSeed {
  readonly id: string;
  readonly initialContactId?: string;
  readonly previousContactId?: string;
  readonly agentId?: string;
  readonly queueId?: string;
  /** Defaults to `active`. */
  readonly state?: ContactState;
  /** Defaults to the clock at seeding time. */
  readonly initiatedAt?: Date;
}

export interface ConnectSeed {
  readonly instanceId: string;
  readonly users?: readonly UserSeed[];
  readonly hierarchyGroups?: readonly HierarchyGroupSeed[];
  readonly contacts?: readonly ContactSeed[];
  readonly flows?: readonly FlowSeed[];
  readonly queues?: readonly QueueSeed[];
  readonly routingProfiles?: readonly RoutingProfileSeed[];
  readonly phoneNumbers?: readonly PhoneNumberSeed[];
}

export interface ConnectStandInOptions {
  /** Injectable clock for contact and recording timestamps; defaults to `new Date()`. */
  readonly clock?: () => Date;
  /** Artificial delay before every response, in milliseconds. */
  readonly latencyMs?: number;
  /** What a Start on a contact that is already recording does (undocumented; see module doc). */
  readonly repeatStart?: 'accept' | 'reject';
  /** Region used in ARNs. */
  readonly region?: string;
  readonly accountId?: string;
}

export type RecordingState = 'none' | 'recording' | 'suspended' | 'stopped';

/** One change of a contact leg's recording. `inherit`/`transfer` mark a transfer between legs. */
export interface RecordingEvent {
  readonly action: 'start' | 'suspend' | 'resume' | 'stop' | 'transfer' | 'inherit' | 'end';
  readonly at: Date;
  /** On `inherit`: the recording arrived suspended (the new leg stays silent until a resume). */
  readonly suspended?: boolean;
}

export interface RecordingStatus {
  readonly state: RecordingState;
  readonly track?: VoiceRecordingTrack;
  readonly events: readonly RecordingEvent[];
}

/** A stretch of time during which audio was recorded (suspended time is excluded). */
export interface RecordingSpan {
  readonly from: Date;
  /** Absent while the span is still open. */
  readonly to?: Date;
}

/** One request as received, for assertions. */
export interface ConnectCall {
  readonly operation: ConnectOperation;
  readonly input: Readonly<Record<string, unknown>>;
  readonly at: Date;
  /** `ok` or the error name returned. */
  readonly outcome: 'ok' | ConnectErrorName;
}

interface Contact {
  id: string;
  initialContactId?: string;
  previousContactId?: string;
  agentId?: string;
  queueId?: string;
  state: ContactState;
  initiatedAt: Date;
  disconnectedAt?: Date;
  /** Set when the leg ended because it was transferred. */
  transferredTo?: string;
  recording: { state: RecordingState; track?: VoiceRecordingTrack; events: RecordingEvent[] };
}

/** Thrown inside handlers; turned into a Connect error response. */
class ConnectError extends Error {
  constructor(
    readonly errorName: ConnectErrorName,
    message: string,
  ) {
    super(message);
  }
}

interface Route {
  readonly operation: ConnectOperation;
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  /** Names for the pattern's capture groups. */
  readonly params: readonly string[];
}

const ROUTES: readonly Route[] = [
  { operation: 'StartContactRecording', method: 'POST', pattern: /^\/contact\/start-recording$/, params: [] },
  { operation: 'StopContactRecording', method: 'POST', pattern: /^\/contact\/stop-recording$/, params: [] },
  {
    operation: 'SuspendContactRecording',
    method: 'POST',
    pattern: /^\/contact\/suspend-recording$/,
    params: [],
  },
  {
    operation: 'ResumeContactRecording',
    method: 'POST',
    pattern: /^\/contact\/resume-recording$/,
    params: [],
  },
  {
    operation: 'DescribeContact',
    method: 'GET',
    pattern: /^\/contacts\/([^/]+)\/([^/]+)$/,
    params: ['InstanceId', 'ContactId'],
  },
  {
    operation: 'DescribeUser',
    method: 'GET',
    pattern: /^\/users\/([^/]+)\/([^/]+)$/,
    params: ['InstanceId', 'UserId'],
  },
  { operation: 'ListUsers', method: 'GET', pattern: /^\/users-summary\/([^/]+)$/, params: ['InstanceId'] },
  {
    operation: 'DescribeUserHierarchyGroup',
    method: 'GET',
    pattern: /^\/user-hierarchy-groups\/([^/]+)\/([^/]+)$/,
    params: ['InstanceId', 'HierarchyGroupId'],
  },
  {
    operation: 'ListUserHierarchyGroups',
    method: 'GET',
    pattern: /^\/user-hierarchy-groups-summary\/([^/]+)$/,
    params: ['InstanceId'],
  },
  {
    operation: 'ListContactFlows',
    method: 'GET',
    pattern: /^\/contact-flows-summary\/([^/]+)$/,
    params: ['InstanceId'],
  },
  {
    operation: 'DescribeContactFlow',
    method: 'GET',
    pattern: /^\/contact-flows\/([^/]+)\/([^/]+)$/,
    params: ['InstanceId', 'ContactFlowId'],
  },
  { operation: 'ListQueues', method: 'GET', pattern: /^\/queues-summary\/([^/]+)$/, params: ['InstanceId'] },
  {
    operation: 'ListRoutingProfiles',
    method: 'GET',
    pattern: /^\/routing-profiles-summary\/([^/]+)$/,
    params: ['InstanceId'],
  },
  {
    operation: 'ListRoutingProfileQueues',
    method: 'GET',
    pattern: /^\/routing-profiles\/([^/]+)\/([^/]+)\/queues$/,
    params: ['InstanceId', 'RoutingProfileId'],
  },
  {
    operation: 'ListPhoneNumbers',
    method: 'GET',
    pattern: /^\/phone-numbers-summary\/([^/]+)$/,
    params: ['InstanceId'],
  },
  {
    operation: 'ListFlowAssociations',
    method: 'GET',
    pattern: /^\/flow-associations-summary\/([^/]+)$/,
    params: ['InstanceId'],
  },
];

const LEVEL_KEYS = ['LevelOne', 'LevelTwo', 'LevelThree', 'LevelFour', 'LevelFive'] as const;

export interface RunningConnect {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The stand-in: an in-memory Connect instance plus the HTTP server that exposes it. */
export class ConnectStandIn {
  readonly instanceId: string;
  private readonly clock: () => Date;
  private readonly repeatStart: 'accept' | 'reject';
  private readonly arnPrefix: string;
  private latencyMs: number;
  private readonly users = new Map<string, UserSeed>();
  private readonly groups = new Map<string, HierarchyGroupSeed>();
  private readonly contacts = new Map<string, Contact>();
  private readonly flows: FlowSeed[];
  private readonly queues: QueueSeed[];
  private readonly routingProfiles: RoutingProfileSeed[];
  private readonly phoneNumbers: PhoneNumberSeed[];
  private readonly faults: { operation: ConnectOperation; errorName: ConnectErrorName; remaining: number }[] =
    [];
  private readonly callLog: ConnectCall[] = [];

  constructor(seed: ConnectSeed, options: ConnectStandInOptions = {}) {
    this.instanceId = seed.instanceId;
    this.clock = options.clock ?? (() => new Date());
    this.latencyMs = options.latencyMs ?? 0;
    this.repeatStart = options.repeatStart ?? 'accept';
    const region = options.region ?? 'eu-central-1';
    const account = options.accountId ?? '000000000000';
    this.arnPrefix = `arn:aws:connect:${region}:${account}:instance/${seed.instanceId}`;
    for (const user of seed.users ?? []) this.users.set(user.id, user);
    for (const group of seed.hierarchyGroups ?? []) this.groups.set(group.id, group);
    for (const contact of seed.contacts ?? []) this.addContact(contact);
    this.flows = [...(seed.flows ?? [])];
    this.queues = [...(seed.queues ?? [])];
    this.routingProfiles = [...(seed.routingProfiles ?? [])];
    this.phoneNumbers = [...(seed.phoneNumbers ?? [])];
  }

  /** Every request received so far, oldest first. */
  get calls(): readonly ConnectCall[] {
    return this.callLog;
  }

  /** Forgets the call log (state is kept). */
  clearCalls(): void {
    this.callLog.length = 0;
  }

  /** Adds a contact leg (e.g. a call arriving during a simulation). */
  addContact(seed: ContactSeed): void {
    if (this.contacts.has(seed.id)) throw new Error(`contact ${seed.id} exists`);
    this.contacts.set(seed.id, {
      id: seed.id,
      initialContactId: seed.initialContactId,
      previousContactId: seed.previousContactId,
      agentId: seed.agentId,
      queueId: seed.queueId,
      state: seed.state ?? 'active',
      initiatedAt: seed.initiatedAt ?? this.clock(),
      recording: { state: 'none', events: [] },
    });
  }

  /** Ends (disconnects) a contact leg; a running recording span closes with it. */
  endContact(contactId: string): void {
    const contact = this.mustGet(contactId);
    if (contact.state === 'ended') return;
    const at = this.clock();
    contact.state = 'ended';
    contact.disconnectedAt = at;
    if (contact.recording.state === 'recording' || contact.recording.state === 'suspended') {
      contact.recording.events.push({ action: 'end', at });
    }
  }

  /**
   * Transfers a contact: the old leg ends, a new leg starts with the same initial contact and the
   * old leg as its previous contact. A running (or suspended) recording continues on the new leg.
   */
  transferContact(fromId: string, to: { id: string; agentId?: string; queueId?: string }): void {
    const from = this.mustGet(fromId);
    if (from.state === 'ended') throw new Error(`contact ${fromId} has ended`);
    const at = this.clock();
    const carried = from.recording.state === 'recording' || from.recording.state === 'suspended';
    this.addContact({
      id: to.id,
      initialContactId: from.initialContactId ?? from.id,
      previousContactId: from.id,
      agentId: to.agentId,
      queueId: to.queueId,
      initiatedAt: at,
    });
    const next = this.contacts.get(to.id)!;
    if (carried) {
      next.recording.state = from.recording.state;
      next.recording.track = from.recording.track;
      next.recording.events.push({ action: 'inherit', at, suspended: from.recording.state === 'suspended' });
      from.recording.events.push({ action: 'transfer', at });
    }
    from.state = 'ended';
    from.disconnectedAt = at;
    from.transferredTo = to.id;
  }

  /** Recording state and event log of a contact leg. */
  recording(contactId: string): RecordingStatus {
    const { state, track, events } = this.mustGet(contactId).recording;
    return { state, track, events: [...events] };
  }

  /** Periods in which a leg was actually recording (start/resume/inherit .. suspend/stop/transfer/end). */
  recordingSpans(contactId: string): RecordingSpan[] {
    const spans: RecordingSpan[] = [];
    let open: Date | undefined;
    for (const event of this.mustGet(contactId).recording.events) {
      switch (event.action) {
        case 'start':
        case 'resume':
          if (!open) open = event.at;
          break;
        case 'inherit':
          if (!event.suspended) open = event.at;
          break;
        case 'suspend':
        case 'stop':
        case 'transfer':
        case 'end':
          if (open) spans.push({ from: open, to: event.at });
          open = undefined;
          break;
      }
    }
    if (open) spans.push({ from: open });
    return spans;
  }

  /** Makes the next `count` calls of `operation` fail with `errorName` (before any validation). */
  failNext(operation: ConnectOperation, errorName: ConnectErrorName, count = 1): void {
    this.faults.push({ operation, errorName, remaining: count });
  }

  /** Sets the artificial latency applied to every response. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Starts the HTTP server on 127.0.0.1 with an OS-chosen port. */
  async start(): Promise<RunningConnect> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.sendError(res, 'InternalServiceException', String(err));
      });
    });
    const endpoint = await listenLoopback(server);
    return { endpoint, stop: () => closeServer(server) };
  }

  // --- HTTP plumbing -------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (!route) {
      this.sendError(res, 'InvalidRequestException', `no route for ${req.method} ${url.pathname}`);
      return;
    }
    const input = this.inputOf(route, url, body);
    const at = this.clock();
    try {
      const output = this.dispatch(route.operation, input);
      this.callLog.push({ operation: route.operation, input, at, outcome: 'ok' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(output));
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
      this.callLog.push({ operation: route.operation, input, at, outcome: err.errorName });
      this.sendError(res, err.errorName, err.message);
    }
  }

  private inputOf(route: Route, url: URL, body: string): Record<string, unknown> {
    const input: Record<string, unknown> = {};
    const match = route.pattern.exec(url.pathname)!;
    route.params.forEach((name, i) => {
      input[name] = decodeURIComponent(match[i + 1]!);
    });
    const nextToken = url.searchParams.get('nextToken');
    const maxResults = url.searchParams.get('maxResults');
    if (nextToken !== null) input.NextToken = nextToken;
    if (maxResults !== null) input.MaxResults = Number(maxResults);
    if (body.length > 0) {
      try {
        Object.assign(input, JSON.parse(body) as Record<string, unknown>);
      } catch {
        input.$unparsable = body;
      }
    }
    return input;
  }

  private sendError(res: ServerResponse, name: ConnectErrorName, message: string): void {
    res.writeHead(CONNECT_ERROR_STATUS[name], {
      'content-type': 'application/json',
      'x-amzn-errortype': name,
    });
    res.end(JSON.stringify({ __type: name, Message: message }));
  }

  // --- Operations ----------------------------------------------------------------------------

  private dispatch(operation: ConnectOperation, input: Record<string, unknown>): unknown {
    const fault = this.faults.find((f) => f.operation === operation && f.remaining > 0);
    if (fault) {
      fault.remaining--;
      if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
      throw new ConnectError(fault.errorName, `injected ${fault.errorName}`);
    }
    if (input.$unparsable !== undefined)
      throw new ConnectError('InvalidRequestException', 'body is not JSON');
    if (input.InstanceId !== this.instanceId) {
      throw new ConnectError('ResourceNotFoundException', `instance ${String(input.InstanceId)} not found`);
    }
    switch (operation) {
      case 'StartContactRecording':
        return this.startRecording(input);
      case 'StopContactRecording':
        return this.stopRecording(input);
      case 'SuspendContactRecording':
        return this.suspendRecording(input);
      case 'ResumeContactRecording':
        return this.resumeRecording(input);
      case 'DescribeContact':
        return { Contact: this.describeContact(this.findContact(input.ContactId)) };
      case 'DescribeUser':
        return { User: this.describeUser(input) };
      case 'ListUsers':
        return this.listUsers(input);
      case 'DescribeUserHierarchyGroup':
        return { HierarchyGroup: this.describeGroup(input) };
      case 'ListUserHierarchyGroups':
        return this.listGroups(input);
      case 'ListContactFlows':
      case 'DescribeContactFlow':
      case 'ListQueues':
      case 'ListRoutingProfiles':
      case 'ListRoutingProfileQueues':
      case 'ListPhoneNumbers':
      case 'ListFlowAssociations':
        return this.configuration(operation, input);
    }
  }

  /** Resolves the leg a recording call names, enforcing the ContactId/InitialContactId rules. */
  private recordingTarget(input: Record<string, unknown>): Contact {
    const contact = this.findContact(input.ContactId);
    if (typeof input.InitialContactId !== 'string' || input.InitialContactId === '') {
      throw new ConnectError('InvalidRequestException', 'InitialContactId is required');
    }
    if (contact.transferredTo) {
      throw new ConnectError(
        'ResourceNotFoundException',
        `contact ${contact.id} was transferred to ${contact.transferredTo}; name the current contact`,
      );
    }
    if (input.InitialContactId !== (contact.initialContactId ?? contact.id)) {
      throw new ConnectError(
        'ResourceNotFoundException',
        `contact ${contact.id} does not belong to initial contact ${input.InitialContactId}`,
      );
    }
    if (contact.state === 'ended') {
      throw new ConnectError('InvalidRequestException', `contact ${contact.id} has ended`);
    }
    return contact;
  }

  private startRecording(input: Record<string, unknown>): object {
    const contact = this.recordingTarget(input);
    const config = input.VoiceRecordingConfiguration as { VoiceRecordingTrack?: unknown } | undefined;
    const track = config?.VoiceRecordingTrack;
    if (typeof track !== 'string' || !TRACKS.includes(track)) {
      throw new ConnectError(
        'InvalidRequestException',
        'VoiceRecordingConfiguration.VoiceRecordingTrack must be FROM_AGENT, TO_AGENT or ALL',
      );
    }
    const rec = contact.recording;
    if (rec.state === 'stopped') {
      throw new ConnectError('InvalidRequestException', 'StartContactRecording is a one-time action');
    }
    if (rec.state === 'recording' || rec.state === 'suspended') {
      if (this.repeatStart === 'reject') {
        throw new ConnectError('InvalidRequestException', `contact ${contact.id} is already being recorded`);
      }
      return {};
    }
    rec.state = 'recording';
    rec.track = track as VoiceRecordingTrack;
    rec.events.push({ action: 'start', at: this.clock() });
    return {};
  }

  private stopRecording(input: Record<string, unknown>): object {
    const contact = this.recordingTarget(input);
    const rec = contact.recording;
    if (rec.state === 'stopped') return {};
    if (rec.state === 'none') {
      throw new ConnectError('InvalidRequestException', `contact ${contact.id} is not being recorded`);
    }
    rec.state = 'stopped';
    rec.events.push({ action: 'stop', at: this.clock() });
    return {};
  }

  private suspendRecording(input: Record<string, unknown>): object {
    const contact = this.recordingTarget(input);
    const rec = contact.recording;
    if (rec.state === 'suspended') return {};
    if (rec.state !== 'recording') {
      throw new ConnectError('InvalidRequestException', `contact ${contact.id} is not being recorded`);
    }
    rec.state = 'suspended';
    rec.events.push({ action: 'suspend', at: this.clock() });
    return {};
  }

  private resumeRecording(input: Record<string, unknown>): object {
    const contact = this.recordingTarget(input);
    const rec = contact.recording;
    if (rec.state === 'recording') return {};
    if (rec.state !== 'suspended') {
      throw new ConnectError('InvalidRequestException', `contact ${contact.id} is not being recorded`);
    }
    rec.state = 'recording';
    rec.events.push({ action: 'resume', at: this.clock() });
    return {};
  }

  private describeContact(contact: Contact): object {
    return {
      Arn: `${this.arnPrefix}/contact/${contact.id}`,
      Id: contact.id,
      InitialContactId: contact.initialContactId,
      PreviousContactId: contact.previousContactId,
      Channel: 'VOICE',
      InitiationMethod: contact.previousContactId ? 'TRANSFER' : 'INBOUND',
      AgentInfo: contact.agentId ? { Id: contact.agentId } : undefined,
      QueueInfo: contact.queueId ? { Id: contact.queueId } : undefined,
      InitiationTimestamp: epochSeconds(contact.initiatedAt),
      DisconnectTimestamp: contact.disconnectedAt ? epochSeconds(contact.disconnectedAt) : undefined,
    };
  }

  /** User without IdentityInfo or phone configuration: no personal data leaves the stand-in. */
  private describeUser(input: Record<string, unknown>): object {
    const user = this.users.get(String(input.UserId));
    if (!user) throw new ConnectError('ResourceNotFoundException', `user ${String(input.UserId)} not found`);
    return {
      Id: user.id,
      Arn: `${this.arnPrefix}/agent/${user.id}`,
      Username: user.username,
      HierarchyGroupId: user.hierarchyGroupId,
      RoutingProfileId: user.routingProfileId,
    };
  }

  private listUsers(input: Record<string, unknown>): object {
    const { page, NextToken } = paginate([...this.users.values()], input, 1000);
    return {
      UserSummaryList: page.map((u) => ({
        Id: u.id,
        Arn: `${this.arnPrefix}/agent/${u.id}`,
        Username: u.username,
      })),
      NextToken,
    };
  }

  /** Read-only views of the instance's configuration (flows, queues, routing, numbers). */
  private configuration(operation: ConnectOperation, input: Record<string, unknown>): object {
    const arn = (kind: string, id: string) => `${this.arnPrefix}/${kind}/${id}`;
    switch (operation) {
      case 'ListContactFlows': {
        const { page, NextToken } = paginate(this.flows, input, 1000);
        return {
          ContactFlowSummaryList: page.map((f) => ({
            Id: f.id,
            Arn: arn('contact-flow', f.id),
            Name: f.name,
            ContactFlowType: f.type,
            ContactFlowState: 'ACTIVE',
            ContactFlowStatus: 'PUBLISHED',
          })),
          NextToken,
        };
      }
      case 'DescribeContactFlow': {
        const flow = this.flows.find((f) => f.id === input.ContactFlowId);
        if (!flow)
          throw new ConnectError(
            'ResourceNotFoundException',
            `flow ${String(input.ContactFlowId)} not found`,
          );
        return {
          ContactFlow: {
            Id: flow.id,
            Arn: arn('contact-flow', flow.id),
            Name: flow.name,
            Type: flow.type,
            State: 'ACTIVE',
            Status: 'PUBLISHED',
            Content: flow.content,
          },
        };
      }
      case 'ListQueues': {
        const { page, NextToken } = paginate(this.queues, input, 1000);
        return {
          QueueSummaryList: page.map((q) => ({
            Id: q.id,
            Arn: arn('queue', q.id),
            Name: q.name,
            QueueType: 'STANDARD',
          })),
          NextToken,
        };
      }
      case 'ListRoutingProfiles': {
        const { page, NextToken } = paginate(this.routingProfiles, input, 1000);
        return {
          RoutingProfileSummaryList: page.map((r) => ({
            Id: r.id,
            Arn: arn('routing-profile', r.id),
            Name: r.name,
          })),
          NextToken,
        };
      }
      case 'ListRoutingProfileQueues': {
        const profile = this.routingProfiles.find((r) => r.id === input.RoutingProfileId);
        if (!profile) {
          throw new ConnectError(
            'ResourceNotFoundException',
            `routing profile ${String(input.RoutingProfileId)} not found`,
          );
        }
        const queues = profile.queueIds.map((id) => this.queues.find((q) => q.id === id) ?? { id, name: id });
        const { page, NextToken } = paginate(queues, input, 100);
        return {
          RoutingProfileQueueConfigSummaryList: page.map((q) => ({
            QueueId: q.id,
            QueueArn: arn('queue', q.id),
            QueueName: q.name,
            Priority: 1,
            Delay: 0,
            Channel: 'VOICE',
          })),
          NextToken,
        };
      }
      case 'ListPhoneNumbers': {
        const { page, NextToken } = paginate(this.phoneNumbers, input, 1000);
        return {
          PhoneNumberSummaryList: page.map((n) => ({
            Id: n.id,
            Arn: `arn:aws:connect:${this.arnPrefix.split(':')[3]}:${this.arnPrefix.split(':')[4]}:phone-number/${n.id}`,
            PhoneNumber: n.number,
            PhoneNumberType: 'DID',
          })),
          NextToken,
        };
      }
      default: {
        const associated = this.phoneNumbers.filter((n) => n.flowId !== undefined);
        const { page, NextToken } = paginate(associated, input, 100);
        return {
          FlowAssociationSummaryList: page.map((n) => ({
            ResourceId: n.id,
            FlowId: n.flowId,
            ResourceType: 'VOICE_PHONE_NUMBER',
          })),
          NextToken,
        };
      }
    }
  }

  private describeGroup(input: Record<string, unknown>): object {
    const group = this.groups.get(String(input.HierarchyGroupId));
    if (!group) {
      throw new ConnectError(
        'ResourceNotFoundException',
        `hierarchy group ${String(input.HierarchyGroupId)} not found`,
      );
    }
    const HierarchyPath: Record<string, object> = {};
    (group.path ?? [group.id]).forEach((id, i) => {
      const member = this.groups.get(id);
      const key = LEVEL_KEYS[i];
      if (member && key) HierarchyPath[key] = this.groupSummary(member);
    });
    return { ...this.groupSummary(group), LevelId: String(group.level), HierarchyPath };
  }

  private listGroups(input: Record<string, unknown>): object {
    const { page, NextToken } = paginate([...this.groups.values()], input, 1000);
    return { UserHierarchyGroupSummaryList: page.map((g) => this.groupSummary(g)), NextToken };
  }

  private groupSummary(group: HierarchyGroupSeed): { Id: string; Arn: string; Name: string } {
    return { Id: group.id, Arn: `${this.arnPrefix}/agent-group/${group.id}`, Name: group.name };
  }

  private findContact(id: unknown): Contact {
    const contact = typeof id === 'string' ? this.contacts.get(id) : undefined;
    if (!contact) throw new ConnectError('ResourceNotFoundException', `contact ${String(id)} not found`);
    return contact;
  }

  private mustGet(contactId: string): Contact {
    const contact = this.contacts.get(contactId);
    if (!contact) throw new Error(`unknown contact ${contactId}`);
    return contact;
  }
}

/** Slices a list by an opaque offset token, the way Connect's list operations paginate. */
function paginate<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  max: number,
): { page: T[]; NextToken?: string } {
  const size = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new ConnectError('InvalidRequestException', `MaxResults must be 1..${max}`);
  }
  let offset = 0;
  if (typeof input.NextToken === 'string') {
    offset = Number(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0)
      throw new ConnectError('InvalidRequestException', 'bad NextToken');
  }
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length
    ? { page, NextToken: Buffer.from(String(next)).toString('base64url') }
    : { page };
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Environment for code that builds its own Connect client. */
export function connectEnv(endpoint: string): Record<string, string> {
  return { AWS_ENDPOINT_URL_CONNECT: endpoint };
}
