/** A clean version-2 decisions.jsonl + seeds.json, made by running calls through the real v2 core. */
import { createHash } from 'node:crypto';
import {
  decideFair,
  type FairDecisionRecord,
  screen,
  toFairDecisionRecord,
  tookSlot,
} from '../../lambda/core/fair-lottery';
import { seedFromHex } from '../../lambda/core/lottery';
import { periodBounds, periodOf } from '../../lambda/core/period';
import { mulberry32 } from '../../lib/simulation/random';
import { agentArn, toJsonl, uuidFrom } from './verify-dataset';

export interface FairDataset {
  records: FairDecisionRecord[];
  jsonl: string;
  seeds: Record<string, { seed: string; commitment: string }>;
  policy: {
    samplingRate: number;
    maxRecordingsPerAgentPerMonth: number;
    timezone: string;
    excludedAgents: string[];
    excludedQueues: string[];
    version: string;
  };
}

export function generateFairDataset(
  opts: {
    calls?: number;
    periods?: string[];
    seed?: number;
    agents?: number;
    policy?: Partial<FairDataset['policy']>;
  } = {},
): FairDataset {
  const r = mulberry32(opts.seed ?? 2);
  const periods = opts.periods ?? ['2026-11', '2026-12'];
  const agents = Array.from({ length: opts.agents ?? 4 }, () => uuidFrom(r));
  const queues = Array.from({ length: 3 }, () => uuidFrom(r));
  const policy = {
    samplingRate: 0.2,
    maxRecordingsPerAgentPerMonth: 4,
    timezone: 'Europe/Paris',
    excludedAgents: [agents[0]!],
    excludedQueues: [queues[2]!],
    version: '2027-01',
    ...opts.policy,
  };
  const seeds: FairDataset['seeds'] = {};
  for (const p of periods) {
    const hex = createHash('sha256')
      .update(`fair seed ${p} ${opts.seed ?? 2}`)
      .digest('hex');
    seeds[p] = { seed: hex, commitment: createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex') };
  }
  const first = periodBounds(periods[0]!, policy.timezone).start.getTime();
  const last = periodBounds(periods[periods.length - 1]!, policy.timezone).end.getTime();
  const times = Array.from(
    { length: opts.calls ?? 800 },
    () => first + Math.floor(r() * (last - first)),
  ).sort((a, b) => a - b);
  const state = new Map<string, { n: number; k: number }>();
  const records: FairDecisionRecord[] = [];
  for (const ms of times) {
    const contactId = uuidFrom(r);
    const agentId = agents[Math.floor(r() * agents.length)]!;
    const at = new Date(ms);
    const input = {
      contactId,
      initialContactId: r() < 0.3 ? contactId : undefined,
      agentId,
      queueId: queues[Math.floor(r() * queues.length)]!,
      callerObjected: r() < 0.05,
      at,
    };
    const period = periodOf(at, policy.timezone);
    const screened = screen(input, policy, seedFromHex(seeds[period]!.seed));
    const key = `${agentId}/${period}`;
    const s = state.get(key) ?? { n: 0, k: 0 };
    state.set(key, s);
    const decision = decideFair(
      screened,
      policy,
      screened.ineligible ? null : { callIndex: s.n + 1, recordedBefore: s.k },
    );
    const final = decision.outcome === 'record' && r() < 0.1 ? ('record-failed' as const) : undefined;
    const record = toFairDecisionRecord({
      input,
      decision,
      agentArn: agentArn(agentId),
      policy,
      ...(final ? { final } : {}),
    });
    if (!screened.ineligible) {
      s.n++;
      if (tookSlot(record.reason)) s.k++;
    }
    records.push(record);
  }
  return { records, jsonl: toJsonl(records), seeds, policy };
}
