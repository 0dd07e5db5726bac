import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEPABLE, staleRequests, sweep } from '../../../lambda/request-sweeper/sweep';
import { createTables, startLocalDynamo } from '../../../lib/local';

const NOW = new Date('2026-12-10T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('staleRequests', () => {
  it.each([
    ['in-progress', 6, true],
    ['waiting-for-recording', 30, true],
    ['in-progress', 4, false],
    ['done', 60, false],
    ['failed', 60, false],
  ])('%s untouched for %i min → re-run: %s', (status, minutes, expected) => {
    const got = staleRequests([{ requestId: id(1), status, updatedAt: ago(minutes) }], NOW, 5 * 60_000);
    expect(got).toEqual(expected ? [id(1)] : []);
  });

  it('ignores unreadable timestamps and orders oldest first', () => {
    const got = staleRequests(
      [
        { requestId: id(1), status: 'in-progress', updatedAt: ago(10) },
        { requestId: id(2), status: 'in-progress', updatedAt: 'not a date' },
        { requestId: id(3), status: 'waiting-for-recording', updatedAt: ago(90) },
      ],
      NOW,
      5 * 60_000,
    );
    expect(got).toEqual([id(3), id(1)]);
  });

  it('sweeps exactly the statuses that can stall', () => {
    expect([...SWEEPABLE].sort()).toEqual(['in-progress', 'waiting-for-recording']);
  });
});

describe('sweep against dynalite', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let ddb: DynamoDBDocumentClient;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await createTables(dynamo.client);
    ddb = DynamoDBDocumentClient.from(dynamo.client);
    const rows = [
      [1, 'in-progress', 20],
      [2, 'waiting-for-recording', 2],
      [3, 'done', 50],
      [4, 'waiting-for-recording', 45],
      [5, 'failed', 50],
    ] as const;
    for (const [n, status, minutes] of rows) {
      await ddb.send(
        new PutCommand({
          TableName: 'requests',
          Item: {
            requestId: id(n),
            contactId: id(100 + n),
            status,
            updatedAt: ago(minutes),
            createdAt: ago(minutes),
          },
        }),
      );
    }
  });
  afterAll(async () => dynamo.stop());

  it('hands every stalled request, and only those, to the executor', async () => {
    const invoked: string[] = [];
    const report = await sweep({
      ddb,
      requestsTable: 'requests',
      executor: { invoke: async (requestId) => void invoked.push(requestId) },
      now: () => NOW,
    });
    expect(invoked).toEqual([id(4), id(1)]);
    expect(report.rerun).toEqual([id(4), id(1)]);
    expect(report.failed).toEqual([]);
  });

  it('reports the requests it could not re-run, and keeps going', async () => {
    const report = await sweep({
      ddb,
      requestsTable: 'requests',
      executor: {
        invoke: async (requestId) => {
          if (requestId === id(4)) throw new Error('throttled');
        },
      },
      now: () => NOW,
    });
    expect(report.failed).toEqual([id(4)]);
    expect(report.rerun).toEqual([id(1)]);
  });

  it('bounds the re-runs per sweep', async () => {
    const report = await sweep({
      ddb,
      requestsTable: 'requests',
      executor: { invoke: async () => undefined },
      now: () => NOW,
      maxPerRun: 1,
    });
    expect(report.rerun).toEqual([id(4)]);
  });
});
