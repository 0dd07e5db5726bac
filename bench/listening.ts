/**
 * Playback benchmark: the playback handler against dynalite + s3rver (the presign is local).
 * Run alone: `npx tsx bench/listening.ts`.
 */
import { fileURLToPath } from 'node:url';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createPlayback } from '../lambda/playback/playback';
import { CONTACT_SK } from '../lambda/shared/requests';
import { createTables, startLocalDynamo, startLocalS3 } from '../lib/local';
import { type BenchFigure, printFigures } from './figure';

const IDENTITY = {
  groupsClaim: 'cognito:groups',
  connectUserClaim: 'custom:connect_user_id',
  groups: { agent: 'agents', coach: 'coaches', dpo: 'dpo', staffRepresentative: 'reps' },
};
const COACH = 'cccccccc-0000-4000-8000-000000000001';
const contact = (i: number) => `77777777-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export async function benchListening(requests = 300): Promise<BenchFigure[]> {
  const dynamo = await startLocalDynamo();
  const s3 = await startLocalS3({ buckets: ['recordings'] });
  try {
    const tables = await createTables(dynamo.client);
    const ddb = DynamoDBDocumentClient.from(dynamo.client);
    for (let i = 0; i < requests; i++) {
      const contactId = contact(i);
      const key = `connect/x/${contactId}.wav`;
      await ddb.send(
        new PutCommand({
          TableName: tables.recordings!,
          Item: {
            contactId,
            sk: CONTACT_SK,
            agentId: 'a',
            period: '2026-11',
            state: 'kept',
            updatedAt: '',
            expiresAt: 0,
          },
        }),
      );
      await ddb.send(
        new PutCommand({
          TableName: tables.recordings!,
          Item: {
            contactId,
            sk: `object#${key}`,
            key,
            kind: 'call-recording',
            // Playback signs the version ingest indexed; an object item without one is answered 404.
            versionIds: [`v-${i}`],
            size: 0,
            updatedAt: '',
            expiresAt: 0,
          },
        }),
      );
      await ddb.send(
        new PutCommand({
          TableName: tables.listening!,
          Item: {
            period: '2026-11',
            sk: `assign#${contactId}`,
            contactId,
            agentId: 'a',
            agentTeam: 'A',
            coachId: COACH,
            coachTeam: 'B',
            playsLeft: 1,
            playsAllowed: 1,
            plays: [],
            assignedAt: '',
            validUntil: '2099-01-01T00:00:00.000Z',
            expiresAt: 0,
          },
        }),
      );
    }
    let seq = 0;
    const playback = createPlayback({
      ddb,
      s3: s3.client,
      listeningTable: tables.listening!,
      recordingsTable: tables.recordings!,
      bucket: 'recordings',
      audit: { append: async (e) => ({ chain: e.chain, seq: ++seq, hash: '' }) },
      identity: IDENTITY,
      urlTtlSeconds: 300,
      now: () => new Date(),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const claims = { sub: 's', 'cognito:groups': '[coaches]', 'custom:connect_user_id': COACH };
    const times: number[] = [];
    let ok = 0;
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      const res = await playback({
        routeKey: 'POST /recordings/{contactId}/playback',
        requestContext: { authorizer: { jwt: { claims } } },
        pathParameters: { contactId: contact(i) },
      });
      times.push(performance.now() - t0);
      if (res.statusCode === 200) ok++;
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    return [
      { name: 'playback handler p50 (dynalite + s3rver, local presign)', value: q(0.5), unit: 'ms' },
      { name: 'playback handler p99 (dynalite + s3rver, local presign)', value: q(0.99), unit: 'ms' },
      {
        name: 'playback requests answered 200',
        value: ok,
        unit: 'requests',
        target: { op: '>=', value: requests },
      },
    ];
  } finally {
    await s3.stop();
    await dynamo.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchListening().then(printFigures);
}
