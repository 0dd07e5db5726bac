/**
 * What the sampler enforces, read from its deployed environment (FAIRLISTEN_POLICY, FAIRLISTEN_ALGORITHM), not
 * the policy file; which algorithm it runs, against the README; and the seed schedule it depends on.
 */
import { CALLER_OBJECTED_ATTRIBUTE as SAMPLER_OBJECTION_ATTRIBUTE } from '../../../lambda/core/decision';
import { ALGORITHM_VERSION } from '../../../lambda/core/lottery';
import {
  CALLER_OBJECTED_VALUE,
  describeFlow,
  CALLER_OBJECTED_ATTRIBUTE as FLOW_OBJECTION_ATTRIBUTE,
  OBJECTION_KEY,
} from '../../flows';
import { deployedFlow } from '../flows';
import { ALGORITHM_ENV, type PublishedAlgorithm, readPublishedAlgorithm } from '../published';
import { isRecord, type StackView } from '../template';
import type { Check, CheckContext, Evidence } from '../types';
import {
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
): Check {
  return {
    id,
    title,
    concern,
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
);

const caps = HARD_LIMITS.maxRecordingsPerAgentPerMonth;
const capField = numericField('RECORDING-CAPS', '', 'C5', 'maxRecordingsPerAgentPerMonth', (v) =>
  !Number.isInteger(v) || v < caps.min || v > caps.max
    ? `is outside the hard limits ${caps.min}..${caps.max}`
    : undefined,
);

const PACING_STEP = /pacing/i;

/** The README section, as evidence. */
const readmeEvidence = (
  p: PublishedAlgorithm,
  property: string,
  value: unknown,
  note?: string,
): Evidence => ({
  logicalId: '(README.md)',
  property,
  value,
  note: note ?? `${p.file}:${p.line}`,
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

function publishedOrProblem(read: () => PublishedAlgorithm | undefined, f: Findings) {
  let published: PublishedAlgorithm | undefined;
  try {
    published = read();
  } catch (err) {
    f.problem(`cannot read the README: ${(err as Error).message}`);
    return undefined;
  }
  if (!published) f.problem('the README has no section "## The published algorithm (<version>)"');
  return published;
}

/**
 * Cap and pacing (C5, C7): the cap is a number of the deployed environment; the pacing rule is code, which a
 * template cannot show, so it is stated through the algorithm version the sampler runs — the published
 * algorithm whose step "Pacing and cap" spreads an agent's recordings over the month.
 */
export function recordingCapsCheck(
  read: () => PublishedAlgorithm | undefined = readPublishedAlgorithm,
): Check {
  return {
    id: 'RECORDING-CAPS',
    title: `Deployed per-agent monthly cap of recordings is within ${caps.min}..${caps.max}, paced over the month by the published algorithm (C5, C7: no unbounded or front-loaded targeting)`,
    concern: 'C5',
    run: (ctx) => {
      const cap = capField.run(ctx);
      const f = new Findings();
      for (const p of cap.problems) f.problem(p);
      for (const e of cap.evidence) f.add(e);
      const deployed = deployedAlgorithms(ctx, f);
      const published = publishedOrProblem(read, f);
      if (published) {
        const pacing = published.steps.filter((s) => PACING_STEP.test(s));
        if (pacing.length === 0)
          f.problem(`the published algorithm ${published.version} has no pacing step: the cap is not paced`);
        for (const s of pacing) f.add(readmeEvidence(published, `${published.heading} (pacing step)`, s));
        for (const d of deployed) {
          if (typeof d.value === 'string' && d.value !== published.version)
            f.problem(
              `${d.logicalId}: the sampler runs ${d.value}, not the published ${published.version}: its pacing is not the published one`,
            );
        }
      }
      const capValue = cap.evidence.map((e) => e.value).join(', ');
      return {
        ...f,
        summary: `cap ${capValue || '?'} per agent per month, paced by ${published?.version ?? '?'} step "Pacing and cap" (code: lambda/core/pacing.ts; the template shows the version, not the code)`,
      };
    },
  };
}

export const recordingCaps = recordingCapsCheck();

/**
 * C6: the template names the algorithm the sampler runs, and it is the one the README publishes (and the one
 * this checkout's code implements).
 */
export function algorithmPublishedCheck(
  read: () => PublishedAlgorithm | undefined = readPublishedAlgorithm,
): Check {
  return {
    id: 'ALGORITHM-PUBLISHED',
    title:
      'The sampler deploys the algorithm version the README publishes (the text anyone can re-implement)',
    concern: 'C6',
    run: (ctx) => {
      const f = new Findings();
      const deployed = deployedAlgorithms(ctx, f);
      const published = publishedOrProblem(read, f);
      if (published) {
        f.add(readmeEvidence(published, published.heading, published.text));
        for (const d of deployed) {
          if (typeof d.value === 'string' && d.value !== '' && d.value !== published.version)
            f.problem(
              `${d.logicalId}: deployed algorithm ${d.value} differs from the version the README publishes (${published.version}, ${published.file}:${published.line})`,
            );
        }
        if (published.version !== ALGORITHM_VERSION)
          f.problem(
            `the README publishes ${published.version} but the code (lambda/core/lottery.ts ALGORITHM_VERSION) is ${ALGORITHM_VERSION}`,
          );
      }
      return {
        ...f,
        summary: `deployed ${[...new Set(deployed.map((d) => String(d.value)))].join(', ') || '?'}; README publishes ${published?.version ?? '?'} (${published?.steps.length ?? 0} steps); code ${ALGORITHM_VERSION}`,
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

/** "The function `role` runs on an enabled daily schedule" (C6: seeds; C8/C10: assignment). */
export function dailyScheduleCheck(props: {
  id: string;
  title: string;
  concern: Check['concern'];
  role: string;
  why: string;
}): Check {
  return {
    id: props.id,
    title: props.title,
    concern: props.concern,
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
            f.add(
              ev(
                stack,
                x.ruleId,
                'Properties.ScheduleExpression',
                x.rule.Properties?.ScheduleExpression ?? null,
                `${x.rule.Properties?.State ?? 'ENABLED'}, target ${x.targetIndex} → ${fnId} (${props.role})`,
              ),
            );
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
