/**
 * Seed commit / reveal, with injected clock, randomness, clients and audit sink.
 *
 * Run daily. Each run:
 *  - next period (starts in the future): create its seed if missing (32 random bytes, conditional
 *    put so a stored seed is never replaced), then publish its commitment SHA-256(seed) — an audit
 *    record `seed-commitment` on chain `seeds` and the transparency object — and only then set
 *    `committedAt`, which is what makes the seed usable by the sampler;
 *  - current period (already started): if it has no published commitment, it never gets one —
 *    a seed published after the start proves nothing. Fail closed: log and audit an `incident`;
 *    the sampler records nothing in that period;
 *  - every committed, unrevealed period that ended at least `graceDays` ago: reveal the seed
 *    (audit `seed-reveal`, transparency object with the seed), then set `revealedAt`.
 * Every step is idempotent: a run that stopped half-way is completed by the next one.
 *
 * With `publication`, the commitment and the revealed seed are also written once to the audit
 * bucket's `published/seeds/` (core/publication.ts: Object Lock, no overwrite, the version's
 * creation time is the evidence that a commitment came before its period), and every run publishes
 * the policy document the sampler enforces under `published/policies/<sha256>.json`.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { JsonObject } from '../core/canonical-json';
import { commitment as commitmentOf, SEED_BYTES, seedToHex } from '../core/lottery';
import { nextPeriod, periodBounds, periodOf } from '../core/period';
import {
  commitmentKey,
  commitmentObjectSchema,
  policyDocument,
  policyKey,
  publishedJson,
  revealKey,
  revealObjectSchema,
} from '../core/publication';
import type { AuditSink } from '../shared/audit-sink';
import { isConditionFailure } from '../shared/dynamo';
import { type Publisher, publishOnce } from '../shared/publication';
import {
  type AuditRef,
  type SeedItem,
  type SeedTransparencyObject,
  seedOfItem,
  transparencyKey,
} from '../shared/seed-item';

export const SEEDS_CHAIN = 'seeds';
export const SEEDS_ACTOR = 'function:seeds';
const DAY_MS = 86_400_000;

export type SeedsLogger = Pick<Logger, 'info' | 'error'>;

export interface SeedRotationDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly table: string;
  readonly audit: AuditSink;
  /** Transparency bucket; absent until the audit construct provides it (then nothing is written to S3). */
  readonly transparency?: { readonly client: S3Client; readonly bucket: string };
  /**
   * The write-once publication in the audit bucket, and the policy document the sampler enforces.
   * @default - nothing is published (a commitment then proves nothing to the works council)
   */
  readonly publication?: { readonly publisher: Publisher; readonly policy: JsonObject };
  readonly timezone: string;
  readonly now: () => Date;
  /** @default crypto.randomBytes */
  readonly randomBytes: (n: number) => Uint8Array;
  /** Days a seed is kept after its period ends (the audit retention: decisions stay verifiable). */
  readonly retentionDays: number;
  /** Days after a period's end before its seed is revealed. @default 1 */
  readonly graceDays?: number;
  readonly logger: SeedsLogger;
}

export interface SeedRotationReport {
  /** SHA-256 of the policy document published (or found published) by this run. */
  policy?: string;
  created: string[];
  committed: string[];
  revealed: string[];
  /** Periods that started without a published commitment (no recording in them). */
  incidents: string[];
}

export async function rotateSeeds(deps: SeedRotationDeps): Promise<SeedRotationReport> {
  const now = deps.now();
  const graceDays = deps.graceDays ?? 1;
  const report: SeedRotationReport = { created: [], committed: [], revealed: [], incidents: [] };
  const current = periodOf(now, deps.timezone);
  const next = nextPeriod(current);

  const get = async (period: string): Promise<SeedItem | undefined> =>
    (await deps.ddb.send(new GetCommand({ TableName: deps.table, Key: { period }, ConsistentRead: true })))
      .Item as SeedItem | undefined;

  const publish = async (object: SeedTransparencyObject): Promise<void> => {
    if (!deps.transparency) return;
    await deps.transparency.client.send(
      new PutObjectCommand({
        Bucket: deps.transparency.bucket,
        Key: transparencyKey(object.period),
        Body: `${JSON.stringify(object, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
  };

  const setOnce = async (period: string, attribute: string, value: unknown): Promise<void> => {
    try {
      await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.table,
          Key: { period },
          UpdateExpression: 'SET #a = :v',
          ConditionExpression: 'attribute_exists(period) AND attribute_not_exists(#a)',
          ExpressionAttributeNames: { '#a': attribute },
          ExpressionAttributeValues: { ':v': value },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  };

  const publication = deps.publication;
  if (publication) {
    const doc = policyDocument(publication.policy);
    await publishOnce(publication.publisher, policyKey(doc.sha256), doc.json);
    report.policy = doc.sha256;
  }

  // The current period: usable only if committed before it started; never committed afterwards.
  const currentItem = await get(current);
  const currentStart = periodBounds(current, deps.timezone).start.getTime();
  if (!currentItem?.committedAt || !(Date.parse(currentItem.committedAt) < currentStart)) {
    report.incidents.push(current);
    deps.logger.error('period started without a published seed commitment: nothing is recorded in it', {
      period: current,
      seedStored: currentItem !== undefined,
    });
    await deps.audit.append({
      chain: SEEDS_CHAIN,
      kind: 'incident',
      actor: SEEDS_ACTOR,
      subject: current,
      at: now,
      data: { problem: 'no-commitment-before-start', period: current, seedStored: currentItem !== undefined },
    });
  }

  // The next period: create and publish its commitment before it starts.
  if (now.getTime() < periodBounds(next, deps.timezone).start.getTime()) {
    let item = await get(next);
    if (!item) {
      const seed = deps.randomBytes(SEED_BYTES);
      const fresh: SeedItem = {
        period: next,
        seed: seedToHex(seed),
        commitment: commitmentOf(seed),
        createdAt: now.toISOString(),
        // Counted from creation: auditRetentionDays at most (the reveal, a month later, is inside it).
        expiresAt: Math.floor(now.getTime() / 1000) + deps.retentionDays * 86_400,
      };
      try {
        await deps.ddb.send(
          new PutCommand({
            TableName: deps.table,
            Item: fresh,
            ConditionExpression: 'attribute_not_exists(period)',
          }),
        );
        report.created.push(next);
        item = fresh;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        item = await get(next); // another run created it first: publish that one
      }
    }
    if (item && !item.committedAt) {
      seedOfItem(item); // never publish a commitment that does not match the stored seed
      if (!item.commitAudit) {
        const appended = await deps.audit.append({
          chain: SEEDS_CHAIN,
          kind: 'seed-commitment',
          actor: SEEDS_ACTOR,
          subject: next,
          at: now,
          data: { period: next, commitment: item.commitment, algorithm: 'sha256' },
        });
        await setOnce(next, 'commitAudit', { seq: appended.seq, hash: appended.hash } satisfies AuditRef);
      }
      let committedAt = now.toISOString();
      if (publication) {
        // A run that stopped after publishing finds the object: its time is the commitment's.
        const published = await publishOnce(
          publication.publisher,
          commitmentKey(next),
          publishedJson({ period: next, commitment: item.commitment, algorithm: 'sha256', committedAt }),
          (existing) => sameSeedObject(existing, next, item!.commitment),
        );
        committedAt = commitmentObjectSchema.parse(JSON.parse(published)).committedAt;
      }
      await publish({ period: next, commitment: item.commitment, committedAt });
      await setOnce(next, 'committedAt', committedAt);
      report.committed.push(next);
      deps.logger.info('seed commitment published', { period: next, commitment: item.commitment });
    }
  }

  // Reveal every committed period that ended at least graceDays ago.
  const pending: SeedItem[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.ddb.send(
      new ScanCommand({
        TableName: deps.table,
        ConsistentRead: true,
        FilterExpression: 'attribute_exists(committedAt) AND attribute_not_exists(revealedAt)',
        ExclusiveStartKey,
      }),
    );
    pending.push(...((page.Items ?? []) as SeedItem[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  pending.sort((a, b) => (a.period < b.period ? -1 : 1));
  for (const item of pending) {
    const end = periodBounds(item.period, deps.timezone).end.getTime();
    if (now.getTime() < end + graceDays * DAY_MS) continue;
    seedOfItem(item);
    if (!item.revealAudit) {
      const appended = await deps.audit.append({
        chain: SEEDS_CHAIN,
        kind: 'seed-reveal',
        actor: SEEDS_ACTOR,
        subject: item.period,
        at: now,
        data: { period: item.period, seed: item.seed, commitment: item.commitment },
      });
      await setOnce(item.period, 'revealAudit', {
        seq: appended.seq,
        hash: appended.hash,
      } satisfies AuditRef);
    }
    let revealedAt = now.toISOString();
    if (publication) {
      const published = await publishOnce(
        publication.publisher,
        revealKey(item.period),
        publishedJson({ period: item.period, seed: item.seed, commitment: item.commitment, revealedAt }),
        (existing) => sameSeedObject(existing, item.period, item.commitment, item.seed),
      );
      revealedAt = revealObjectSchema.parse(JSON.parse(published)).revealedAt;
    }
    await publish({
      period: item.period,
      commitment: item.commitment,
      committedAt: item.committedAt!,
      seed: item.seed,
      revealedAt,
    });
    await setOnce(item.period, 'revealedAt', revealedAt);
    report.revealed.push(item.period);
    deps.logger.info('seed revealed', { period: item.period });
  }
  return report;
}

/** Whether an already published seed object is this period's (same commitment, same seed). */
function sameSeedObject(existing: string, period: string, commitment: string, seed?: string): boolean {
  try {
    const o = JSON.parse(existing) as { period?: unknown; commitment?: unknown; seed?: unknown };
    return o.period === period && o.commitment === commitment && (seed === undefined || o.seed === seed);
  } catch {
    return false;
  }
}
