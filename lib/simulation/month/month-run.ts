/**
 * What the phases of the month share: the options and the period, the bundled listening functions
 * and their environment, the clients of the local stand-ins (opened at first use, during the
 * calls), the timeline of simulated events, the outcome counters and the wall-clock timings.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectClient } from '@aws-sdk/client-connect';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JsonObject } from '../../../lambda/core/canonical-json';
import { draw } from '../../../lambda/core/lottery';
import { nextPeriod, periodBounds } from '../../../lambda/core/period';
import { createDecisionsLegFinder } from '../../../lambda/privacy/legs';
import { createPrivacyApi, type PrivacyApi, type PrivacyDeps } from '../../../lambda/privacy/privacy';
import { createRecordingControl } from '../../../lambda/privacy/recording-control';
import { samplerPolicyEnvironment } from '../../../lambda/sampler/config';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import { type HeadSigner, type Publisher, s3Publisher } from '../../../lambda/shared/publication';
import { type LocalStack, localS3Client, recordingTablesOf, standInClients } from '../../local';
import { localHeadSigner } from '../../local/head-signer';
import { VersionedS3 } from '../../local/versioned-s3';
import { type BundledHandler, simulationBundle } from '../bundle';
import { ProcessEnv } from '../env';
import { SimRandom } from '../random';
import { type SimLeg, type SimulationContext, simulationPolicy } from '../run';
import type { AssignmentLine } from './model';
import type { SimCoach } from './people';
import { phaseLabel } from './timings';
import type { MonthOptions, MonthStats, PrivacyTiming } from './types';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const silent = { info() {}, warn() {}, error() {}, debug() {} };

export type ApiHandler = (event: unknown) => Promise<{ statusCode: number; body: string }>;

/** The listening functions the month runs as their deployed bundles (the sampler: runSimulation). */
export const BUNDLED = ['assignment', 'playback'] as const;

export interface MonthServices {
  readonly ddb: DynamoDBDocumentClient;
  readonly connect: ConnectClient;
  readonly privacy: PrivacyApi;
  /** The transparency bucket's client (the seed function publishes there). */
  readonly transparency: S3Client;
  /** Request ids the privacy API handed to the executor (an asynchronous invoke on AWS). */
  readonly executorQueue: string[];
}

export interface MonthRun {
  readonly options: MonthOptions;
  readonly period: string;
  readonly timezone: string;
  readonly start: Date;
  readonly end: Date;
  readonly next: string;
  readonly auditDir: string;
  readonly reportDir: string;
  readonly log: (message: string) => void;
  readonly bundles: Readonly<Record<(typeof BUNDLED)[number], BundledHandler>>;
  /** The environment of the bundled functions, restored when the phases end. */
  readonly env: ProcessEnv;
  /** Whether the agent suspends and resumes this (recorded, first-leg) call live. */
  readonly suspends: (contactId: string) => boolean;
  coaches: SimCoach[];
  /** The legs whose recording was started (set by the arrivals phase). */
  recorded: readonly SimLeg[];
  readonly handlers: { plans?: ApiHandler };
  readonly stats: MonthStats;
  readonly assignments: AssignmentLine[];
  readonly privacyTimings: PrivacyTiming[];
  readonly exportErrors: string[];
  generatedAt: string;
  services?: MonthServices;
  /** Things to close when the month ends (clients opened by a phase). */
  readonly closers: (() => void)[];
  readonly timeline: Timeline;
  readonly timings: Record<string, number>;
  readonly startedAt: number;
  readonly publication: MonthPublication;
  /** Records the wall-clock milliseconds since `since` under `name` (timings.json only). */
  lap(name: string, since: number): void;
}

/**
 * The audit bucket's publication, as deployed: write-once objects (If-None-Match) whose versions
 * keep their simulated creation time, and heads signed by a key pair standing in for KMS.
 */
export interface MonthPublication {
  readonly bucket: VersionedS3;
  readonly bucketName: string;
  readonly publisher: Publisher;
  readonly signer: HeadSigner;
  /** The policy document the sampler enforces (what the seed function publishes). */
  readonly policy: JsonObject;
  /** The instant of the seed run in progress (the first runs before the simulated clock starts). */
  seedRunAt?: number;
}

/** A phase of the month: runs after the calls, in the order runMonth lists them. */
export type MonthPhase = (m: MonthRun, ctx: SimulationContext) => Promise<void>;

/** Events of the rest of the month, run in simulated time order (ties: the order they were added). */
export class Timeline {
  private readonly events: { at: number; order: number; run: () => Promise<void> }[] = [];

  at(ms: number, run: () => Promise<void>): void {
    this.events.push({ at: ms, order: this.events.length, run });
  }

  get size(): number {
    return this.events.length;
  }

  async run(clock: SimulationContext['clock']): Promise<void> {
    const events = this.events.splice(0).sort((a, b) => a.at - b.at || a.order - b.order);
    for (const e of events) {
      clock.set(e.at);
      await e.run();
    }
  }
}

/** Runs every scheduled event of the month (arrivals, requests, seed runs, plans) in time order. */
export const runTimeline: MonthPhase = async (m, ctx) => {
  await m.timeline.run(ctx.clock);
};

/** Bundles the listening functions (in parallel) and sets up the month's shared state. */
export async function openMonth(options: MonthOptions): Promise<MonthRun> {
  const startedAt = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => {
    timings[name] = Math.round(performance.now() - since);
  };
  const built = await Promise.all(BUNDLED.map((n) => simulationBundle(n, options.prebuiltBundles)));
  lap('bundle', startedAt);
  const period = options.month;
  const timezone = options.policy.timezone;
  const { start, end } = periodBounds(period, timezone);
  // About six recorded first legs per month are suspended and resumed live (a share scaled to the
  // month's recording capacity), chosen by a seeded hash of the contact id: the set depends on
  // the decisions only, never on how calls interleave.
  const suspensionSeed = new Uint8Array(
    createHash('sha256').update(`fairlisten-sim-suspensions|${options.seed}`).digest(),
  );
  const suspensionShare = Math.min(0.5, 6 / (options.agents * options.policy.maxRecordingsPerAgentPerMonth));
  const bucketName = 'fairlisten-audit-local';
  const bucket = new VersionedS3(bucketName, {
    clock: () => (publication.seedRunAt !== undefined ? new Date(publication.seedRunAt) : new Date()),
  });
  const publication: MonthPublication = {
    bucket,
    bucketName,
    publisher: s3Publisher(bucket.client, bucketName),
    signer: localHeadSigner(),
    policy: JSON.parse(samplerPolicyEnvironment(simulationPolicy(options))) as JsonObject,
  };
  return {
    options,
    period,
    timezone,
    start,
    end,
    next: nextPeriod(period),
    auditDir: join(options.outDir, 'audit'),
    reportDir: options.reportDir ?? options.outDir,
    log: options.log ?? (() => undefined),
    bundles: Object.fromEntries(BUNDLED.map((n, i) => [n, built[i]!])) as MonthRun['bundles'],
    env: new ProcessEnv(),
    suspends: (contactId) => draw(suspensionSeed, contactId) < suspensionShare,
    coaches: [],
    recorded: [],
    handlers: {},
    stats: {
      recordedLegs: 0,
      ingested: 0,
      unauthorizedDeleted: 0,
      suspensions: [],
      requests: [],
      plan: undefined,
      assignment: { outcome: 'not-run', listens: 0, missingListens: 0 },
      plays: { ok: 0, refused: 0, audited: 0 },
      evaluations: 0,
      exportedFiles: 0,
    },
    assignments: [],
    privacyTimings: [],
    exportErrors: [],
    generatedAt: '',
    closers: [() => publication.bucket.client.destroy()],
    timeline: new Timeline(),
    publication,
    timings,
    startedAt,
    lap,
  };
}

/** Runs the phases after the calls; the functions' environment is restored whatever happens. */
export async function runPhases(
  m: MonthRun,
  ctx: SimulationContext,
  phases: readonly MonthPhase[],
): Promise<void> {
  const t = performance.now();
  servicesOf(m, ctx.stack);
  try {
    for (const phase of phases) {
      const started = performance.now();
      await phase(m, ctx);
      m.lap(`after-calls/${phaseLabel(phase)}`, started);
    }
  } finally {
    m.env.restore();
  }
  m.lap('after-calls', t);
}

/** Closes the clients and removes the bundles; also on failure. */
export async function closeMonth(m: MonthRun): Promise<void> {
  m.env.restore();
  for (const close of m.closers.splice(0)) close();
  await Promise.all(
    Object.values(m.bundles).map((b) =>
      b.tempDir ? rm(b.tempDir, { recursive: true, force: true }) : undefined,
    ),
  );
}

/**
 * The clients and the privacy API on the running stand-ins, opened at first use: live privacy
 * actions need them during the calls, before `afterCalls`.
 */
export function servicesOf(m: MonthRun, stack: LocalStack): MonthServices {
  if (m.services) return m.services;
  const { policy, seed } = m.options;
  const { ddb, connect } = standInClients(stack);
  const executorQueue: string[] = [];
  const ids = new SimRandom(seed, 'privacy-ids');
  const privacy = createPrivacyApi({
    ddb,
    tables: recordingTablesOf(stack.tables),
    identity: policy.identity,
    recordingControl: createRecordingControl({
      connect,
      instanceId: stack.connect.standIn.instanceId,
      findCurrentLeg: createDecisionsLegFinder({ ddb, decisionsTable: stack.tables.decisions! }),
    }),
    // The asynchronous Lambda invoke of the executor: queued, run right after the answer.
    executor: {
      async invoke(requestId) {
        executorQueue.push(requestId);
      },
    },
    audit: createAuditLog({
      client: ddb,
      tableName: stack.tables.audit!,
      retentionDays: policy.auditRetentionDays,
    }),
    requestRetentionDays: policy.auditRetentionDays,
    logger: silent as unknown as PrivacyDeps['logger'],
    newRequestId: () => ids.uuid(),
  });
  const transparency = localS3Client(stack.s3.endpoint);
  const config = transparency.config as { systemClockOffset?: number };
  // s3rver answers with the real time in its Date header but checks signatures against the
  // (simulated) global clock: keep the SDK from "correcting" its clock towards the header.
  transparency.middlewareStack.add(
    (next) => (args) => {
      config.systemClockOffset = 0;
      return next(args);
    },
    { step: 'initialize', name: 'simulatedClockNoSkew' },
  );
  m.closers.push(
    () => connect.destroy(),
    () => transparency.destroy(),
  );
  m.services = { ddb, connect, privacy, transparency, executorQueue };
  return m.services;
}
