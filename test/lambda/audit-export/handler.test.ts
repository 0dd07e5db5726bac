import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import { type LocalStack, startLocalStack } from '../../../lib/local';
import { withEnv } from '../../support/local';

const BUCKET = 'audit-bucket';
let local: LocalStack;

beforeAll(async () => {
  local = await startLocalStack({ buckets: [BUCKET], connectState: { instanceId: 'i-1' } });
});
afterAll(async () => {
  await local?.stop();
});

describe('audit-export handler', () => {
  it('exports to the bucket from its environment and refuses foreign events', async () => {
    const doc = DynamoDBDocumentClient.from(local.dynamo.client);
    const log = createAuditLog({ client: doc, tableName: local.tables.audit!, retentionDays: 30 });
    await log.append({ chain: 'seeds', kind: 'seed-commitment', actor: 'function:seed' });
    const env = {
      ...local.env,
      AUDIT_TABLE: local.tables.audit!,
      AUDIT_BUCKET: BUCKET,
      DECISIONS_TABLE: local.tables.decisions!,
      AUDIT_RETENTION_DAYS: '30',
    };
    await withEnv(env, async () => {
      const { handler } = await import('../../../lambda/audit-export/handler');
      const result = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: 'x' });
      expect(result).toMatchObject({
        ran: true,
        errors: [],
        files: [expect.objectContaining({ chain: 'seeds' })],
      });
      await expect(handler({ source: 'aws.s3' })).rejects.toThrow(/not a scheduled event/);
      expect(await handler({})).toMatchObject({ ran: true, files: [] });
      // The Lambda context's remaining time reaches the exporter: with under a minute left, a run
      // starts nothing and says it is incomplete (the next run resumes); it is not a failure.
      await log.append({ chain: 'seeds', kind: 'seed-reveal', actor: 'function:seed' });
      expect(await handler({}, { getRemainingTimeInMillis: () => 30_000 })).toMatchObject({
        ran: true,
        complete: false,
        files: [],
        errors: [],
      });
    });
    const out = await local.s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(out.Contents?.map((o) => o.Key)).toEqual(['exports/seeds/000000000001-000000000001.jsonl']);
  });
});
