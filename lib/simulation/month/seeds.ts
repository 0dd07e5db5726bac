/**
 * Seeds phase: the seed function's `rotateSeeds` commits the month's seed the day before it
 * starts, the next month's before the month ends, and reveals the month's the day after it ends
 * (audit chain `seeds`, transparency objects in the transparency bucket, and the write-once
 * publication in the audit bucket: commitments, seeds and the policy document).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { commitment as commitmentOf, seedToHex } from '../../../lambda/core/lottery';
import { nextPeriod, periodBounds, periodOf, previousPeriod } from '../../../lambda/core/period';
import { rotateSeeds } from '../../../lambda/seeds/seeds';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import type { SeedItem } from '../../../lambda/shared/seed-item';
import type { LocalStack } from '../../local';
import { simulationSeed } from '../run';
import { DAY, MINUTE, type MonthPhase, type MonthRun, servicesOf, silent } from './month-run';

/** The seed function's daily run at simulated instant `at`. */
async function seedRun(m: MonthRun, stack: LocalStack, at: number): Promise<void> {
  const { ddb, transparency } = servicesOf(m, stack);
  const { policy, seed } = m.options;
  m.publication.seedRunAt = at;
  await rotateSeeds({
    ddb,
    table: stack.tables.seeds!,
    audit: createAuditLog({
      client: ddb,
      tableName: stack.tables.audit!,
      retentionDays: policy.auditRetentionDays,
      clock: () => new Date(at),
    }),
    transparency: { client: transparency, bucket: 'transparency' },
    publication: { publisher: m.publication.publisher, policy: m.publication.policy },
    timezone: m.timezone,
    now: () => new Date(at),
    // The seed of the period being created: derived from --seed, as the sampler simulation's.
    randomBytes: () => simulationSeed(seed, nextPeriod(periodOf(new Date(at), m.timezone))),
    retentionDays: policy.auditRetentionDays,
    graceDays: 1,
    logger: silent,
  }).finally(() => {
    m.publication.seedRunAt = undefined;
  });
}

/** runSimulation's `commitSeed` hook: the month's seed, committed the day before it starts. */
export async function commitMonthSeed(m: MonthRun, stack: LocalStack, item: SeedItem): Promise<void> {
  // History: the previous month's seed, committed before it started (so the seed function's check
  // of the current period at the commit run finds it).
  const { ddb } = servicesOf(m, stack);
  const prev = previousPeriod(m.period);
  const prevSeed = simulationSeed(m.options.seed, prev);
  const prevStart = periodBounds(prev, m.timezone).start.getTime();
  await ddb.send(
    new PutCommand({
      TableName: stack.tables.seeds!,
      Item: {
        period: prev,
        seed: seedToHex(prevSeed),
        commitment: commitmentOf(prevSeed),
        createdAt: new Date(prevStart - 2 * DAY).toISOString(),
        committedAt: new Date(prevStart - DAY).toISOString(),
      },
    }),
  );
  // The seed function's daily run the day before the month: creates and commits it.
  await seedRun(m, stack, Date.parse(item.committedAt!));
}

/** The seed function's run the day before the month ends: commits the next month's seed. */
export const scheduleNextSeed: MonthPhase = async (m, ctx) => {
  m.timeline.at(m.end.getTime() - DAY + 15 * MINUTE, () => seedRun(m, ctx.stack, ctx.clock.now()));
};

/** The day after the month: the seed function reveals the month's seed. */
export const revealSeed: MonthPhase = async (m, ctx) => {
  ctx.clock.set(m.end.getTime() + DAY + 15 * MINUTE);
  await seedRun(m, ctx.stack, ctx.clock.now());
};
