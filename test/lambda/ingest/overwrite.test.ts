/**
 * The attack: someone with write access puts a forged second version at the key of an indexed call
 * recording. Ingest must delete it and audit the refusal, and playback's URL must serve the genuine
 * bytes — never whatever is current at the key.
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, type GetObjectCommandInput, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestObject, OVERWRITE_REFUSED, RewriteInProgressError } from '../../../lambda/ingest/ingest';
import { createPlayback } from '../../../lambda/playback/playback';
import { createTables } from '../../../lib/local';
import { apiEvent, IDENTITY, putAssignment, silentLogger } from '../../support/listening';
import {
  BUCKET,
  connectWav,
  harnessPerFile,
  putDecision,
  putRequest,
  recordingKey,
  world,
} from '../../support/recording-harness';

const h = harnessPerFile();
let listeningTable: string;
beforeAll(async () => {
  listeningTable = (await createTables(h.dynamo.client, undefined, (l) => `${l}-overwrite`)).listening!;
});
const at = '2026-12-03T10:15:00.000Z';

describe('an overwrite of an indexed recording by someone other than fairlisten', () => {
  it('is deleted and audited; the genuine version stays current and is what playback signs', async () => {
    const w = world(h);
    const contactId = randomUUID();
    const key = recordingKey(contactId);
    await putDecision(h, contactId, true);
    const genuine = connectWav(2, 1);
    const v1 = (await w.s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: genuine })))
      .VersionId!;
    expect(
      (await ingestObject(w.deps(), { key, versionId: v1, size: genuine.length, eventTime: at })).outcome,
    ).toBe('indexed');

    // The forgery: a second version at the same key.
    const forged = connectWav(2, 99);
    const v2 = (await w.s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: forged })))
      .VersionId!;
    const out = await ingestObject(w.deps(), { key, versionId: v2, size: forged.length, eventTime: at });

    expect(out).toEqual({
      outcome: 'overwrite-refused',
      contactId,
      genuineVersionIds: [v1],
      deletedVersionIds: [v2],
    });
    expect(w.s3.versions(key).map((v) => v.versionId)).toEqual([v1]);
    expect(w.audit.of(OVERWRITE_REFUSED, contactId)).toEqual([
      expect.objectContaining({
        chain: 'privacy/2026-12',
        actor: 'function:ingest',
        data: expect.objectContaining({ key, deletedVersionIds: [v2], genuineVersionIds: [v1] }),
      }),
    ]);
    const indexed = (await w.store.listObjects(contactId)).find((o) => o.key === key)!;
    expect(indexed.versionIds).toEqual([v1]);

    // Playback signs the indexed version; fetching what it signed gives the genuine bytes.
    await putAssignment(h.ddb, listeningTable, { contactId, period: '2026-12', agentId: 'agent-1' });
    let signed: GetObjectCommandInput | undefined;
    const playback = createPlayback({
      ddb: h.ddb,
      s3: w.s3.client,
      listeningTable,
      recordingsTable: h.tables.recordings,
      bucket: BUCKET,
      audit: w.audit,
      identity: IDENTITY,
      urlTtlSeconds: 300,
      now: () => new Date('2026-12-10T10:00:00.000Z'),
      logger: silentLogger,
      presign: async (_s3, command) => {
        signed = command.input;
        return 'https://signed.example/url';
      },
    });
    // Even a forged version that is current again (written after the refusal) is not what is signed.
    await w.s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: forged }));
    const res = await playback(
      apiEvent('POST /recordings/{contactId}/playback', 'coach', { path: { contactId } }),
    );
    expect(res.statusCode).toBe(200);
    expect(signed).toMatchObject({ Key: key, VersionId: v1 });
    const served = await w.s3.client.send(new GetObjectCommand(signed!));
    expect(Buffer.from(await served.Body!.transformToByteArray())).toEqual(genuine);
  });

  it("keeps the redaction's own new version (named by the request's progress) and asks for a retry while one is being written", async () => {
    const w = world(h);
    const contactId = randomUUID();
    const key = recordingKey(contactId);
    await putDecision(h, contactId, true);
    const genuine = connectWav(1, 2);
    const v1 = (await w.s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: genuine })))
      .VersionId!;
    await ingestObject(w.deps(), { key, versionId: v1, size: genuine.length, eventTime: at });

    const requestId = await putRequest(h, {
      kind: 'redaction',
      contactId,
      status: 'in-progress',
      ranges: [{ from: 0, to: 0.5 }],
      channel: 'both',
    });
    const redacted = connectWav(1, 3);
    const v2 = (await w.s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: redacted })))
      .VersionId!;
    // The executor has not saved the new version yet: retry, delete nothing.
    await expect(
      ingestObject(w.deps(), { key, versionId: v2, size: redacted.length, eventTime: at }),
    ).rejects.toBeInstanceOf(RewriteInProgressError);
    expect(w.s3.versions(key)).toHaveLength(2);

    await w.store.saveProgress(
      contactId,
      requestId,
      { started: true, keys: { [key]: { newVersionId: v2 } } },
      (await w.store.getContact(contactId))!.expiresAt,
    );
    const out = await ingestObject(w.deps(), { key, versionId: v2, size: redacted.length, eventTime: at });
    // Indexed (the executor then carries on with its request), never refused.
    expect(out.outcome).toBe('indexed');
    expect(w.audit.of(OVERWRITE_REFUSED, contactId)).toEqual([]);
  });
});
