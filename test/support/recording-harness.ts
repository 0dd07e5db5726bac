/**
 * Shared set-up of the recording-actions and ingest tests: dynalite tables, the versioned S3
 * fake, Connect-format WAVs, an in-memory audit sink, request records, and an independent
 * redaction (lambda/core/wav-redact-file.ts on a local copy) to compare against.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import type { PartLimits } from '../../lambda/core/redaction-plan';
import type { Channel, TimeRange } from '../../lambda/core/wav';
import { redactFile } from '../../lambda/core/wav-redact-file';
import { type IngestOutcome, ingestObject } from '../../lambda/ingest/ingest';
import type { ActionDeps } from '../../lambda/shared/apply-request';
import { createS3RecordingObjects, type RecordingObjects } from '../../lambda/shared/recording-objects';
import { createRecordingStore, type RecordingStore } from '../../lambda/shared/recording-store';
import type { RequestRecord } from '../../lambda/shared/requests';
import type { RecordingTables } from '../../lambda/shared/tables';
import { createTables, type LocalDynamo, recordingTablesOf, startLocalDynamo } from '../../lib/local';
import { VersionedS3 } from '../../lib/local/versioned-s3';
import { connectNoiseWav } from '../../lib/simulation/month/wav';
import { MemoryAudit } from './memory-audit';

export const BUCKET = 'recordings-test';
export const PREFIX = 'connect/fairlisten/CallRecordings';
/** Small parts so a 30 s file has copy and rewrite parts (the fake enforces the same minimum). */
export const TEST_LIMITS: PartLimits = { minPartSize: 64 * 1024, maxPartSize: 256 * 1024, maxParts: 10_000 };

/** A Connect-format WAV (8 kHz stereo s16le, 44-byte header) of `seconds`, never silent. */
export const connectWav = (seconds: number, seed = 1): Buffer => connectNoiseWav(seconds, seed);

/** The redaction of `original` by the local-file redactor, independent of the S3 path. */
export async function independentRedaction(
  original: Buffer,
  ranges: TimeRange[],
  channel: Channel,
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'fairlisten-redact-'));
  try {
    await writeFile(join(dir, 'in.wav'), original);
    await redactFile(join(dir, 'in.wav'), join(dir, 'out.wav'), ranges, channel, { fsync: false });
    return await readFile(join(dir, 'out.wav'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const recordingKey = (contactId: string) => `${PREFIX}/2026/12/03/${contactId}_20261203T10:15_UTC.wav`;
export const analysisKey = (contactId: string) =>
  `Analysis/Voice/2026/12/03/${contactId}_analysis_2026-12-03T10:20:00Z.json`;
export const redactedAudioKey = (contactId: string) =>
  `Analysis/Voice/Redacted/2026/12/03/${contactId}_call_recording_redacted_2026-12-03T10:20:00Z.wav`;

export interface Harness {
  readonly dynamo: LocalDynamo;
  readonly ddb: DynamoDBDocumentClient;
  readonly tables: RecordingTables;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dynamo = await startLocalDynamo();
  const names = await createTables(dynamo.client);
  const ddb = DynamoDBDocumentClient.from(dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    dynamo,
    ddb,
    tables: recordingTablesOf(names),
    stop: () => dynamo.stop(),
  };
}

/**
 * The harness of one test file: started before the file's tests, stopped after them. Call it at the
 * top of the file; its fields are there once the tests (and later `beforeAll` hooks) run.
 */
export function harnessPerFile(): Harness {
  const h: Partial<Harness> = {};
  beforeAll(async () => {
    Object.assign(h, await startHarness());
  });
  afterAll(async () => {
    await h.stop?.();
  });
  return h as Harness;
}

export interface World {
  readonly s3: VersionedS3;
  readonly objects: RecordingObjects;
  readonly store: RecordingStore;
  readonly audit: MemoryAudit;
  deps(extra?: Partial<ActionDeps>): ActionDeps;
  /**
   * Puts `body` at `key` as a new version and runs ingest on its S3 event, as S3 would: the new
   * version and what ingest did with it.
   */
  arrive(
    key: string,
    body: Buffer,
    eventTime?: string,
  ): Promise<{ versionId: string; outcome: IngestOutcome }>;
}

/** When the harness's S3 events happen unless a test says otherwise: the call of `recordingKey`. */
export const EVENT_TIME = '2026-12-03T10:15:00.000Z';

export function world(h: Harness, options: { limits?: PartLimits; minPartSize?: number } = {}): World {
  const limits = options.limits ?? TEST_LIMITS;
  const s3 = new VersionedS3(BUCKET, { minPartSize: options.minPartSize ?? limits.minPartSize });
  const objects = createS3RecordingObjects(s3.client, BUCKET, {
    kmsKeyId: 'arn:aws:kms:eu-central-1:111111111111:key/test',
  });
  const store = createRecordingStore({ client: h.ddb, tables: h.tables, retentionDays: 90 });
  const audit = new MemoryAudit();
  const deps = (extra: Partial<ActionDeps> = {}): ActionDeps => ({
    objects,
    store,
    audit,
    partLimits: limits,
    ...extra,
  });
  return {
    s3,
    objects,
    store,
    audit,
    deps,
    async arrive(key, body, eventTime = EVENT_TIME) {
      const versionId = s3.addVersion(key, body);
      return {
        versionId,
        outcome: await ingestObject(deps(), { key, versionId, size: body.length, eventTime }),
      };
    },
  };
}

/** The sampler's decision item of `contactId` (agent-1, period 2026-12), with `extra` fields on top. */
export async function putDecision(
  h: Harness,
  contactId: string,
  recorded: boolean,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await h.ddb.send(
    new PutCommand({
      TableName: h.tables.decisions,
      Item: {
        contactId,
        initialContactId: null,
        agentId: 'agent-1',
        period: '2026-12',
        recorded,
        reason: recorded ? 'drawn' : 'not-drawn',
        ...extra,
      },
    }),
  );
}

export async function putRequest(
  h: Harness,
  fields: Pick<RequestRecord, 'kind' | 'contactId'> & Partial<RequestRecord>,
): Promise<string> {
  const requestId = randomUUID();
  const at = new Date().toISOString();
  const record: RequestRecord = {
    requestId,
    requestedBy: 'agent:agent-1',
    reason: 'spoke personal data',
    status: 'waiting-for-recording',
    createdAt: at,
    updatedAt: at,
    expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    ...fields,
  };
  await h.ddb.send(new PutCommand({ TableName: h.tables.requests, Item: record }));
  return requestId;
}
