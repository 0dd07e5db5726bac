/**
 * Playback: `POST /recordings/{contactId}/playback` by the assigned coach.
 *
 *  1. the caller is a coach with a Connect user id;
 *  2. the contact's recording-index item gives its period P; the assignment `assign#<contactId>` of
 *     P must name this coach, still be in its listening window (until the end of P+1) and have
 *     plays left; the recording must not be deleted (state kept or redacted);
 *  3. the audit record `listen` is appended to chain `listens/<P>` **first**: if that fails, no
 *     URL is issued (503);
 *  4. the play is consumed by a conditional update (`playsLeft >= 1`, same coach, window open), so
 *     concurrent requests can never issue more URLs than assigned; a request that loses the race
 *     gets 409 and a `listen-cancelled` record points at its `listen` record;
 *  5. a presigned GET URL of the call recording's **indexed version** (the one ingest checked, or
 *     the redaction's), valid `urlTtlSeconds` (≤ 300), inline: a version written at the key by
 *     anyone else is never what the URL serves.
 *
 * Every refusal is 403 when the caller has no business with the contact (not assigned to them,
 * unknown contact, window over), so a coach cannot probe which contacts exist.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { HARD_LIMITS } from '../core/policy';
import type { AuditSink } from '../shared/audit-sink';
import { isConditionFailure } from '../shared/dynamo';
import {
  type ApiEvent,
  type ApiResult,
  connectUserOf,
  createRouter,
  HttpError,
  json,
  pathUuid,
} from '../shared/http';
import { type AssignmentItem, assignSk } from '../shared/listening-items';
import type { IdentityConfig, Principal } from '../shared/principal';
import { CONTACT_SK, type ContactItem, type ObjectItem } from '../shared/requests';
import { API_ROUTES } from '../shared/routes';

export type Presigner = (s3: S3Client, command: GetObjectCommand, expiresIn: number) => Promise<string>;

export interface PlaybackDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly listeningTable: string;
  /** The recordings index; when absent every request is refused (503): no state check, no URL. */
  readonly recordingsTable?: string;
  readonly bucket: string;
  readonly audit: AuditSink;
  readonly identity: IdentityConfig;
  readonly urlTtlSeconds: number;
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** @default getSignedUrl of @aws-sdk/s3-request-presigner */
  readonly presign?: Presigner;
}

export interface PlaybackAnswer {
  contactId: string;
  period: string;
  url: string;
  expiresAt: string;
  playsLeft: number;
  audit: { chain: string; seq: number };
}

export function createPlayback(deps: PlaybackDeps): (event: unknown) => Promise<ApiResult> {
  const ttl = deps.urlTtlSeconds;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > HARD_LIMITS.playbackUrlTtlSeconds.max) {
    throw new Error(
      `urlTtlSeconds must be a whole number 1..${HARD_LIMITS.playbackUrlTtlSeconds.max}, got ${ttl}`,
    );
  }
  const presign: Presigner =
    deps.presign ?? ((s3, command, expiresIn) => getSignedUrl(s3, command, { expiresIn }));

  const play = async (event: ApiEvent, principal: Principal): Promise<ApiResult> => {
    const coachId = connectUserOf(principal);
    const contactId = pathUuid(event, 'contactId');
    if (!deps.recordingsTable) {
      throw new HttpError(503, 'index-unavailable', 'the recordings index is not available: no playback');
    }
    const now = deps.now();

    const contact = (
      await deps.ddb.send(
        new GetCommand({
          TableName: deps.recordingsTable,
          Key: { contactId, sk: CONTACT_SK },
          ConsistentRead: true,
        }),
      )
    ).Item as ContactItem | undefined;
    if (!contact) throw new HttpError(403, 'not-assigned', 'no listen of this contact is assigned to you');
    const period = contact.period;
    const assignment = (
      await deps.ddb.send(
        new GetCommand({
          TableName: deps.listeningTable,
          Key: { period, sk: assignSk(contactId) },
          ConsistentRead: true,
        }),
      )
    ).Item as AssignmentItem | undefined;
    if (!assignment || assignment.coachId !== coachId) {
      throw new HttpError(403, 'not-assigned', 'no listen of this contact is assigned to you');
    }
    if (now.getTime() >= Date.parse(assignment.validUntil)) {
      throw new HttpError(
        403,
        'assignment-expired',
        `the listening window ended at ${assignment.validUntil}`,
      );
    }
    if (contact.state !== 'kept' && contact.state !== 'redacted') {
      throw new HttpError(410, 'recording-deleted', 'the recording was deleted');
    }
    if (assignment.playsLeft < 1) {
      throw new HttpError(409, 'no-listens-left', 'every play of this listen has been used');
    }
    const objects = (
      await deps.ddb.send(
        new QueryCommand({
          TableName: deps.recordingsTable,
          KeyConditionExpression: 'contactId = :c AND begins_with(sk, :o)',
          ExpressionAttributeValues: { ':c': contactId, ':o': 'object#' },
          ConsistentRead: true,
        }),
      )
    ).Items as ObjectItem[] | undefined;
    const recording = objects?.find((o) => o.kind === 'call-recording');
    // The version ingest indexed (or the redaction's): never whatever happens to be current.
    const versionId = recording?.versionIds.at(-1);
    if (!recording || !versionId)
      throw new HttpError(404, 'recording-not-found', 'the recording file is not indexed yet');

    // 3. Audit first: no record, no URL.
    const chain = `listens/${period}`;
    let appended: { seq: number };
    try {
      appended = await deps.audit.append({
        chain,
        kind: 'listen',
        actor: `coach:${coachId}`,
        subject: contactId,
        at: now,
        data: {
          period,
          agentId: assignment.agentId,
          agentTeam: assignment.agentTeam,
          coachTeam: assignment.coachTeam,
          play: assignment.playsAllowed - assignment.playsLeft + 1,
          playsAllowed: assignment.playsAllowed,
          urlTtlSeconds: ttl,
          state: contact.state,
        },
      });
    } catch (err) {
      deps.logger.error('audit append failed: no playback URL issued', { contactId, error: err as Error });
      throw new HttpError(
        503,
        'audit-unavailable',
        'the listen could not be recorded in the audit log: no URL',
      );
    }

    // 4. Consume one play, atomically.
    let playsLeft: number;
    try {
      const out = await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.listeningTable,
          Key: { period, sk: assignSk(contactId) },
          UpdateExpression: 'SET playsLeft = playsLeft - :one, plays = list_append(plays, :at)',
          ConditionExpression: 'playsLeft >= :one AND coachId = :me AND validUntil > :now',
          ExpressionAttributeValues: {
            ':one': 1,
            ':at': [now.toISOString()],
            ':me': coachId,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      playsLeft = (out.Attributes as AssignmentItem).playsLeft;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      await deps.audit
        .append({
          chain,
          kind: 'listen-cancelled',
          actor: `coach:${coachId}`,
          subject: contactId,
          data: { period, listenSeq: appended.seq, reason: 'no-listens-left' },
        })
        .catch((e: unknown) =>
          deps.logger.warn('listen-cancelled not recorded', { contactId, error: e as Error }),
        );
      throw new HttpError(409, 'no-listens-left', 'every play of this listen has been used');
    }

    // 5. The URL.
    const url = await presign(
      deps.s3,
      new GetObjectCommand({
        Bucket: deps.bucket,
        Key: recording.key,
        // "null" is S3's id of a version written while versioning was off: the plain key names it.
        ...(versionId !== 'null' ? { VersionId: versionId } : {}),
        ResponseContentDisposition: 'inline',
        ResponseContentType: 'audio/wav',
      }),
      ttl,
    );
    deps.logger.info('playback URL issued', { contactId, period, auditSeq: appended.seq });
    const answer: PlaybackAnswer = {
      contactId,
      period,
      url,
      expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
      playsLeft,
      audit: { chain, seq: appended.seq },
    };
    return json(200, answer);
  };
  return createRouter([[API_ROUTES.playback.play, play]], { identity: deps.identity, logger: deps.logger });
}
