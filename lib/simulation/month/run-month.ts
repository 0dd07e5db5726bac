import { createHash } from 'node:crypto';
/**
 * `runMonth`: the whole month, locally, end to end (issue #5 §7, issue #6 §1). Around
 * `runSimulation` (the calls through the bundled sampler), through its hooks and with the local
 * stand-ins still running:
 *
 *  1. seeds: the seed function's `rotateSeeds` commits the month's seed the day before it starts,
 *     the next month's before the month ends, and reveals the month's the day after it ends
 *     (audit chain `seeds`, transparency objects in the transparency bucket);
 *  2. during calls: a few agents suspend and resume their live recording through the privacy API
 *     (against the Connect stand-in);
 *  3. after the calls, in simulated time order: Connect writes a small WAV for every recorded leg
 *     (plus unauthorized files) → ingest; deletion and redaction requests in both arrival orders;
 *     a coaching plan proposed by a coach and approved by the DPO;
 *  4. after the reveal: the assignment, listens through playback (audit first, presigned URL), a
 *     few evaluations, then the audit export to `DIR/audit/`.
 * Then `verify`, `audit verify`, `DIR/month.json` and the transparency reports.
 *
 * Which code runs: the sampler, assignment, playback and coaching functions run as their esbuild
 * bundles (the deployed code, driven by environment and event). Seeds, ingest, recording actions,
 * privacy and audit export run their injected cores with the deps the handlers build: seeds needs
 * deterministic randomness (the handler uses crypto.randomBytes); ingest and the recording actions
 * need a versioned bucket (s3rver has no versioning: lib/local/versioned-s3.ts is an in-process
 * client); privacy hands work to the recording actions through a Lambda invoke, done in process
 * here; the export writes to a directory target instead of the Object Lock bucket.
 *
 * Deterministic: same options → byte-identical decisions.jsonl, assignments.jsonl and month.json.
 * Wall-clock measurements go to `timings.json` only.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConnectClient } from '@aws-sdk/client-connect';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { exportAudit } from '../../../lambda/audit-export/export';
import { directoryExportTarget } from '../../../lambda/audit-export/targets';
import type { DecisionRecord } from '../../../lambda/core/decision';
import { commitment as commitmentOf, draw, seedToHex } from '../../../lambda/core/lottery';
import { nextPeriod, periodBounds, periodOf, previousPeriod } from '../../../lambda/core/period';
import { ingestObject } from '../../../lambda/ingest/ingest';
import { createDecisionsLegFinder } from '../../../lambda/privacy/legs';
import { createPrivacyApi, type PrivacyDeps, ROUTE_KEYS } from '../../../lambda/privacy/privacy';
import { createRecordingControl } from '../../../lambda/privacy/recording-control';
import { type ActionDeps, applyRequest } from '../../../lambda/recording-actions/apply';
import type { SeedItem } from '../../../lambda/seeds/item';
import { rotateSeeds } from '../../../lambda/seeds/seeds';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import { createS3RecordingObjects } from '../../../lambda/shared/recording-objects';
import { createRecordingStore } from '../../../lambda/shared/recording-store';
import { verifyExport } from '../../cli/audit';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalStack, localS3Client } from '../../local';
import { VersionedS3 } from '../../local/versioned-s3';
import { writeTransparencyReport } from '../../transparency-report';
import { verifyDecisions } from '../../verify/verify';
import { type BundledHandler, bundleHandler } from '../bundle';
import { jsonFile, scanAll } from '../output';
import { SimRandom } from '../random';
import {
  planMonth,
  runSimulation,
  type SimLeg,
  type SimulationContext,
  type SimulationOptions,
  type SimulationResult,
  simulationSeed,
} from '../run';
import { type AssignmentLine, buildMonthModel, type PlanOutcome, type RequestOutcome } from './model';
import { apiEvent, coachConnectState, type Persona, planCoaches, type SimCoach } from './people';
import { connectWav, recordingKey } from './wav';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RECORDINGS_BUCKET = 'fairlisten-recordings-local';
const RECORDING_PREFIX = 'connect/fairlisten/CallRecordings';
const KMS_KEY = `arn:aws:kms:${LOCAL_REGION}:000000000000:key/00000000-0000-4000-8000-000000000000`;
const PLAYS_PER_LISTEN = 2;
/** Seconds of audio per recording file (kept short: the month stays fast). */
const WAV_SECONDS = 3;

export interface MonthOptions extends Omit<SimulationOptions, 'outDir' | 'hooks' | 'connectExtras'> {
  readonly coaches: number;
  /** DIR: decisions.jsonl, seeds.json, summary.json, policy.json, assignments.jsonl, month.json, audit/. */
  readonly outDir: string;
  /** Where the transparency reports go. @default outDir */
  readonly reportDir?: string;
  /** Progress of the steps after the calls. */
  readonly log?: (message: string) => void;
}

export interface PrivacyTiming {
  kind: 'deletion' | 'redaction';
  arrival: 'request-first' | 'file-first';
  /** Simulated request → done. */
  simulatedMs: number | null;
  /** Wall-clock time of the code path that completed it (API + executor, or ingest). */
  realMs: number;
}

export interface MonthResult {
  readonly simulation: SimulationResult;
  readonly period: string;
  readonly files: {
    decisions: string;
    seeds: string;
    assignments: string;
    month: string;
    audit: string;
    timings: string;
    reports: { fr: { html: string; csv: string }; en: { html: string; csv: string } };
  };
  readonly stats: {
    recordedLegs: number;
    ingested: number;
    unauthorizedDeleted: number;
    suspensions: { contactId: string; suspend: number; resume: number; connectEvents: string[] }[];
    requests: RequestOutcome[];
    plan: PlanOutcome | undefined;
    assignment: { outcome: string; listens: number; missingListens: number };
    plays: { ok: number; refused: number; audited: number };
    evaluations: number;
    exportedFiles: number;
  };
  readonly verification: {
    decisions: { ok: boolean; violations: number; decisions: number };
    audit: { ok: boolean; chains: number; records: number; issues: string[] };
  };
  readonly bundled: readonly string[];
  readonly timings: Record<string, number>;
}

type ApiHandler = (event: unknown) => Promise<{ statusCode: number; body: string }>;

const silent = { info() {}, warn() {}, error() {}, debug() {} };

/** Runs the month; everything started is stopped, also on failure. */
export async function runMonth(options: MonthOptions): Promise<MonthResult> {
  const log = options.log ?? (() => undefined);
  const period = options.month;
  const tz = options.policy.timezone;
  const { start, end } = periodBounds(period, tz);
  const next = nextPeriod(period);
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const lap = (name: string, since: number) => {
    timings[name] = Math.round(performance.now() - since);
  };

  let coaches: SimCoach[] = [];
  const bundles: Record<string, BundledHandler> = {};
  const state = {
    recordedLegs: 0,
    ingested: 0,
    unauthorizedDeleted: 0,
    suspensions: [] as MonthResult['stats']['suspensions'],
    requests: [] as RequestOutcome[],
    privacyTimings: [] as PrivacyTiming[],
    plan: undefined as PlanOutcome | undefined,
    assignment: { outcome: 'not-run', listens: 0, missingListens: 0 },
    assignments: [] as AssignmentLine[],
    plays: { ok: 0, refused: 0, audited: 0 },
    evaluations: 0,
    exportedFiles: 0,
    exportErrors: [] as string[],
    generatedAt: '',
  };
  const auditDir = join(options.outDir, 'audit');
  const reportDir = options.reportDir ?? options.outDir;

  // Bundles first (in parallel): the deployed code of the listening functions.
  let t = performance.now();
  const names = ['assignment', 'playback', 'plans'] as const;
  try {
    const built = await Promise.all(names.map((n) => bundleHandler(n)));
    names.forEach((n, i) => {
      bundles[n] = built[i]!;
    });
    lap('bundle', t);

    // Live-call privacy actions need the privacy API during the calls: built lazily on the stack.
    let privacy: ReturnType<typeof createPrivacyApi> | undefined;
    let connect: ConnectClient | undefined;
    let ddb: DynamoDBDocumentClient | undefined;
    const executorQueue: string[] = [];
    // About six recorded first legs per month are suspended and resumed live (a share scaled to the
    // month's recording capacity), chosen by a seeded hash of the contact id: the set depends on
    // the decisions only, never on how calls interleave.
    const suspensionSeed = new Uint8Array(
      createHash('sha256').update(`fairlisten-sim-suspensions|${options.seed}`).digest(),
    );
    const suspensionShare = Math.min(
      0.5,
      6 / (options.agents * options.policy.maxRecordingsPerAgentPerMonth),
    );
    const suspends = (contactId: string): boolean => draw(suspensionSeed, contactId) < suspensionShare;
    const identity = options.policy.identity;

    const setup = (stack: LocalStack) => {
      if (privacy) return;
      ddb = DynamoDBDocumentClient.from(stack.dynamo.client, {
        marshallOptions: { removeUndefinedValues: true },
      });
      connect = new ConnectClient({
        endpoint: stack.connect.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 2,
      });
      const ids = new SimRandom(options.seed, 'privacy-ids');
      privacy = createPrivacyApi({
        ddb,
        tables: {
          requests: stack.tables.requests!,
          recordings: stack.tables.recordings!,
          decisions: stack.tables.decisions!,
        },
        identity,
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
          retentionDays: options.policy.auditRetentionDays,
        }),
        requestRetentionDays: options.policy.auditRetentionDays,
        logger: silent as unknown as PrivacyDeps['logger'],
        newRequestId: () => ids.uuid(),
      });
    };

    let s3Client: S3Client | undefined;
    const transparencyClient = (stack: LocalStack): S3Client => {
      if (s3Client) return s3Client;
      s3Client = localS3Client(stack.s3.endpoint);
      const config = s3Client.config as { systemClockOffset?: number };
      // s3rver answers with the real time in its Date header but checks signatures against the
      // (simulated) global clock: keep the SDK from "correcting" its clock towards the header.
      s3Client.middlewareStack.add(
        (next) => (args) => {
          config.systemClockOffset = 0;
          return next(args);
        },
        { step: 'initialize', name: 'simulatedClockNoSkew' },
      );
      return s3Client;
    };

    const seedRun = async (stack: LocalStack, at: number) => {
      setup(stack);
      await rotateSeeds({
        ddb: ddb!,
        table: stack.tables.seeds!,
        audit: createAuditLog({
          client: ddb!,
          tableName: stack.tables.audit!,
          retentionDays: options.policy.auditRetentionDays,
          clock: () => new Date(at),
        }),
        transparency: { client: transparencyClient(stack), bucket: 'transparency' },
        timezone: tz,
        now: () => new Date(at),
        // The seed of the period being created: derived from --seed, as the sampler simulation's.
        randomBytes: () => simulationSeedOfNext(options.seed, at, tz),
        retentionDays: options.policy.auditRetentionDays,
        graceDays: 1,
        logger: silent,
      });
    };

    const simulation = await runSimulation({
      ...options,
      outDir: options.outDir,
      connectExtras: ({ teams }) => {
        coaches = planCoaches(options.seed, teams, options.coaches);
        return coachConnectState(coaches, teams);
      },
      hooks: {
        async commitSeed(stack, item: SeedItem) {
          // History: the previous month's seed, committed before it started (so the seed
          // function's check of the current period at the commit run finds it).
          setup(stack);
          const prev = previousPeriod(period);
          const prevSeed = simulationSeed(options.seed, prev);
          const prevStart = periodBounds(prev, tz).start.getTime();
          await ddb!.send(
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
          await seedRun(stack, Date.parse(item.committedAt!));
        },
        async onDecided(ctx, leg, answer) {
          if (answer.record !== 'true' || leg.transferred || leg.previousContactId) return;
          if (!suspends(leg.contactId)) return;
          const who: Persona = { role: 'agent', connectUserId: leg.agent.id };
          const params = { contactId: leg.contactId };
          const s = await privacy!.handle(apiEvent(identity, who, ROUTE_KEYS.suspend, params));
          const r = await privacy!.handle(apiEvent(identity, who, ROUTE_KEYS.resume, params));
          state.suspensions.push({
            contactId: leg.contactId,
            suspend: s.statusCode,
            resume: r.statusCode,
            connectEvents: ctx.stack.connect.standIn.recording(leg.contactId).events.map((e) => e.action),
          });
        },
        async afterCalls(ctx) {
          t = performance.now();
          setup(ctx.stack);
          await afterTheCalls(ctx);
          lap('after-calls', t);
        },
      },
    });
    lap('total-simulation', t0);

    async function afterTheCalls(ctx: SimulationContext): Promise<void> {
      const env = envTracker();
      try {
        await monthAfterCalls(ctx, env);
      } finally {
        env.restore();
      }
    }

    async function monthAfterCalls(
      ctx: SimulationContext,
      env: ReturnType<typeof envTracker>,
    ): Promise<void> {
      const { stack, clock, policy } = ctx;
      const db = ddb!;
      const privacyApi = privacy!;
      const s3 = new VersionedS3(RECORDINGS_BUCKET);
      const audit = createAuditLog({
        client: db,
        tableName: stack.tables.audit!,
        retentionDays: policy.auditRetentionDays,
      });
      const store = createRecordingStore({
        client: db,
        tables: {
          recordings: stack.tables.recordings!,
          requests: stack.tables.requests!,
          decisions: stack.tables.decisions!,
        },
        retentionDays: policy.retentionDays,
      });
      const objects = createS3RecordingObjects(s3.client, RECORDINGS_BUCKET, { kmsKeyId: KMS_KEY });
      const base: ActionDeps = { objects, store, audit, clock: () => new Date(), logger: silent };
      const ingestDeps: ActionDeps = { ...base, actor: 'function:ingest' };
      const actionDeps: ActionDeps = { ...base, actor: 'function:recording-actions' };

      const decided = new Map<string, Record<string, unknown>>();
      for (const item of await scanAll(db, stack.tables.decisions!))
        decided.set(String(item.contactId), item);
      const recorded = ctx.legs.filter((l) => decided.get(l.contactId)?.recorded === true);
      state.recordedLegs = recorded.length;

      // The timeline of the rest of the month, run in simulated time order.
      type Event = { at: number; order: number; run: () => Promise<void> };
      const events: Event[] = [];
      let order = 0;
      const at = (ms: number, run: () => Promise<void>) => events.push({ at: ms, order: order++, run });

      const durations = new SimRandom(options.seed, 'durations');
      const arrivalOf = new Map<string, number>();
      for (const leg of recorded)
        arrivalOf.set(leg.contactId, leg.at + (2 + durations.int(10)) * MINUTE + 30_000);

      const arrive = async (contactId: string, when: number) => {
        const key = recordingKey(RECORDING_PREFIX, contactId, new Date(when));
        const body = connectWav(WAV_SECONDS, `${options.seed}|${contactId}`);
        const versionId = s3.addVersion(key, body, {}, 'aws:kms');
        const t1 = performance.now();
        const outcome = await ingestObject(ingestDeps, {
          key,
          versionId,
          size: body.length,
          eventTime: new Date(when).toISOString(),
        });
        if (outcome.outcome === 'indexed') state.ingested++;
        else if (outcome.audited) state.unauthorizedDeleted++;
        return { outcome, realMs: performance.now() - t1 };
      };

      // Privacy requests: the handling agent asks for deletion or redaction, in both arrival orders.
      const pick = new SimRandom(options.seed, 'privacy');
      const pool = recorded.filter(
        (l) => l.at > start.getTime() + 2 * DAY && l.at < end.getTime() - 2 * DAY && !suspends(l.contactId),
      );
      const perKind = recorded.length >= 60 ? 2 : 1;
      type Plan = { leg: SimLeg; kind: 'deletion' | 'redaction'; arrival: 'request-first' | 'file-first' };
      const planned: Plan[] = [];
      for (let i = 0; i < perKind; i++) {
        for (const kind of ['deletion', 'redaction'] as const) {
          for (const arrival of ['request-first', 'file-first'] as const) {
            if (pool.length === 0) break;
            planned.push({ leg: pool.splice(pick.int(pool.length), 1)[0]!, kind, arrival });
          }
        }
      }
      const plannedOf = new Map(planned.map((p) => [p.leg.contactId, p]));
      const waiting = new Map<string, { outcome: RequestOutcome; startedMs: number }>();

      const request = async (p: Plan) => {
        const who: Persona = { role: 'agent', connectUserId: p.leg.agent.id };
        const params = { contactId: p.leg.contactId };
        const t1 = performance.now();
        const res =
          p.kind === 'deletion'
            ? await privacyApi.handle(
                apiEvent(identity, who, ROUTE_KEYS.deletion, params, { reason: 'personal matter discussed' }),
              )
            : await privacyApi.handle(
                apiEvent(identity, who, ROUTE_KEYS.redactions, params, {
                  ranges: [{ from: 0.5, to: 1.25 }],
                  channel: 'agent',
                  reason: 'health data mentioned',
                }),
              );
        if (res.statusCode !== 202)
          throw new Error(`privacy ${p.kind} answered ${res.statusCode}: ${res.body}`);
        const body = JSON.parse(res.body) as { requestId: string; status: string };
        const outcome: RequestOutcome = {
          kind: p.kind,
          arrival: p.arrival,
          contactId: p.leg.contactId,
          agentId: p.leg.agent.id,
          requestId: body.requestId,
          status: body.status as RequestOutcome['status'],
          requestedAt: new Date().toISOString(),
          proved: false,
        };
        state.requests.push(outcome);
        if (body.status === 'waiting-for-recording') {
          waiting.set(p.leg.contactId, { outcome, startedMs: t1 });
          return;
        }
        // The executor, invoked asynchronously by the API, starts a moment later.
        clock.set(clock.now() + 2000);
        for (const id of executorQueue.splice(0)) await applyRequest(actionDeps, id);
        await settle(outcome, who, performance.now() - t1);
      };

      const settle = async (outcome: RequestOutcome, who: Persona, realMs: number) => {
        const res = await privacyApi.handle(
          apiEvent(identity, who, ROUTE_KEYS.request, { requestId: outcome.requestId }),
        );
        const view = JSON.parse(res.body) as {
          status: RequestOutcome['status'];
          completedAt?: string;
          proof: { deleted: unknown[]; replaced: unknown[] } | null;
        };
        outcome.status = view.status;
        if (view.completedAt) outcome.completedAt = view.completedAt;
        outcome.proved = !!view.proof && view.proof.deleted.length + view.proof.replaced.length > 0;
        state.privacyTimings.push({
          kind: outcome.kind,
          arrival: outcome.arrival,
          simulatedMs: outcome.completedAt
            ? Date.parse(outcome.completedAt) - Date.parse(outcome.requestedAt)
            : null,
          realMs: Math.round(realMs),
        });
      };

      for (const leg of recorded) {
        const arrival = arrivalOf.get(leg.contactId)!;
        const p = plannedOf.get(leg.contactId);
        if (p?.arrival === 'request-first') at(leg.at + MINUTE, () => request(p));
        at(arrival, async () => {
          const { realMs } = await arrive(leg.contactId, arrival);
          const w = waiting.get(leg.contactId);
          if (w) {
            waiting.delete(leg.contactId);
            await settle(w.outcome, { role: 'agent', connectUserId: leg.agent.id }, realMs);
          }
        });
        if (p?.arrival === 'file-first') at(arrival + 2 * HOUR, () => request(p));
      }

      // Unauthorized recordings: a file for a contact that was not drawn, and one Connect cannot tie
      // to any decision (e.g. a recording started by hand in another flow).
      const notDrawn = ctx.legs.filter((l) => decided.get(l.contactId)?.reason === 'not-drawn');
      if (notDrawn.length > 0) {
        const leg = notDrawn[pick.int(notDrawn.length)]!;
        at(leg.at + 5 * MINUTE, async () => void (await arrive(leg.contactId, leg.at + 5 * MINUTE)));
      }
      const stray = new SimRandom(options.seed, 'stray').uuid();
      const strayAt = start.getTime() + 10 * DAY + 14 * HOUR;
      at(strayAt, async () => void (await arrive(stray, strayAt)));

      // The seed function's daily run before the month ends: commits the next month's seed.
      at(end.getTime() - DAY + 15 * MINUTE, () => seedRun(stack, clock.now()));

      // A coaching plan: proposed by a coach for an agent of another team, approved by the DPO.
      const plansHandler = await env.load<ApiHandler>(bundles.plans!, {
        PLANS_TABLE: stack.tables.plans!,
        LISTENING_TABLE: stack.tables.listening!,
        FAIRLISTEN_TIMEZONE: tz,
        AUDIT_RETENTION_DAYS: String(policy.auditRetentionDays),
        AUDIT_TABLE: stack.tables.audit!,
        COACHING_PLAN_LIMITS: JSON.stringify(policy.coachingPlan),
        ...identityEnv(policy),
      });
      const coach = coaches[0];
      const planAgent = coach
        ? ctx.agents.find(
            (a) => !a.excluded && a.teamId !== coach.teamId && recorded.some((l) => l.agent.id === a.id),
          )
        : undefined;
      if (coach && planAgent) {
        const proposeAt = start.getTime() + 17 * DAY + 9 * HOUR;
        let planId = '';
        const extra = Math.min(2, policy.coachingPlan.maxExtraListens);
        at(proposeAt, async () => {
          const res = await plansHandler(
            apiEvent(
              identity,
              { role: 'coach', connectUserId: coach.id },
              'POST /plans',
              {},
              {
                agentId: planAgent.id,
                reason: 'onboarding follow-up agreed with the agent in the annual review',
                extraListens: extra,
                endsAt: new Date(proposeAt + 20 * DAY).toISOString(),
              },
            ),
          );
          if (res.statusCode !== 201)
            throw new Error(`plan proposal answered ${res.statusCode}: ${res.body}`);
          planId = (JSON.parse(res.body) as { planId: string }).planId;
          state.plan = { label: 'plan-01', agentId: planAgent.id, extraListens: extra, status: 'proposed' };
        });
        at(proposeAt + 5 * HOUR, async () => {
          const res = await plansHandler(
            apiEvent(
              identity,
              { role: 'dpo', subject: 'dpo-1' },
              'POST /plans/{planId}/approval',
              { planId },
              {
                decision: 'approve',
              },
            ),
          );
          if (res.statusCode !== 200)
            throw new Error(`plan approval answered ${res.statusCode}: ${res.body}`);
          state.plan!.status = 'approved';
        });
      }

      events.sort((a, b) => a.at - b.at || a.order - b.order);
      log(`  ${recorded.length} recordings arrive, ${planned.length} privacy requests, 2 unauthorized files`);
      for (const e of events) {
        clock.set(e.at);
        await e.run();
      }

      // After the month: reveal (seed function), assignment, listens, evaluations, export.
      clock.set(end.getTime() + DAY + 15 * MINUTE);
      await seedRun(stack, clock.now());
      clock.set(end.getTime() + DAY + 2 * HOUR);
      const assign = await env.load<
        (e: unknown) => Promise<{ outcome: string; listens?: number; missingListens?: number }>
      >(bundles.assignment!, {
        LISTENING_TABLE: stack.tables.listening!,
        PLANS_TABLE: stack.tables.plans!,
        RECORDINGS_TABLE: stack.tables.recordings!,
        TRANSPARENCY_BUCKET: 'transparency',
        CONNECT_INSTANCE_ID: stack.connect.standIn.instanceId,
        TEAM_HIERARCHY_LEVEL: policy.connect.teamHierarchyLevel,
        COACH_HIERARCHY_GROUP_NAME: 'Coaches',
        LISTENING_POLICY: JSON.stringify({
          minPerAgent: policy.listensPerAgentPerMonth.min,
          maxPerAgent: policy.listensPerAgentPerMonth.max,
          maxPerCoach: policy.maxListensPerCoachPerMonth,
          maxExtraListens: policy.coachingPlan.maxExtraListens,
          timezone: tz,
          auditRetentionDays: policy.auditRetentionDays,
          playsPerListen: PLAYS_PER_LISTEN,
        }),
        AUDIT_TABLE: stack.tables.audit!,
        AUDIT_RETENTION_DAYS: String(policy.auditRetentionDays),
      });
      const report = await assign({ period });
      state.assignment = {
        outcome: report.outcome,
        listens: report.listens ?? 0,
        missingListens: report.missingListens ?? 0,
      };
      if (report.outcome !== 'assigned') throw new Error(`assignment of ${period}: ${report.outcome}`);
      const items = await queryAll(db, {
        TableName: stack.tables.listening!,
        KeyConditionExpression: 'period = :p AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':p': period, ':a': 'assign#' },
      });
      state.assignments = items
        .map((i) => ({
          period: String(i.period),
          contactId: String(i.contactId),
          agentId: String(i.agentId),
          agentTeam: String(i.agentTeam),
          coachId: String(i.coachId),
          coachTeam: String(i.coachTeam),
        }))
        .sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
      log(`  ${state.assignments.length} listens assigned; coaches play them in ${next}`);

      const playback = await env.load<ApiHandler>(bundles.playback!, {
        LISTENING_TABLE: stack.tables.listening!,
        RECORDINGS_TABLE: stack.tables.recordings!,
        RECORDINGS_BUCKET,
        PLAYBACK_URL_TTL_SECONDS: String(policy.playbackUrlTtlSeconds),
        AUDIT_TABLE: stack.tables.audit!,
        AUDIT_RETENTION_DAYS: String(policy.auditRetentionDays),
        ...identityEnv(policy),
      });
      const listens = new SimRandom(options.seed, 'listens');
      const nextStart = periodBounds(next, tz).start.getTime();
      const plays = state.assignments
        .filter(() => listens.chance(0.85))
        .map((a) => ({ a, at: nextStart + (2 + listens.int(18)) * DAY + (8 + listens.int(9)) * HOUR }))
        .sort((x, y) => x.at - y.at || (x.a.contactId < y.a.contactId ? -1 : 1));
      const evaluated = new Set<string>();
      for (const { a, at: when } of plays) {
        clock.set(when);
        const who: Persona = { role: 'coach', connectUserId: a.coachId };
        const res = await playback(
          apiEvent(identity, who, 'POST /recordings/{contactId}/playback', { contactId: a.contactId }),
        );
        if (res.statusCode !== 200) {
          state.plays.refused++;
          continue;
        }
        const answer = JSON.parse(res.body) as { url: string; audit: { seq: number } };
        state.plays.ok++;
        if (answer.audit.seq > 0 && answer.url.includes('X-Amz-Signature')) state.plays.audited++;
        // One evaluation per coach: scores after listening.
        if (!evaluated.has(a.coachId)) {
          evaluated.add(a.coachId);
          clock.set(when + 20 * MINUTE);
          const ev = await plansHandler(
            apiEvent(
              identity,
              who,
              'POST /assignments/{contactId}/evaluation',
              { contactId: a.contactId },
              {
                scores: { greeting: 4, needAnalysis: 3, solution: 4, clarity: 5, courtesy: 5, closing: 4 },
              },
            ),
          );
          if (ev.statusCode === 201 || ev.statusCode === 200) state.evaluations++;
          else throw new Error(`evaluation answered ${ev.statusCode}: ${ev.body}`);
        }
      }
      log(
        `  ${state.plays.ok} listens played (audit first, ${policy.playbackUrlTtlSeconds}-s URL), ${state.evaluations} evaluations`,
      );

      // The audit export, as the hourly function does, into DIR/audit/.
      clock.set(periodBounds(next, tz).start.getTime() + 24 * DAY);
      state.generatedAt = new Date().toISOString();
      await rm(auditDir, { recursive: true, force: true });
      const t1 = performance.now();
      const exported = await exportAudit({
        dynamo: db,
        auditTable: stack.tables.audit!,
        decisionsTable: stack.tables.decisions!,
        target: directoryExportTarget(auditDir),
        retentionDays: policy.auditRetentionDays,
        clock: () => new Date(),
        maxRecordsPerFile: 5000,
      });
      lap('audit-export', t1);
      state.exportedFiles = exported.files.length;
      state.exportErrors = [...exported.errors, ...exported.integrityIssues];
      log(
        `  audit export: ${exported.decisions.appended} decisions into their chains, ${exported.files.length} files`,
      );
      connect?.destroy();
      s3.client.destroy();
      s3Client?.destroy();
    }

    // Verify, month model, reports.
    const dir = options.outDir;
    const decisionsFile = join(dir, 'decisions.jsonl');
    const seedsFileName = join(dir, 'seeds.json');
    const verification = verifyDecisions({
      decisionsJsonl: simulation.decisions.map((d) => `${JSON.stringify(d)}\n`).join(''),
      seeds: simulation.seeds,
      policy: simulation.policy,
    });
    const auditReport = verifyExport(auditDir);
    const auditOk =
      auditReport.issues.length === 0 &&
      auditReport.verification.chains.length > 0 &&
      state.exportErrors.length === 0;
    const auditRecords = auditReport.verification.chains.reduce((s, c) => s + c.records, 0);
    const seed = simulation.seeds[period];
    if (!seed) throw new Error(`the seed of ${period} was not revealed`);

    await mkdir(dir, { recursive: true });
    const assignmentsFile = join(dir, 'assignments.jsonl');
    await writeFile(assignmentsFile, state.assignments.map((a) => `${JSON.stringify(a)}\n`).join(''));
    const month = buildMonthModel({
      period,
      generatedAt: state.generatedAt,
      policy: simulation.policy,
      teams: simulation.summary.teams.map((t) => ({ id: t.teamId, name: t.name })),
      agents: planMonth(options, options.policy.timezone).agents,
      coaches,
      decisions: simulation.decisions as DecisionRecord[],
      assignments: state.assignments,
      plans: state.plan ? [state.plan] : [],
      requests: [...state.requests].sort((a, b) =>
        a.requestedAt < b.requestedAt ? -1 : a.requestedAt > b.requestedAt ? 1 : 0,
      ),
      seed,
      verification: {
        decisions: { ok: verification.ok, violations: verification.violations.length },
        audit: { ok: auditOk, chains: auditReport.verification.chains.length, records: auditRecords },
      },
    });
    const monthFile = join(dir, 'month.json');
    await writeFile(monthFile, jsonFile(month));
    const fr = writeTransparencyReport(month, reportDir, 'fr');
    const en = writeTransparencyReport(month, reportDir, 'en');
    lap('total', t0);
    const timingsFile = join(dir, 'timings.json');
    await writeFile(timingsFile, jsonFile({ stepsMs: timings, privacyRequests: state.privacyTimings }));

    return {
      simulation,
      period,
      files: {
        decisions: decisionsFile,
        seeds: seedsFileName,
        assignments: assignmentsFile,
        month: monthFile,
        audit: auditDir,
        timings: timingsFile,
        reports: { fr, en },
      },
      stats: {
        recordedLegs: state.recordedLegs,
        ingested: state.ingested,
        unauthorizedDeleted: state.unauthorizedDeleted,
        suspensions: [...state.suspensions].sort((x, y) => (x.contactId < y.contactId ? -1 : 1)),
        requests: state.requests,
        plan: state.plan,
        assignment: state.assignment,
        plays: state.plays,
        evaluations: state.evaluations,
        exportedFiles: state.exportedFiles,
      },
      verification: {
        decisions: {
          ok: verification.ok,
          violations: verification.violations.length,
          decisions: verification.decisions,
        },
        audit: {
          ok: auditOk,
          chains: auditReport.verification.chains.length,
          records: auditRecords,
          issues: [...state.exportErrors, ...auditReport.issues.map((i) => i.message)],
        },
      },
      bundled: ['sampler', ...names],
      timings,
    };
  } finally {
    await Promise.all(
      Object.values(bundles).map((b) =>
        b.tempDir ? rm(b.tempDir, { recursive: true, force: true }) : undefined,
      ),
    );
  }
}

/** The seed function's randomness at `at`: the seed of the period it creates (the next one). */
function simulationSeedOfNext(seed: string, at: number, tz: string): Uint8Array {
  return simulationSeed(seed, nextPeriod(periodOf(new Date(at), tz)));
}

function identityEnv(policy: SimulationOptions['policy']): Record<string, string> {
  return {
    IDENTITY_GROUPS_CLAIM: policy.identity.groupsClaim,
    IDENTITY_CONNECT_USER_CLAIM: policy.identity.connectUserClaim,
    IDENTITY_GROUPS: JSON.stringify(policy.identity.groups),
  };
}

/**
 * Loads a bundled handler with its environment (read at module load and at each call, as on
 * Lambda). The variables stay set until `restore` of the returned tracker is called.
 */
function envTracker() {
  const saved = new Map<string, string | undefined>();
  return {
    async load<H>(bundle: BundledHandler, env: Record<string, string>): Promise<H> {
      for (const [k, v] of Object.entries(env)) {
        if (!saved.has(k)) saved.set(k, process.env[k]);
        process.env[k] = v;
      }
      const mod = (await import(`${pathToFileURL(bundle.file).href}?month=${Date.now()}`)) as { handler: H };
      return mod.handler;
    },
    restore() {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      saved.clear();
    },
  };
}

async function queryAll(
  db: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof QueryCommand>[0],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
