/** What the sampler enforces, read from its deployed environment (FAIRLISTEN_POLICY), not the policy file. */
import type { Check } from '../types';
import { ENV_PROPERTY, ev, Findings, HARD_LIMITS, policyNumber, samplerEnvironments } from './helpers';

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
export const recordingCaps = numericField(
  'RECORDING-CAPS',
  `Deployed per-agent monthly cap of recordings is within ${caps.min}..${caps.max} (C5, C7: no unbounded targeting)`,
  'C5',
  'maxRecordingsPerAgentPerMonth',
  (v) =>
    !Number.isInteger(v) || v < caps.min || v > caps.max
      ? `is outside the hard limits ${caps.min}..${caps.max}`
      : undefined,
);

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

export const SAMPLER_CHECKS: readonly Check[] = [samplingRate, recordingCaps, exclusions];
