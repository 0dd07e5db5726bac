/**
 * DynamoDB access of the recording ingest and the recording actions: the recordings index
 * (`#contact` and `object#<key>` items, lambda/shared/requests.ts), the request records, the
 * sampler decisions (read only), and the executor's progress items.
 *
 * Progress lives in the recordings table, item `progress#<requestId>` of the contact, not in the
 * request item: the request record is a strict contract shared with the privacy API, and the
 * steps of a redaction (upload id, part ETags, versions) are the executor's business. The item
 * contact's `lease#` item makes sure two executors (the API's invoke and ingest on arrival) never
 * work on one contact at once.
 */

import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ProofPart } from '../core/part-proof';
import { indexExpiresAt } from '../core/retention';
import { isConditionFailure, putIfAbsent, queryAll, writeIf } from './dynamo';
import type { ObjectKind } from './recording-keys';
import {
  CONTACT_SK,
  type ContactItem,
  type ObjectItem,
  objectSk,
  type Proof,
  type RecordingState,
  type RequestRecord,
  type RequestStatus,
  requestRecordSchema,
} from './requests';
import type { RecordingTables } from './tables';

export const progressSk = (requestId: string): string => `progress#${requestId}`;
/** The contact's lease item (one executor at a time per contact). */
export const LEASE_SK = 'lease#';

/** What the sampler decided for a contact (the fields ingest needs). */
export interface DecisionSummary {
  readonly recorded: boolean;
  readonly agentId: string;
  readonly period: string;
  /** When the sampler decided (ISO), if the decision says. */
  readonly decidedAt?: string;
}

/** Progress of one object key within one request. */
export interface KeyProgress {
  /** Version being redacted (the unredacted one). */
  sourceVersionId?: string;
  uploadId?: string;
  /** ETag by part number (as a string key). */
  etags?: Record<string, string>;
  /** Byte bounds of the planned parts of the current upload, in part order. */
  partBounds?: [number, number][];
  /** S3's SHA-256 (base64) by part number (as a string key). */
  partSums?: Record<string, string>;
  newVersionId?: string;
  sha256?: string;
  /** The multipart proof of the new version: its parts and S3's composite checksum. */
  parts?: ProofPart[];
  checksum?: string;
  newSize?: number;
  /** Versions to remove (recorded before the first DeleteObject, so the proof survives a crash). */
  toDelete?: string[];
  deletedAt?: string;
  replacedAt?: string;
  done?: boolean;
}

export interface ProgressState {
  /** The audit record of intent was written (acting may start). */
  started?: boolean;
  keys: Record<string, KeyProgress>;
}

export class LeaseHeldError extends Error {
  override readonly name = 'LeaseHeldError';
  constructor(readonly requestId: string) {
    super(`request ${requestId} is being applied by another invocation; retry later`);
  }
}

export class RequestNotFoundError extends Error {
  override readonly name = 'RequestNotFoundError';
  constructor(readonly requestId: string) {
    super(`request ${requestId} does not exist`);
  }
}

export interface RecordingStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tables: RecordingTables;
  /**
   * Days index items are kept (the recording retention, C3), counted from the call: the contact
   * item's `expiresAt` is the call's start + retentionDays, and every other item of the contact
   * (objects, progress, lease) is written with that same expiry, whatever the time of the write.
   */
  readonly retentionDays: number;
  /** @default () => new Date() */
  readonly clock?: () => Date;
}

export type RecordingStore = ReturnType<typeof createRecordingStore>;

export function createRecordingStore(options: RecordingStoreOptions) {
  const { client, tables } = options;
  const clock = options.clock ?? (() => new Date());
  const now = () => clock().toISOString();

  return {
    async getDecision(contactId: string): Promise<DecisionSummary | undefined> {
      const out = await client.send(
        new GetCommand({ TableName: tables.decisions, Key: { contactId }, ConsistentRead: true }),
      );
      const item = out.Item;
      if (!item) return undefined;
      return {
        recorded: item.recorded === true,
        agentId: typeof item.agentId === 'string' ? item.agentId : 'unknown',
        period: typeof item.period === 'string' ? item.period : '',
        ...(typeof item.decidedAt === 'string' ? { decidedAt: item.decidedAt } : {}),
      };
    },

    async getContact(contactId: string): Promise<ContactItem | undefined> {
      const out = await client.send(
        new GetCommand({
          TableName: tables.recordings,
          Key: { contactId, sk: CONTACT_SK },
          ConsistentRead: true,
        }),
      );
      return out.Item as ContactItem | undefined;
    },

    /**
     * Creates the `#contact` item if absent, expiring `retentionDays` after `callAt` (the earliest
     * the call can have started: core/retention.ts `callStartOf`); returns the stored one, whose
     * `expiresAt` every later write of the contact reuses.
     */
    async ensureContact(
      contactId: string,
      init: { agentId: string; period: string; state: RecordingState; callAt: Date },
    ): Promise<ContactItem> {
      const item: ContactItem = {
        contactId,
        sk: CONTACT_SK,
        agentId: init.agentId,
        period: init.period,
        state: init.state,
        updatedAt: now(),
        expiresAt: indexExpiresAt(init.callAt, options.retentionDays),
      };
      const written = await putIfAbsent(client, {
        TableName: tables.recordings,
        Item: item,
        ConditionExpression: 'attribute_not_exists(contactId)',
      });
      return written ? item : (await this.getContact(contactId))!;
    },

    async updateContact(
      contactId: string,
      patch: { state?: RecordingState; durationSeconds?: number },
    ): Promise<void> {
      const sets = ['updatedAt = :u'];
      const values: Record<string, unknown> = { ':u': now() };
      const names: Record<string, string> = {};
      if (patch.state !== undefined) {
        sets.push('#s = :s');
        names['#s'] = 'state';
        values[':s'] = patch.state;
      }
      if (patch.durationSeconds !== undefined) {
        sets.push('durationSeconds = :d');
        values[':d'] = patch.durationSeconds;
      }
      await client.send(
        new UpdateCommand({
          TableName: tables.recordings,
          Key: { contactId, sk: CONTACT_SK },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(contactId)',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      );
    },

    /**
     * Adds a version to the object's item (created if absent); a version already there is left
     * alone. `expiresAt` is the contact item's (counted from the call).
     */
    async addObjectVersion(
      contactId: string,
      key: string,
      kind: ObjectKind,
      versionId: string,
      size: number,
      expiresAt: number,
    ): Promise<void> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tables.recordings,
            Key: { contactId, sk: objectSk(key) },
            UpdateExpression:
              'SET #k = :k, #kind = :kind, #size = :size, updatedAt = :u, expiresAt = :e, versionIds = list_append(if_not_exists(versionIds, :empty), :v)',
            ConditionExpression: 'attribute_not_exists(versionIds) OR NOT contains(versionIds, :vid)',
            ExpressionAttributeNames: { '#k': 'key', '#kind': 'kind', '#size': 'size' },
            ExpressionAttributeValues: {
              ':k': key,
              ':kind': kind,
              ':size': size,
              ':u': now(),
              ':e': expiresAt,
              ':empty': [],
              ':v': [versionId],
              ':vid': versionId,
            },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    /** Replaces the object's versions (after a deletion or a redaction); `expiresAt`: the contact item's. */
    async setObjectVersions(
      contactId: string,
      key: string,
      kind: ObjectKind,
      versionIds: readonly string[],
      size: number,
      expiresAt: number,
    ): Promise<void> {
      const item: ObjectItem = {
        contactId,
        sk: objectSk(key),
        key,
        kind,
        versionIds: [...versionIds],
        size,
        updatedAt: now(),
        expiresAt,
      };
      await client.send(new PutCommand({ TableName: tables.recordings, Item: item }));
    },

    async listObjects(contactId: string): Promise<ObjectItem[]> {
      const items: ObjectItem[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tables.recordings,
            KeyConditionExpression: 'contactId = :c AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':c': contactId, ':p': 'object#' },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        items.push(...((out.Items ?? []) as ObjectItem[]));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },

    async getRequest(requestId: string): Promise<RequestRecord> {
      const out = await client.send(
        new GetCommand({ TableName: tables.requests, Key: { requestId }, ConsistentRead: true }),
      );
      if (!out.Item) throw new RequestNotFoundError(requestId);
      return requestRecordSchema.parse(out.Item);
    },

    async updateRequest(
      requestId: string,
      patch: { status: RequestStatus; proof?: Proof; error?: string; completedAt?: string },
    ): Promise<void> {
      const names: Record<string, string> = { '#s': 'status' };
      const values: Record<string, unknown> = { ':s': patch.status, ':u': now() };
      const sets = ['#s = :s', 'updatedAt = :u'];
      for (const field of ['proof', 'error', 'completedAt'] as const) {
        if (patch[field] === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = patch[field];
        sets.push(`#${field} = :${field}`);
      }
      await client.send(
        new UpdateCommand({
          TableName: tables.requests,
          Key: { requestId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(requestId)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    /** Every request about the contact (byContact index, oldest first). */
    async requestsForContact(contactId: string): Promise<RequestRecord[]> {
      const items = await queryAll(client, {
        TableName: tables.requests,
        IndexName: 'byContact',
        KeyConditionExpression: 'contactId = :c',
        ExpressionAttributeValues: { ':c': contactId },
      });
      return items.map((item) => requestRecordSchema.parse(item));
    },

    /**
     * Takes the contact's lease (free, expired, or already ours). One lease per contact, not per
     * request: two requests about one contact would otherwise rewrite the same objects at once.
     * Throws {@link LeaseHeldError} when another invocation holds it. `expiresAt`: the contact item's.
     */
    async acquire(
      contactId: string,
      requestId: string,
      owner: string,
      leaseMs: number,
      expiresAt: number,
    ): Promise<void> {
      const at = clock().getTime();
      const taken = await writeIf(
        client,
        new UpdateCommand({
          TableName: tables.recordings,
          Key: { contactId, sk: LEASE_SK },
          UpdateExpression: 'SET leaseOwner = :o, leaseUntil = :until, requestId = :r, expiresAt = :e',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :o',
          ExpressionAttributeValues: {
            ':o': owner,
            ':until': at + leaseMs,
            ':now': at,
            ':r': requestId,
            ':e': expiresAt,
          },
        }),
      );
      if (!taken) throw new LeaseHeldError(requestId);
    },

    /** Gives the lease back; a lease another invocation has taken since is left alone. */
    async release(contactId: string, owner: string): Promise<void> {
      await writeIf(
        client,
        new UpdateCommand({
          TableName: tables.recordings,
          Key: { contactId, sk: LEASE_SK },
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :o',
          ExpressionAttributeValues: { ':o': owner },
        }),
      );
    },

    async getProgress(contactId: string, requestId: string): Promise<ProgressState> {
      const out = await client.send(
        new GetCommand({
          TableName: tables.recordings,
          Key: { contactId, sk: progressSk(requestId) },
          ConsistentRead: true,
        }),
      );
      return (out.Item?.progress as ProgressState | undefined) ?? { keys: {} };
    },

    /**
     * Stores progress. Only the lease holder calls it (the lease outlives the function timeout).
     * `expiresAt`: the contact item's.
     */
    async saveProgress(
      contactId: string,
      requestId: string,
      progress: ProgressState,
      expiresAt: number,
    ): Promise<void> {
      await client.send(
        new PutCommand({
          TableName: tables.recordings,
          Item: {
            contactId,
            sk: progressSk(requestId),
            requestId,
            // DynamoDB refuses undefined values: store the JSON shape.
            progress: JSON.parse(JSON.stringify(progress)),
            updatedAt: now(),
            expiresAt,
          },
        }),
      );
    },
  };
}
