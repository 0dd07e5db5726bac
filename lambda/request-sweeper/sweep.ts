import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { ExecutorInvoker } from '../shared/executor-invoker';
import type { RequestStatus } from '../shared/requests';

/**
 * Requests must not stall: a timed-out executor leaves `in-progress` behind its lease, and a
 * request written just before its file arrived can be missed by ingest's (eventually
 * consistent) index query and stay `waiting-for-recording`. The sweeper finds requests that have
 * not moved for a while and hands them to the executor again; every executor step is idempotent,
 * so a second run only finishes what the first left.
 */
export const SWEEPABLE: readonly RequestStatus[] = ['in-progress', 'waiting-for-recording'];

export interface SweepCandidate {
  readonly requestId: string;
  readonly status: string;
  readonly updatedAt: string;
}

/** The requests to re-run: sweepable status, untouched for at least `staleMs`. Oldest first. */
export function staleRequests(items: readonly SweepCandidate[], now: Date, staleMs: number): string[] {
  return items
    .filter((r) => (SWEEPABLE as readonly string[]).includes(r.status))
    .filter((r) => {
      const updated = Date.parse(r.updatedAt);
      return Number.isFinite(updated) && now.getTime() - updated >= staleMs;
    })
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.requestId.localeCompare(b.requestId))
    .map((r) => r.requestId);
}

export interface SweepDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly requestsTable: string;
  readonly executor: ExecutorInvoker;
  readonly now: () => Date;
  /** @default 5 minutes: longer than an executor run holds its lease without finishing. */
  readonly staleMs?: number;
  /** Bound on re-runs per sweep, so a flood cannot fan out unchecked. @default 200 */
  readonly maxPerRun?: number;
}

export interface SweepReport {
  readonly scanned: number;
  readonly rerun: string[];
  readonly failed: string[];
}

export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const items: SweepCandidate[] = [];
  const pages = paginateScan(
    { client: deps.ddb },
    {
      TableName: deps.requestsTable,
      ProjectionExpression: 'requestId, #s, updatedAt',
      FilterExpression: '#s IN (:a, :b)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':a': SWEEPABLE[0], ':b': SWEEPABLE[1] },
    },
  );
  let scanned = 0;
  for await (const page of pages) {
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) items.push(item as SweepCandidate);
  }
  const due = staleRequests(items, deps.now(), deps.staleMs ?? 5 * 60_000).slice(0, deps.maxPerRun ?? 200);
  const rerun: string[] = [];
  const failed: string[] = [];
  for (const requestId of due) {
    try {
      await deps.executor.invoke(requestId);
      rerun.push(requestId);
    } catch {
      failed.push(requestId);
    }
  }
  return { scanned, rerun, failed };
}
