/**
 * What the sampler enforces, read from its deployed environment (FAIRLISTEN_POLICY, FAIRLISTEN_ALGORITHM), not
 * the policy file; which algorithm it runs, against the published algorithm files; and the seed schedule it
 * depends on.
 */
import { CALLER_OBJECTED_ATTRIBUTE as SAMPLER_OBJECTION_ATTRIBUTE } from '../../../lambda/core/decision';
import {
  CALLER_OBJECTED_VALUE,
  describeFlow,
  CALLER_OBJECTED_ATTRIBUTE as FLOW_OBJECTION_ATTRIBUTE,
  OBJECTION_KEY,
} from '../../flows';
import { ALGORITHM_VERSIONS } from '../../policy/schema';
import { deployedFlow } from '../flows';
import {
  ALGORITHM_ENV,
  type PublishedAlgorithm,
  type PublishedAlgorithms,
  readPublishedAlgorithms,
} from '../published';
import { isRecord, type StackView } from '../template';
import type { Check, CheckContext, Evidence } from '../types';
import {
  checkNames,
  ENV_PROPERTY,
  envProperty,
  ev,
  Findings,
  functionsWithEnv,
  HARD_LIMITS,
  policyNumber,
  samplerEnvironments,
} from './helpers';

function numericField(
  id: string,
  title: string,
  concern: 'C4' | 'C5',
  field: string,
  valid: (v: number) => string | undefined,
  alsoConcerns?: Check['alsoConcerns'],
): Check {
  return {
    id,
    title,
    concern,
    ...(alsoConcerns ? { alsoConcerns } : {}),
    run: (ctx) => {
      const f = new Findings();
      let n = 0;
      for (const stack of ctx.stacks) {
        for (const env of samplerEnvironments(stack, f)) {
          n++;
          const v = env.parsed[field];
          f.add(ev(stack, env.logicalId, `${ENV_PROPERTY}.${field}`, v ?? null, stack.roleOf(env.logicalId)));
          if (typeof v !== 'number') {
            f.problem(`${env.logicalId}: ${field} is ${JSON.stringify(v ?? null)}, not a number`);
            continue;
          }
          const bad = valid(v);
          if (bad) f.problem(`${env.logicalId}: ${field} ${v} ${bad}`);
          const declared = policyNumber(stack, field);
          if (declared !== undefined && declared !== v) {
            f.problem(
              `${env.logicalId}: deployed ${field} ${v} differs from the policy metadata (${declared})`,
            );
          }
        }
      }
      if (n === 0) f.problem('no function carries FAIRLISTEN_POLICY: the sampler is not deployed');
      return f;
    },
  };
}

export const samplingRate = numericField(
  'SAMPLING-RATE',
  `Deployed sampling rate is at most ${HARD_LIMITS.samplingRate.max} (industry 20–30 %, not 50 %)`,
  'C4',
  'samplingRate',
  (v) =>
    v <= 0 || v > HARD_LIMITS.samplingRate.max
      ? `is outside (0, ${HARD_LIMITS.samplingRate.max}] (C4)`
      : undefined,
  ['C1'],
);

const caps = HARD_LIMITS.maxRecordingsPerAgentPerMonth;
const capField = numericField('RECORDING-CAPS', '', 'C5', 'maxRecordingsPerAgentPerMonth', (v) =>
  !Number.isInteger(v) || v < caps.min || v > caps.max
    ? `is outside the hard limits ${caps.min}..${caps.max}`
    : undefined,
);

/**
 * A step that spreads an agent's recordings over the period: one that names pacing, or that decides with the
 * elapsed fraction of the period (a fixed cap alone could be spent in the month's first days).
 */
const PACING_STEP = /pacing|paces|elapsed fraction|working-time fraction/i;
/** Where each version's pacing rule is implemented. */
const PACING_CODE: Readonly<Record<string, string>> = {
  'fairlisten-lottery-v1': 'lambda/core/pacing.ts',
  'fairlisten-lottery-v2': 'lambda/core/fair-lottery.ts',
};

/** A published algorithm file, as evidence: its heading, text and SHA-256. */
const publishedEvidence = (p: PublishedAlgorithm, property: string, value: unknown): Evidence => ({
  logicalId: `(${p.file})`,
  property,
  value,
  note: `${p.file}:${p.line} sha256 ${p.sha256}`,
});

/** The deployed algorithm version of every sampler (FAIRLISTEN_ALGORITHM); missing ones are problems. */
function deployedAlgorithms(ctx: CheckContext, f: Findings) {
  const found = functionsWithEnv(ctx, 'function:sampler', ALGORITHM_ENV, f);
  for (const d of found) {
    f.add(ev(d.stack, d.logicalId, envProperty(ALGORITHM_ENV), d.value, 'algorithm the sampler runs'));
    if (typeof d.value !== 'string' || d.value === '')
      f.problem(`${d.logicalId}: ${ALGORITHM_ENV} is ${JSON.stringify(d.value)}, not a version name`);
  }
  return found;
}

/** The published algorithms; every file problem, or none published, is a problem of the check. */
function publishedOrProblem(read: () => PublishedAlgorithms, f: Findings): readonly PublishedAlgorithm[] {
  let published: PublishedAlgorithms;
  try {
    published = read();
  } catch (err) {
    f.problem(`cannot read the published algorithms: ${(err as Error).message}`);
    return [];
  }
  for (const p of published.problems) f.problem(p);
  return published.algorithms;
}

const versionsOf = (published: readonly PublishedAlgorithm[]) =>
  published.map((p) => p.version).join(', ') || 'none';

/**
 * Cap and pacing (C5, C7): the cap is a number of the deployed environment; the pacing rule is code, which a
 * template cannot show, so it is stated through the algorithm version the sampler runs — the published
 * algorithm whose pacing step spreads an agent's recordings over the month (version 1: "Pacing and
 * cap", the elapsed fraction; version 2: the probability that paces the slots on the working-time clock).
 */
export function recordingCapsCheck(read: () => PublishedAlgorithms = readPublishedAlgorithms): Check {
  return {
    id: 'RECORDING-CAPS',
    title: `Deployed per-agent monthly cap of recordings is within ${caps.min}..${caps.max}, paced over the month by the published algorithm (C5, C7: no unbounded or front-loaded targeting)`,
    concern: 'C5',
    alsoConcerns: ['C7'],
    run: (ctx) => {
      const cap = capField.run(ctx);
      const f = new Findings();
      for (const p of cap.problems) f.problem(p);
      for (const e of cap.evidence) f.add(e);
      const deployed = deployedAlgorithms(ctx, f);
      const published = publishedOrProblem(read, f);
      const versions = [...new Set(deployed.map((d) => d.value).filter((v) => typeof v === 'string'))];
      for (const version of versions) {
        const p = published.find((a) => a.version === version);
        if (!p) {
          const holders = deployed.filter((d) => d.value === version).map((d) => d.logicalId);
          f.problem(
            `${holders.join(', ')}: the sampler runs ${version}, which no published algorithm describes (published: ${versionsOf(published)}): its pacing is not the published one`,
          );
          continue;
        }
        const pacing = p.steps.filter((s) => PACING_STEP.test(s));
        if (pacing.length === 0)
          f.problem(
            `the published algorithm ${p.version} has no pacing step (none names pacing or the elapsed fraction of the period): the cap is not paced`,
          );
        for (const s of pacing) f.add(publishedEvidence(p, `${p.heading} (pacing step)`, s));
      }
      const capValue = cap.evidence.map((e) => e.value).join(', ');
      return {
        ...f,
        summary: `cap ${capValue || '?'} per agent per month, paced by the pacing step of ${versions.join(', ') || '?'} (code: ${versions.map((v) => PACING_CODE[v] ?? '?').join(', ') || '?'}; the template shows the version, not the code)`,
      };
    },
  };
}

export const recordingCaps = recordingCapsCheck();

/**
 * C6: the template names the algorithm the sampler runs, and a versioned file publishes it (as it does the
 * version this checkout's code implements). The evidence carries each published file's SHA-256.
 */
export function algorithmPublishedCheck(read: () => PublishedAlgorithms = readPublishedAlgorithms): Check {
  return {
    id: 'ALGORITHM-PUBLISHED',
    title:
      'The sampler deploys a published algorithm version (a versioned text anyone can re-implement, identified by its SHA-256)',
    concern: 'C6',
    run: (ctx) => {
      const f = new Findings();
      const deployed = deployedAlgorithms(ctx, f);
      const published = publishedOrProblem(read, f);
      for (const p of published) f.add(publishedEvidence(p, p.heading, p.text));
      for (const d of deployed) {
        if (typeof d.value === 'string' && d.value !== '' && !published.some((p) => p.version === d.value))
          f.problem(
            `${d.logicalId}: deployed algorithm ${d.value} is not published (published: ${versionsOf(published)})`,
          );
      }
      for (const version of ALGORITHM_VERSIONS)
        if (!published.some((p) => p.version === version))
          f.problem(
            `the code implements ${version}, which is not published (published: ${versionsOf(published)}; implemented: lib/policy/schema.ts ALGORITHM_VERSIONS)`,
          );
      const shown = published.map((p) => `${p.version} (${p.file}, sha256 ${p.sha256.slice(0, 12)}…)`);
      return {
        ...f,
        summary: `deployed ${[...new Set(deployed.map((d) => String(d.value)))].join(', ') || '?'}; published ${shown.join(', ') || 'none'}; code ${ALGORITHM_VERSIONS.join(', ')}`,
      };
    },
  };
}

export const algorithmPublished = algorithmPublishedCheck();

export const exclusions: Check = {
  id: 'EXCLUSIONS',
  title: 'Excluded agents and queues as deployed (informative)',
  concern: 'C7',
  run: (ctx) => {
    const f = new Findings();
    const counts: string[] = [];
    for (const stack of ctx.stacks) {
      for (const env of samplerEnvironments(stack, f)) {
        for (const field of ['excludedAgents', 'excludedQueues']) {
          const v = env.parsed[field];
          if (!Array.isArray(v)) {
            f.problem(`${env.logicalId}: ${field} is ${JSON.stringify(v ?? null)}, not a list`);
            continue;
          }
          counts.push(`${v.length} ${field}`);
          f.add(ev(stack, env.logicalId, `${ENV_PROPERTY}.${field}`, v.length, `${v.length} configured`));
        }
      }
    }
    return { ...f, summary: counts.join(', ') || 'none' };
  },
};

/**
 * The caller's objection reaches the sampler: the attribute the deployed inbound flow sets when the caller
 * presses the objection key is the one the sampler reads (lambda/core/decision.ts). The flow side comes from the
 * template; the sampler side is code (the template cannot show it), cross-checked here.
 */
export const samplerReadsObjection: Check = {
  id: 'SAMPLER-READS-OBJECTION',
  title: 'The sampler reads the very attribute the inbound flow sets when the caller objects',
  concern: 'CNIL',
  run: (ctx) => {
    const f = new Findings();
    let n = 0;
    for (const stack of ctx.stacks) {
      for (const [id] of stack.withRole('flow:inbound')) {
        n++;
        const flow = deployedFlow(stack, id);
        if (flow.error) {
          f.problem(`${id}: content is not a readable flow: ${flow.error}`);
          continue;
        }
        // Read the deployed flow for the attribute the sampler's code reads, not the one lib/flows renders.
        const facts = describeFlow(flow.content, { objectionAttribute: SAMPLER_OBJECTION_ATTRIBUTE });
        f.add(
          ev(
            stack,
            id,
            `Properties.Content (UpdateContactAttributes ${SAMPLER_OBJECTION_ATTRIBUTE})`,
            facts.objection.assignments,
            `key branches: ${JSON.stringify(facts.objection.keyBranches)}`,
          ),
        );
        const sets = facts.objection.keyBranches.some(
          (b) => b.key === OBJECTION_KEY && b.setsAttributeTo === CALLER_OBJECTED_VALUE,
        );
        if (!sets)
          f.problem(
            `${id}: pressing ${OBJECTION_KEY} does not set ${SAMPLER_OBJECTION_ATTRIBUTE}=${CALLER_OBJECTED_VALUE}, the attribute the sampler reads (lambda/core/decision.ts): an objecting caller could be recorded`,
          );
      }
    }
    if (n === 0) f.problem('no contact flow marked flow:inbound in any stack');
    if (FLOW_OBJECTION_ATTRIBUTE !== SAMPLER_OBJECTION_ATTRIBUTE)
      f.problem(
        `lib/flows renders ${FLOW_OBJECTION_ATTRIBUTE} but lambda/core/decision.ts reads ${SAMPLER_OBJECTION_ATTRIBUTE}`,
      );
    return {
      ...f,
      summary: `the deployed flow sets ${SAMPLER_OBJECTION_ATTRIBUTE}=${CALLER_OBJECTED_VALUE} on key ${OBJECTION_KEY}; the sampler reads ${SAMPLER_OBJECTION_ATTRIBUTE} (lambda/core/decision.ts — code, not template)`,
    };
  },
};

/** `cron(m h * * ? *)` with fixed minute and hour, or `rate(1 day)` / `rate(24 hours)`: once a day. */
export function isDaily(expression: unknown): boolean {
  if (typeof expression !== 'string') return false;
  if (/^rate\((1 day|24 hours|1440 minutes)\)$/.test(expression)) return true;
  const cron = /^cron\(([^)]*)\)$/.exec(expression)?.[1]?.trim().split(/\s+/);
  if (cron?.length !== 6) return false;
  const [minute, hour, dom, month, dow, year] = cron;
  const fixed = (x: string | undefined) => x !== undefined && /^\d{1,2}$/.test(x);
  return (
    fixed(minute) &&
    fixed(hour) &&
    ((dom === '*' && dow === '?') || (dom === '?' && dow === '*')) &&
    month === '*' &&
    (year === '*' || year === undefined)
  );
}

/** Scheduled EventBridge rules of the template that invoke the function `functionId`. */
export function schedulesOf(stack: StackView, functionId: string) {
  return stack.ofType('AWS::Events::Rule').flatMap(([id, r]) =>
    (Array.isArray(r.Properties?.Targets) ? r.Properties.Targets : [])
      .map((t: unknown, i: number) => ({ t, i }))
      .filter(({ t }) => isRecord(t) && stack.refTarget(t.Arn) === functionId)
      .map(({ i }) => ({ ruleId: id, rule: r, targetIndex: i })),
  );
}

/** A schedule rule of `schedulesOf` as evidence: its expression, noted with its state then `what` it runs. */
export const scheduleEvidence = (stack: StackView, x: ReturnType<typeof schedulesOf>[number], what: string) =>
  ev(
    stack,
    x.ruleId,
    'Properties.ScheduleExpression',
    x.rule.Properties?.ScheduleExpression ?? null,
    `${x.rule.Properties?.State ?? 'ENABLED'}${what}`,
  );

/** "The function `role` runs on an enabled daily schedule" (C6: seeds; C8/C10: assignment). */
export function dailyScheduleCheck(props: {
  id: string;
  title: string;
  concern: Check['concern'];
  role: string;
  why: string;
}): Check {
  return {
    ...checkNames(props),
    run: (ctx) => {
      const f = new Findings();
      let n = 0;
      for (const stack of ctx.stacks) {
        for (const [fnId] of stack.withRole(props.role)) {
          n++;
          const rules = schedulesOf(stack, fnId);
          const daily = rules.filter(
            (x) => x.rule.Properties?.State !== 'DISABLED' && isDaily(x.rule.Properties?.ScheduleExpression),
          );
          for (const x of rules)
            f.add(scheduleEvidence(stack, x, `, target ${x.targetIndex} → ${fnId} (${props.role})`));
          if (daily.length === 0)
            f.problem(
              `${fnId} (${props.role}) has no enabled daily EventBridge schedule (${rules.length === 0 ? 'no rule targets it' : rules.map((x) => `${x.ruleId}: ${String(x.rule.Properties?.ScheduleExpression)} ${x.rule.Properties?.State ?? ''}`).join('; ')}): ${props.why}`,
            );
        }
      }
      if (n === 0) f.problem(`no function marked ${props.role} in any stack`);
      return f;
    },
  };
}

export const seedSchedule = dailyScheduleCheck({
  id: 'SEED-SCHEDULE',
  title:
    'The seed function runs daily: each period’s seed is committed before it starts and revealed after it ends',
  concern: 'C6',
  role: 'function:seeds',
  why: 'seeds would be neither committed in advance nor revealed',
});

export const SAMPLER_CHECKS: readonly Check[] = [
  samplingRate,
  recordingCaps,
  exclusions,
  algorithmPublished,
  samplerReadsObjection,
  seedSchedule,
];
