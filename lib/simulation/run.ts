/**
 * `runSimulation`: one simulated month of calls through the bundled sampler handler (the code that
 * goes to Lambda), against dynalite, s3rver and the Connect stand-in, with a simulated clock.
 *
 * Deterministic: every random choice comes from `--seed`, calls of one agent are decided one at a
 * time in time order (an agent takes one call at a time), and calls in flight together always belong
 * to different agents — so concurrency never changes an outcome and the same seed gives byte-identical
 * files. Later issues add their own activity to the same month through `hooks`.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DecisionRecord } from '../../lambda/core/decision';
import { commitment as commitmentOf } from '../../lambda/core/lottery';
import { isPeriod, periodBounds } from '../../lambda/core/period';
import { samplerEnvironment } from '../../lambda/sampler/config';
import { scanAll } from '../../lambda/shared/dynamo';
import type { SeedItem } from '../../lambda/shared/seed-item';
import { type HierarchyGroupSeed, type LocalStack, startLocalStack, type UserSeed } from '../local';
import type { RecordingPolicy } from '../policy/schema';
import { type BundledHandler, cdkOutAsset, simulationBundle } from './bundle';
import { installSimulatedClock, type SimulatedClock } from './clock';
import { loadHandler, ProcessEnv } from './env';
import {
  decisionsJsonl,
  jsonFile,
  type RevealedSeed,
  seedsFile,
  sortDecisions,
  toDecisionRecord,
} from './output';
import { SimRandom } from './random';

const DAY_MS = 86_400_000;
const REGION = 'eu-central-1';
const ACCOUNT = '000000000000';

export interface SimulationHooks {
  /** After the stand-ins, tables, seeds and Connect users exist, before the first call. */
  beforeCalls?(ctx: SimulationContext): Promise<void> | void;
  /** After every call was decided, before the outputs are written and the stand-ins stopped. */
  afterCalls?(ctx: SimulationContext): Promise<void> | void;
  /** After the output files are written, before the stand-ins stop (their tables still hold the month). */
  beforeStop?(stack: LocalStack): Promise<void> | void;
  /**
   * Stores the month's seed instead of the direct put (e.g. through the seed function's
   * `rotateSeeds`); the sampler needs the item with a `committedAt` before the month starts.
   */
  commitSeed?(stack: LocalStack, item: SeedItem): Promise<void>;
  /** After the sampler answered for a leg, while the call is still live (before the stand-in ends it). */
  onDecided?(ctx: SimulationContext, leg: SimLeg, answer: Record<string, string>): Promise<void> | void;
}

export interface SimulationOptions {
  readonly agents: number;
  readonly teams: number;
  /** Calls (first legs); transfers add second legs. */
  readonly calls: number;
  /** The simulated period, YYYY-MM. */
  readonly month: string;
  /** Any string: the same seed gives the same month, byte for byte. */
  readonly seed: string;
  /** The policy; its excludedAgents are extended with the simulated excluded agents. */
  readonly policy: RecordingPolicy;
  /** @default - no files written */
  readonly outDir?: string;
  /** Calls in flight at once (always of different agents). @default 8 */
  readonly concurrency?: number;
  /** Share of callers who object to recording. @default 0.03 */
  readonly objectionRate?: number;
  /** Share of calls transferred to another agent. @default 0.05 */
  readonly transferRate?: number;
  /** Run the sampler asset of `cdk.out` instead of bundling the source. @default false */
  readonly fromCdkOut?: boolean;
  /**
   * A directory of handler bundles already built from the source with the deployed options
   * (`<dir>/<fn>/index.mjs`, as `bundleAllHandlers` writes them), used instead of bundling each
   * function for this month: tests that simulate many months bundle once per run.
   * @default - every function the month runs is bundled from the source
   */
  readonly prebuiltBundles?: string;
  /** Called every few hundred legs (and at the end). */
  readonly progress?: (done: number, total: number) => void;
  readonly hooks?: SimulationHooks;
  /** More Connect users and hierarchy groups (e.g. coaches in `Coaches` groups below their team). */
  readonly connectExtras?: (plan: { teams: readonly SimTeam[] }) => {
    users?: readonly UserSeed[];
    hierarchyGroups?: readonly HierarchyGroupSeed[];
  };
  /** Powertools log level of the handler (its logs go to stdout). @default 'SILENT' */
  readonly handlerLogLevel?: string;
}

export interface SimAgent {
  readonly id: string;
  readonly arn: string;
  readonly username: string;
  readonly teamId: string;
  readonly excluded: boolean;
  /** Relative call volume (Zipf-like). */
  readonly weight: number;
}

export interface SimTeam {
  readonly id: string;
  readonly name: string;
}

export interface SimLeg {
  readonly contactId: string;
  readonly initialContactId?: string;
  /** The leg this one was transferred from. */
  readonly previousContactId?: string;
  readonly agent: SimAgent;
  readonly queueId: string;
  readonly at: number;
  readonly callerObjected: boolean;
  /** Whether this leg is transferred afterwards (the stand-in ends it only then). */
  readonly transferred: boolean;
}

export interface SimulationContext {
  readonly stack: LocalStack;
  readonly clock: SimulatedClock;
  /** The effective policy (simulated excluded agents included). */
  readonly policy: RecordingPolicy;
  readonly period: string;
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly agents: readonly SimAgent[];
  readonly teams: readonly SimTeam[];
  readonly legs: readonly SimLeg[];
  readonly seed: string;
}

export interface SimulationSummary {
  period: string;
  seed: string;
  policyVersion: string;
  calls: number;
  legs: number;
  decisions: number;
  recorded: number;
  /** recorded / decisions. */
  recordedRate: number;
  byReason: Record<string, number>;
  teams: { teamId: string; name: string; agents: number; decided: number; recorded: number }[];
  agents: { agentId: string; teamId: string; excluded: boolean; decided: number; recorded: number }[];
}

export interface SimulationResult {
  readonly decisions: DecisionRecord[];
  readonly seeds: Record<string, RevealedSeed>;
  readonly summary: SimulationSummary;
  readonly policy: RecordingPolicy;
  /** Files written (absolute paths), when `outDir` was given. */
  readonly files: string[];
  readonly handlerSource: BundledHandler['source'];
}

/** The period seed the simulation uses: SHA-256("fairlisten-sim|" + seed + "|" + period). */
export function simulationSeed(seed: string, period: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`fairlisten-sim|${seed}|${period}`).digest());
}

function validate(o: SimulationOptions): void {
  const whole = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`${name} must be a whole number ${min}..${max}, got ${v}`);
  };
  whole('agents', o.agents, 2, 100_000);
  whole('teams', o.teams, 1, o.agents);
  whole('calls', o.calls, 1, 1_000_000);
  whole('concurrency', o.concurrency ?? 8, 1, 256);
  if (!isPeriod(o.month)) throw new Error(`month must be YYYY-MM, got ${JSON.stringify(o.month)}`);
  if (o.seed === '') throw new Error('seed must not be empty');
}

/** Agents, teams and legs of the month, from the seed alone. */
export function planMonth(
  o: SimulationOptions,
  timezone: string,
): { agents: SimAgent[]; teams: SimTeam[]; legs: SimLeg[]; instanceId: string; queues: string[] } {
  const ids = new SimRandom(o.seed, 'ids');
  const instanceId = ids.uuid();
  const arnPrefix = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${instanceId}`;
  const teams: SimTeam[] = Array.from({ length: o.teams }, (_, i) => ({
    id: ids.uuid(),
    name: `team-${String(i + 1).padStart(2, '0')}`,
  }));
  const queues = Array.from({ length: 3 }, () => ids.uuid());
  const excludedCount = o.agents >= 10 ? Math.max(1, Math.round(o.agents * 0.03)) : 1;
  const rnd = new SimRandom(o.seed, 'agents');
  // Zipf-like volumes (s = 0.8), shuffled so volume does not follow the agent number.
  const ranks = Array.from({ length: o.agents }, (_, i) => i);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = rnd.int(i + 1);
    [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
  }
  const agents: SimAgent[] = Array.from({ length: o.agents }, (_, i) => {
    const id = ids.uuid();
    return {
      id,
      arn: `${arnPrefix}/agent/${id}`,
      username: `agent-${String(i + 1).padStart(4, '0')}`,
      teamId: teams[i % teams.length]!.id,
      excluded: i < excludedCount,
      weight: 1 / (ranks[i]! + 1) ** 0.8,
    };
  });
  const cumulative: number[] = [];
  agents.reduce((sum, a) => {
    cumulative.push(sum + a.weight);
    return sum + a.weight;
  }, 0);

  const { start, end } = periodBounds(o.month, timezone);
  const startMs = start.getTime();
  const span = end.getTime() - startMs - 2 * 3_600_000; // the last transfer leg stays in the month
  const hourOf = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: 'numeric',
    hourCycle: 'h23',
    weekday: 'short',
  });
  const calls = new SimRandom(o.seed, 'calls');
  const legs: SimLeg[] = [];
  const objection = o.objectionRate ?? 0.03;
  const transfer = o.transferRate ?? 0.05;
  for (let i = 0; i < o.calls; i++) {
    // Mostly office hours on weekdays; a few calls at any time.
    let at = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      at = startMs + 1000 * Math.floor((calls.next() * span) / 1000);
      const parts = hourOf.formatToParts(at);
      const hour = Number(parts.find((p) => p.type === 'hour')?.value);
      const weekday = parts.find((p) => p.type === 'weekday')?.value;
      const office = hour >= 8 && hour < 19 && weekday !== 'Sat' && weekday !== 'Sun';
      if (office || calls.chance(0.08)) break;
    }
    const agent = agents[calls.weighted(cumulative)]!;
    const contactId = ids.uuid();
    const queueId = queues[calls.int(queues.length)]!;
    const callerObjected = calls.chance(objection);
    const transferred = calls.chance(transfer);
    legs.push({ contactId, agent, queueId, at, callerObjected, transferred });
    if (transferred) {
      let other = agents[calls.weighted(cumulative)]!;
      if (other.id === agent.id) other = agents[(agents.indexOf(agent) + 1) % agents.length]!;
      legs.push({
        contactId: ids.uuid(),
        initialContactId: contactId,
        previousContactId: contactId,
        agent: other,
        queueId,
        at: at + 60_000 * (2 + calls.int(14)),
        callerObjected,
        transferred: false,
      });
    }
  }
  legs.sort((a, b) => a.at - b.at || (a.contactId < b.contactId ? -1 : 1));
  return { agents, teams, legs, instanceId, queues };
}

type Handler = (
  event: unknown,
  context: { getRemainingTimeInMillis(): number },
) => Promise<Record<string, string>>;

/** The effective policy of a simulated month: the policy plus the simulated excluded agents. */
export function simulationPolicy(
  options: SimulationOptions,
  plan: ReturnType<typeof planMonth> = planMonth(options, options.policy.timezone),
): RecordingPolicy {
  const excluded = plan.agents.filter((a) => a.excluded).map((a) => a.id);
  return {
    ...options.policy,
    excludedAgents: [...new Set([...options.policy.excludedAgents, ...excluded])].sort(),
  };
}

/** Runs the month; stops every stand-in and restores the clock and environment, also on failure. */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  validate(options);
  const period = options.month;
  const plan = planMonth(options, options.policy.timezone);
  const policy = simulationPolicy(options, plan);
  const instanceArn = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${plan.instanceId}`;
  const { start, end } = periodBounds(period, policy.timezone);

  let bundle: BundledHandler | undefined;
  let stack: LocalStack | undefined;
  let clock: SimulatedClock | undefined;
  const processEnv = new ProcessEnv();
  try {
    bundle = options.fromCdkOut
      ? cdkOutAsset('sampler')
      : await simulationBundle('sampler', options.prebuiltBundles);
    if (!bundle) throw new Error('cdk.out has no sampler asset: run `npx cdk synth` first');
    const extras = options.connectExtras?.({ teams: plan.teams }) ?? {};
    stack = await startLocalStack({
      buckets: ['transparency'],
      // The month keeps client and server busy for minutes: one core each.
      dynamoThread: true,
      connectState: {
        instanceId: plan.instanceId,
        users: [
          ...plan.agents.map((a) => ({ id: a.id, username: a.username, hierarchyGroupId: a.teamId })),
          ...(extras.users ?? []),
        ],
        hierarchyGroups: [
          ...plan.teams.map((t) => ({ id: t.id, name: t.name, level: 1 as const })),
          ...(extras.hierarchyGroups ?? []),
        ],
      },
    });
    const ddb = DynamoDBDocumentClient.from(stack.dynamo.client);

    // The seed, stored as the seed function would have: committed the day before the month.
    const seed = simulationSeed(options.seed, period);
    const committedAt = new Date(start.getTime() - DAY_MS).toISOString();
    const seedItem: SeedItem = {
      period,
      seed: Buffer.from(seed).toString('hex'),
      commitment: commitmentOf(seed),
      createdAt: committedAt,
      committedAt,
    };
    if (options.hooks?.commitSeed) await options.hooks.commitSeed(stack, seedItem);
    else await ddb.send(new PutCommand({ TableName: stack.tables.seeds!, Item: seedItem }));

    // The handler's environment, set before its module is loaded (it reads it at init).
    const env: Record<string, string> = {
      ...stack.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: options.handlerLogLevel ?? 'SILENT',
      POWERTOOLS_SERVICE_NAME: 'fairlisten-sampler',
      ...samplerEnvironment(
        {
          decisionsTable: stack.tables.decisions!,
          quotasTable: stack.tables.quotas!,
          reservationsTable: stack.tables.reservations!,
          seedsTable: stack.tables.seeds!,
          instanceId: plan.instanceId,
        },
        policy,
      ),
    };
    const handler = await loadHandler<Handler>(processEnv, bundle, env);

    clock = installSimulatedClock(start.getTime());
    const ctx: SimulationContext = {
      stack,
      clock,
      policy,
      period,
      instanceId: plan.instanceId,
      instanceArn,
      agents: plan.agents,
      teams: plan.teams,
      legs: plan.legs,
      seed: options.seed,
    };
    await options.hooks?.beforeCalls?.(ctx);
    await playLegs(ctx, handler, options.concurrency ?? 8, options.progress, options.hooks?.onDecided);
    await options.hooks?.afterCalls?.(ctx);
    clock.restore();

    const decisions = sortDecisions(
      (await scanAll(ddb, { TableName: stack.tables.decisions!, ConsistentRead: true })).map(
        toDecisionRecord,
      ),
    );
    // The seed as stored (a hook may have revealed it through the seed function); else revealed
    // the day after the month, as the seed function would.
    const stored = (
      await ddb.send(
        new GetCommand({ TableName: stack.tables.seeds!, Key: { period }, ConsistentRead: true }),
      )
    ).Item as SeedItem | undefined;
    const revealed = stored?.revealedAt && stored.seed === seedItem.seed ? stored : undefined;
    const seeds = seedsFile([
      revealed ?? { ...seedItem, revealedAt: new Date(end.getTime() + DAY_MS).toISOString() },
    ]);
    const summary = summarize(options, policy, plan, decisions);

    const files: string[] = [];
    if (options.outDir) {
      await mkdir(options.outDir, { recursive: true });
      const write = async (name: string, text: string) => {
        const file = join(options.outDir!, name);
        await writeFile(file, text);
        files.push(file);
      };
      await write('decisions.jsonl', decisionsJsonl(decisions));
      await write('seeds.json', jsonFile(seeds));
      await write('summary.json', jsonFile(summary));
      const { $schema: _schema, ...policyFile } = policy as RecordingPolicy & { $schema?: string };
      await write('policy.json', jsonFile(policyFile));
    }
    await options.hooks?.beforeStop?.(stack);
    return { decisions, seeds, summary, policy, files, handlerSource: bundle.source };
  } finally {
    clock?.restore();
    processEnv.restore();
    await stack?.stop();
    if (bundle?.tempDir) await rm(bundle.tempDir, { recursive: true, force: true });
  }
}

/** The contact-flow event the whisper flow sends for a leg. */
export function whisperEvent(
  ctx: Pick<SimulationContext, 'instanceArn'>,
  leg: SimLeg,
): Record<string, unknown> {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: { fairlistenCallerObjected: leg.callerObjected ? 'true' : 'false' },
        Channel: 'VOICE',
        ContactId: leg.contactId,
        InitialContactId: leg.initialContactId ?? leg.contactId,
        PreviousContactId: leg.previousContactId ?? leg.contactId,
        InitiationMethod: leg.previousContactId ? 'TRANSFER' : 'INBOUND',
        InstanceARN: ctx.instanceArn,
        Queue: { ARN: `${ctx.instanceArn}/queue/${leg.queueId}`, Name: 'fairlisten' },
      },
      Parameters: { agentArn: leg.agent.arn },
    },
  };
}

/**
 * Invokes the handler for every leg in time order: at most `concurrency` in flight, never two of the
 * same agent, a transferred leg only after its first leg was decided.
 */
async function playLegs(
  ctx: SimulationContext,
  handler: Handler,
  concurrency: number,
  progress?: (done: number, total: number) => void,
  onDecided?: SimulationHooks['onDecided'],
): Promise<void> {
  const { standIn } = ctx.stack.connect;
  const busy = new Map<string, Promise<void>>();
  const legDone = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const total = ctx.legs.length;
  let done = 0;
  let failure: unknown;
  for (const leg of ctx.legs) {
    if (failure) break;
    const waits: Promise<void>[] = [];
    const agentBusy = busy.get(leg.agent.id);
    if (agentBusy) waits.push(agentBusy);
    if (leg.previousContactId) {
      const first = legDone.get(leg.previousContactId);
      if (first) waits.push(first);
    }
    if (waits.length > 0) await Promise.all(waits);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);

    ctx.clock.set(leg.at);
    if (leg.previousContactId) {
      standIn.transferContact(leg.previousContactId, {
        id: leg.contactId,
        agentId: leg.agent.id,
        queueId: leg.queueId,
      });
    } else {
      standIn.addContact({
        id: leg.contactId,
        agentId: leg.agent.id,
        queueId: leg.queueId,
        initiatedAt: new Date(leg.at),
      });
    }
    const budgetStart = performance.now();
    // Synchronously, before any await: the handler reads the (simulated) decision instant now.
    const answer = handler(whisperEvent(ctx, leg), {
      // Generous on purpose: the simulation models decisions, not Lambda timeouts.
      getRemainingTimeInMillis: () => 10_000 - (performance.now() - budgetStart),
    });
    const p: Promise<void> = answer
      .then(async (a) => {
        if (a.record !== 'true' && a.record !== 'false') throw new Error(`bad answer ${JSON.stringify(a)}`);
        if (onDecided) await onDecided(ctx, leg, a);
        if (!leg.transferred) standIn.endContact(leg.contactId);
      })
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => {
        inFlight.delete(p);
        if (busy.get(leg.agent.id) === p) busy.delete(leg.agent.id);
        done++;
        if (progress && (done % 500 === 0 || done === total)) progress(done, total);
      });
    inFlight.add(p);
    busy.set(leg.agent.id, p);
    legDone.set(leg.contactId, p);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
}

function summarize(
  o: SimulationOptions,
  policy: RecordingPolicy,
  plan: ReturnType<typeof planMonth>,
  decisions: readonly DecisionRecord[],
): SimulationSummary {
  const byReason: Record<string, number> = {};
  const perAgent = new Map(plan.agents.map((a) => [a.id, { decided: 0, recorded: 0 }]));
  let recorded = 0;
  for (const d of decisions) {
    byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
    const a = perAgent.get(d.agentId);
    if (a) {
      a.decided++;
      if (d.recorded) a.recorded++;
    }
    if (d.recorded) recorded++;
  }
  const agents = plan.agents
    .map((a) => ({ agentId: a.id, teamId: a.teamId, excluded: a.excluded, ...perAgent.get(a.id)! }))
    .sort((x, y) => (x.agentId < y.agentId ? -1 : 1));
  const teams = plan.teams.map((t) => {
    const members = agents.filter((a) => a.teamId === t.id);
    return {
      teamId: t.id,
      name: t.name,
      agents: members.length,
      decided: members.reduce((s, a) => s + a.decided, 0),
      recorded: members.reduce((s, a) => s + a.recorded, 0),
    };
  });
  return {
    period: o.month,
    seed: o.seed,
    policyVersion: policy.version,
    calls: o.calls,
    legs: plan.legs.length,
    decisions: decisions.length,
    recorded,
    recordedRate: decisions.length === 0 ? 0 : recorded / decisions.length,
    byReason: Object.fromEntries(Object.entries(byReason).sort(([a], [b]) => (a < b ? -1 : 1))),
    teams,
    agents,
  };
}
