/**
 * Loads the seed of a period from the seeds table, fail closed: a missing seed, one whose
 * commitment was not published before the period started, or one that does not match its
 * commitment is a `SeedUnavailableError` and the sampler records nothing. The sampler never creates
 * a seed. Successful loads are cached per period for the life of the execution environment (a seed
 * never changes after commitment); failures are not cached, so a seed published later is picked up.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { periodBounds } from '../core/period';
import { type SeedItem, seedOfItem } from '../shared/seed-item';

export type SeedProblem = 'missing' | 'uncommitted' | 'late-commitment' | 'corrupt';

export class SeedUnavailableError extends Error {
  override readonly name = 'SeedUnavailableError';
  constructor(
    readonly period: string,
    readonly problem: SeedProblem,
  ) {
    super(`seed of ${period} is unavailable: ${problem}`);
  }
}

export type SeedLoader = (period: string) => Promise<Uint8Array>;

export function createSeedLoader(args: {
  ddb: DynamoDBDocumentClient;
  table: string;
  timezone: string;
}): SeedLoader {
  const cache = new Map<string, Promise<Uint8Array>>();
  const load = async (period: string): Promise<Uint8Array> => {
    const { Item } = await args.ddb.send(
      new GetCommand({ TableName: args.table, Key: { period }, ConsistentRead: true }),
    );
    const item = Item as SeedItem | undefined;
    if (!item) throw new SeedUnavailableError(period, 'missing');
    if (!item.committedAt) throw new SeedUnavailableError(period, 'uncommitted');
    const committed = Date.parse(item.committedAt);
    if (!(committed < periodBounds(period, args.timezone).start.getTime())) {
      throw new SeedUnavailableError(period, 'late-commitment');
    }
    try {
      return seedOfItem(item);
    } catch {
      throw new SeedUnavailableError(period, 'corrupt');
    }
  };
  return (period) => {
    let pending = cache.get(period);
    if (!pending) {
      pending = load(period);
      cache.set(period, pending);
      pending.catch(() => cache.delete(period));
    }
    return pending;
  };
}
