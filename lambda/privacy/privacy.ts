/**
 * The privacy API (concern C9), every dependency injected. `handler.ts` builds the
 * clients once per execution environment and forwards each request here.
 *
 * Routes (HTTP API, payload 2.0, all behind the JWT authorizer; one function for all — see
 * lib/constructs/privacy-api.ts for why):
 *   POST /contacts/{contactId}/recording/suspend    → 200 {contactId, state: 'suspended', currentContactId}
 *   POST /contacts/{contactId}/recording/resume     → 200 {contactId, state: 'recording', currentContactId}
 *   POST /contacts/{contactId}/recording/deletion   {reason}                     → 202 {requestId, status}
 *   POST /contacts/{contactId}/recording/redactions {ranges, channel, reason}    → 202 {requestId, status}
 *   GET  /contacts/{contactId}/recording            → 200 {contactId, recorded, state, durationSeconds?}
 *   GET  /requests/{requestId}                      → 200 {status, proof, …}
 *
 * Order of checks on every route: caller role (403, nothing looked up) → path and body (400) →
 * the contact or request and who may see it (404) → state (409) → act. Every path answers a
 * JSON body; an unexpected error is a 500 with a generic message, logged with ids only.
 *
 * Deletion and redaction: the request record is written first (conditional put), then the
 * `deletion-requested` / `redaction-requested` audit record, then — when the recording is already
 * indexed — the executor is invoked asynchronously with `{requestId}`. When it is not indexed yet
 * the status is `waiting-for-recording` and ingest applies the request on arrival. If the audit or
 * the invoke fails, the request is marked `failed` (so a new request may be made) and the caller
 * gets a 503. A deletion's request id is derived from the contact id (UUID v5), so two concurrent
 * deletion requests for one contact race for one key and exactly one wins (the other gets 409);
 * a `failed` deletion may be requested again under the same id.
 */

import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DecisionRecord } from '../core/decision';
import { ttlAfterDays } from '../core/retention';
import type { AuditSink } from '../shared/audit-sink';
import { isConditionFailure, putIfAbsent, queryAll } from '../shared/dynamo';
import type { ExecutorInvoker } from '../shared/executor-invoker';
import {
  type ApiEvent,
  type ApiResult,
  conflict,
  createRouter,
  json,
  notFound,
  parseJsonBody,
  pathUuid,
  serviceUnavailable,
} from '../shared/http';
import type { IdentityConfig } from '../shared/principal';
import {
  CONTACT_SK,
  type ContactItem,
  type Proof,
  type RequestRecord,
  type RequestStatus,
  type TimeRange,
} from '../shared/requests';
import { API_ROUTES, routeKey } from '../shared/routes';
import type { RecordingTables } from '../shared/tables';
import {
  type Actor,
  authorizeContact,
  type Caller,
  type ContactFacts,
  mayReadRequest,
  privacyCallerOf,
} from './access';
import { assertWithinRecording, parseDeletionBody, parseRedactionBody } from './bodies';
import type { RecordingAction, RecordingControl } from './recording-control';
import type { RecordingStateReader } from './recording-state';

export type PrivacyLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface PrivacyDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly tables: RecordingTables;
  readonly identity: IdentityConfig;
  readonly recordingControl: RecordingControl;
  readonly executor: ExecutorInvoker;
  readonly audit: AuditSink;
  /** Days a request record is kept (TTL `expiresAt`). */
  readonly requestRetentionDays: number;
  readonly logger: PrivacyLogger;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Id of a redaction request. @default crypto.randomUUID */
  readonly newRequestId?: () => string;
  /**
   * Whether a recorded call is suspended (read back from the privacy audit chain).
   * @default - none: the status route answers `state: 'unknown'` for a recorded call
   */
  readonly recordingState?: RecordingStateReader;
}

/** The longest call the status route looks back over for a suspension (12 h). */
const LONGEST_CALL_MS = 12 * 3_600_000;

const ROUTES = API_ROUTES.privacy;

/** The route keys of the privacy routes, by name. */
export const ROUTE_KEYS = {
  suspend: routeKey(ROUTES.suspend),
  resume: routeKey(ROUTES.resume),
  deletion: routeKey(ROUTES.deletion),
  redactions: routeKey(ROUTES.redactions),
  status: routeKey(ROUTES.status),
  request: routeKey(ROUTES.request),
} as const;
const DELETED_STATES: ReadonlySet<string> = new Set(['deleted', 'unauthorized-deleted', 'expired']);

/** Namespace of deletion request ids (UUID v5 of the contact id). Never change it. */
export const DELETION_NAMESPACE = '5d3c1b9e-7f0a-4c39-9a51-2b8f4e6d0c17';

/** RFC 9562 UUID version 5 (SHA-1, name-based). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The one request id a contact's deletion has. */
export const deletionRequestId = (contactId: string): string =>
  uuidV5(contactId.toLowerCase(), DELETION_NAMESPACE);

type StoredDecision = Pick<
  DecisionRecord,
  'contactId' | 'initialContactId' | 'agentId' | 'recorded' | 'period' | 'decidedAt'
>;

interface Contact {
  readonly facts: ContactFacts;
  readonly actor: Actor;
  readonly decision?: StoredDecision;
  readonly recording?: ContactItem;
}

export interface PrivacyApi {
  handle(event: unknown): Promise<ApiResult>;
}

export function createPrivacyApi(deps: PrivacyDeps): PrivacyApi {
  const { ddb, tables, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const newRequestId = deps.newRequestId ?? randomUUID;

  /** The contact's stored decision (read consistently) and recording index item, read as `recordingRead` says. */
  const readContact = async (
    contactId: string,
    recordingRead: Pick<GetCommandInput, 'ConsistentRead' | 'ProjectionExpression'>,
  ) => {
    const [decisionOut, recordingOut] = await Promise.all([
      ddb.send(new GetCommand({ TableName: tables.decisions, Key: { contactId }, ConsistentRead: true })),
      ddb.send(
        new GetCommand({
          TableName: tables.recordings,
          Key: { contactId, sk: CONTACT_SK },
          ...recordingRead,
        }),
      ),
    ]);
    return {
      decision: decisionOut.Item as StoredDecision | undefined,
      recording: recordingOut.Item as ContactItem | undefined,
    };
  };

  /** The contact's decision and recording index item, if the caller may act on it (404 otherwise). */
  const loadContact = async (caller: Caller, contactId: string): Promise<Contact> => {
    const { decision, recording } = await readContact(contactId, { ConsistentRead: true });
    // Known = a recording is indexed, or the sampler decided to record this leg.
    let facts: ContactFacts | undefined;
    if (recording) {
      facts = { contactId, agentId: decision?.agentId ?? recording.agentId, period: recording.period };
    } else if (decision?.recorded === true) {
      facts = { contactId, agentId: decision.agentId, period: decision.period };
    }
    const { actor } = authorizeContact(caller, contactId, facts);
    return { facts: facts!, actor, decision, recording };
  };

  const requestsOf = async (contactId: string): Promise<RequestRecord[]> =>
    (await queryAll(ddb, {
      TableName: tables.requests,
      IndexName: 'byContact',
      KeyConditionExpression: 'contactId = :c',
      ExpressionAttributeValues: { ':c': contactId },
    })) as unknown as RequestRecord[];

  /** 409 when the recording is gone or a deletion is pending or done. */
  const assertNotDeleted = async (contact: Contact): Promise<void> => {
    const { contactId } = contact.facts;
    if (contact.recording && DELETED_STATES.has(contact.recording.state)) {
      throw conflict('recording-deleted', `the recording of contact ${contactId} is already deleted`);
    }
    const deletion = (await requestsOf(contactId)).find(
      (r) => r.kind === 'deletion' && r.status !== 'failed',
    );
    if (deletion) {
      throw conflict(
        'deletion-pending',
        `a deletion of the recording of contact ${contactId} is already ${deletion.status === 'done' ? 'done' : 'under way'} (request ${deletion.requestId})`,
      );
    }
  };

  const markFailed = async (requestId: string, error: string): Promise<void> => {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tables.requests,
          Key: { requestId },
          UpdateExpression: 'SET #s = :failed, #e = :error, updatedAt = :at',
          ConditionExpression: '#s IN (:waiting, :progress)',
          ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':error': error,
            ':at': now().toISOString(),
            ':waiting': 'waiting-for-recording',
            ':progress': 'in-progress',
          },
        }),
      );
    } catch (err) {
      logger.error('request could not be marked failed', {
        requestId,
        error: err instanceof Error ? err.name : 'unknown',
      });
    }
  };

  /** Stores, audits and starts a deletion or redaction request. */
  const submit = async (
    contact: Contact,
    request: {
      requestId: string;
      kind: RequestRecord['kind'];
      reason: string;
      ranges?: readonly TimeRange[];
      channel?: RequestRecord['channel'];
    },
  ): Promise<ApiResult> => {
    const { contactId, period } = contact.facts;
    const at = now();
    let status: RequestStatus = contact.recording ? 'in-progress' : 'waiting-for-recording';
    const record: RequestRecord = {
      requestId: request.requestId,
      kind: request.kind,
      contactId,
      requestedBy: contact.actor,
      reason: request.reason,
      ...(request.ranges ? { ranges: [...request.ranges] } : {}),
      ...(request.channel ? { channel: request.channel } : {}),
      status,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      arrival: contact.recording ? 'file-first' : 'request-first',
      expiresAt: ttlAfterDays(at.getTime(), deps.requestRetentionDays),
    };
    const written = await putIfAbsent(ddb, {
      TableName: tables.requests,
      Item: record,
      // A deletion's id is per contact: only a failed earlier one may be replaced.
      ConditionExpression: 'attribute_not_exists(requestId) OR #s = :failed',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':failed': 'failed' },
    });
    if (!written) {
      throw conflict(
        request.kind === 'deletion' ? 'deletion-pending' : 'request-exists',
        `a ${request.kind} request ${request.requestId} for contact ${contactId} already exists`,
      );
    }
    const ids = { requestId: request.requestId, contactId, kind: request.kind };

    try {
      await deps.audit.append({
        chain: `privacy/${period}`,
        kind: `${request.kind}-requested`,
        actor: contact.actor,
        subject: contactId,
        data: {
          requestId: request.requestId,
          status,
          ...(request.ranges ? { ranges: request.ranges.map((r) => ({ from: r.from, to: r.to })) } : {}),
          ...(request.channel ? { channel: request.channel } : {}),
        },
        at,
      });
    } catch (err) {
      logger.error('audit append failed: request not started', { ...ids, error: errName(err) });
      await markFailed(request.requestId, 'the audit log could not be written; request again');
      throw serviceUnavailable(
        'audit-unavailable',
        `the ${request.kind} request for contact ${contactId} was not started because the audit log could not be written; request again`,
      );
    }

    if (status === 'waiting-for-recording') {
      // The recording may have been indexed between the first read and the put; ingest looks for
      // waiting requests after indexing, so re-reading here closes the gap from this side.
      const { Item } = await ddb.send(
        new GetCommand({
          TableName: tables.recordings,
          Key: { contactId, sk: CONTACT_SK },
          ConsistentRead: true,
        }),
      );
      if (Item) {
        try {
          await ddb.send(
            new UpdateCommand({
              TableName: tables.requests,
              Key: { requestId: request.requestId },
              UpdateExpression: 'SET #s = :progress, updatedAt = :at',
              ConditionExpression: '#s = :waiting',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':progress': 'in-progress',
                ':waiting': 'waiting-for-recording',
                ':at': now().toISOString(),
              },
            }),
          );
          status = 'in-progress';
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          status = 'in-progress'; // ingest took it over already
        }
      }
    }

    if (status === 'in-progress') {
      try {
        await deps.executor.invoke(request.requestId);
      } catch (err) {
        logger.error('executor invoke failed', { ...ids, error: errName(err) });
        await markFailed(request.requestId, 'the executor could not be started; request again');
        throw serviceUnavailable(
          'executor-unavailable',
          `the ${request.kind} of contact ${contactId} could not be started; nothing was changed — request again`,
        );
      }
    }
    logger.info('privacy request accepted', { ...ids, status });
    return json(202, { requestId: request.requestId, status });
  };

  const setRecording = async (caller: Caller, event: ApiEvent, action: RecordingAction) => {
    const contactId = pathUuid(event, 'contactId');
    const contact = await loadContact(caller, contactId);
    if (contact.decision && contact.decision.recorded !== true) {
      throw conflict(
        'not-recording',
        `contact ${contactId} is not being recorded: there is nothing to ${action}`,
      );
    }
    const result = await deps.recordingControl.apply(action, {
      contactId,
      initialContactId: contact.decision?.initialContactId ?? undefined,
      agentId: contact.facts.agentId,
    });
    const state = action === 'suspend' ? 'suspended' : 'recording';
    // Acted first, audited second, on purpose: the suspension protects the employee and must not
    // wait for (or be refused by) the audit log. A failed append is logged as an error.
    try {
      await deps.audit.append({
        chain: `privacy/${contact.facts.period}`,
        kind: action === 'suspend' ? 'suspension' : 'resumption',
        actor: contact.actor,
        subject: contactId,
        data: {
          contactId,
          leg: result.leg,
          initialContactId: result.initialContactId,
          retried: result.retried,
        },
      });
    } catch (err) {
      logger.error(`${action} done but not audited`, { contactId, leg: result.leg, error: errName(err) });
    }
    logger.info(`recording ${action}`, { contactId, leg: result.leg, retried: result.retried });
    return json(200, { contactId, state, currentContactId: result.leg });
  };

  const routes: Record<keyof typeof ROUTES, (caller: Caller, event: ApiEvent) => Promise<ApiResult>> = {
    suspend: (caller, event) => setRecording(caller, event, 'suspend'),
    resume: (caller, event) => setRecording(caller, event, 'resume'),

    deletion: async (caller, event) => {
      const contactId = pathUuid(event, 'contactId');
      const body = parseDeletionBody(parseJsonBody(event));
      const contact = await loadContact(caller, contactId);
      await assertNotDeleted(contact);
      return submit(contact, {
        requestId: deletionRequestId(contactId),
        kind: 'deletion',
        reason: body.reason,
      });
    },

    redactions: async (caller, event) => {
      const contactId = pathUuid(event, 'contactId');
      const body = parseRedactionBody(parseJsonBody(event));
      const contact = await loadContact(caller, contactId);
      await assertNotDeleted(contact);
      assertWithinRecording(body.ranges, contact.recording?.durationSeconds);
      return submit(contact, {
        requestId: newRequestId(),
        kind: 'redaction',
        reason: body.reason,
        ranges: body.ranges,
        channel: body.channel,
      });
    },

    status: async (caller, event) => {
      const contactId = pathUuid(event, 'contactId');
      const read = await readContact(contactId, { ProjectionExpression: 'durationSeconds' });
      const { decision } = read;
      const durationSeconds = read.recording?.durationSeconds; // the only attribute read of the index item
      // Only the agent of the leg learns whether it was drawn: anyone else, as for an unknown id, 404.
      if (!decision || caller.agentId === undefined || decision.agentId !== caller.agentId) {
        throw notFound('contact-not-found', `no contact ${contactId} handled by you`);
      }
      if (decision.recorded !== true) {
        return json(200, { contactId, recorded: false, state: 'not-recorded' });
      }
      const decidedAt = Date.parse(decision.decidedAt);
      const state = deps.recordingState
        ? await deps.recordingState({
            chain: `privacy/${decision.period}`,
            initialContactId: decision.initialContactId ?? contactId,
            since: new Date((Number.isNaN(decidedAt) ? now().getTime() : decidedAt) - LONGEST_CALL_MS),
          })
        : undefined;
      return json(200, {
        contactId,
        recorded: true,
        state: state ?? 'unknown',
        // Once the recording is stored: its length, so the app checks a passage against it.
        ...(typeof durationSeconds === 'number' ? { durationSeconds } : {}),
      });
    },

    request: async (caller, event) => {
      const requestId = pathUuid(event, 'requestId');
      const { Item } = await ddb.send(
        new GetCommand({ TableName: tables.requests, Key: { requestId }, ConsistentRead: true }),
      );
      const record = Item as RequestRecord | undefined;
      if (!record || !mayReadRequest(caller, record.requestedBy)) {
        throw notFound(
          'request-not-found',
          caller.dpo ? `no request ${requestId}` : `no request ${requestId} made by you`,
        );
      }
      return json(200, requestView(record));
    },
  };

  const router = createRouter(
    (Object.keys(routes) as (keyof typeof ROUTES)[]).map(
      (name) =>
        [ROUTES[name], (event, principal) => routes[name](privacyCallerOf(principal), event)] as const,
    ),
    { identity: deps.identity, logger },
  );
  return { handle: router };
}

const errName = (err: unknown): string => (err instanceof Error ? err.name : 'unknown');

/** What GET /requests/{id} shows: status and proof (keys, version ids, when, SHA-256). */
export interface RequestView {
  readonly requestId: string;
  readonly kind: RequestRecord['kind'];
  readonly contactId: string;
  readonly status: RequestStatus;
  readonly reason: string;
  readonly ranges?: TimeRange[];
  readonly channel?: RequestRecord['channel'];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt?: string;
  readonly proof: Proof | null;
  readonly error?: string;
}

export function requestView(r: RequestRecord): RequestView {
  return {
    requestId: r.requestId,
    kind: r.kind,
    contactId: r.contactId,
    status: r.status,
    reason: r.reason,
    ...(r.ranges ? { ranges: r.ranges } : {}),
    ...(r.channel ? { channel: r.channel } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ...(r.completedAt ? { completedAt: r.completedAt } : {}),
    proof: r.proof ?? null,
    ...(r.error ? { error: r.error } : {}),
  };
}
