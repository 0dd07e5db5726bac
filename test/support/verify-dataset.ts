/** Generates a clean decisions.jsonl + seeds.json by running calls through the real `decide`. */
import { createHash } from 'node:crypto';
import {
  type DecisionPolicy,
  type DecisionRecord,
  decide,
  toDecisionRecord,
} from '../../lambda/core/decision';
import { seedFromHex } from '../../lambda/core/lottery';
import { periodBounds } from '../../lambda/core/period';
import { mulberry32 } from '../../lib/simulation/random';

export const INSTANCE =
  'arn:aws:connect:eu-central-1:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa';
export const agentArn = (id: string) => `${INSTANCE}/agent/${id}`;

export function uuidFrom(r: () => number): string {
  const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface Dataset {
  records: DecisionRecord[];
  jsonl: string;
  seeds: Record<string, { seed: string; commitment: string }>;
  policy: DecisionPolicy & { version: string };
}

export function generateDataset(opts: { calls?: number; periods?: string[]; seed?: number } = {}): Dataset {
  const r = mulberry32(opts.seed ?? 1);
  const periods = opts.periods ?? ['2026-10', '2026-11'];
  const agents = Array.from({ length: 6 }, () => uuidFrom(r));
  const queues = Array.from({ length: 3 }, () => uuidFrom(r));
  const policy = {
    samplingRate: 0.3,
    maxRecordingsPerAgentPerMonth: 8,
    timezone: 'Europe/Paris',
    excludedAgents: [agents[5]!],
    excludedQueues: [queues[2]!],
    version: '2026-12',
  };
  const seeds: Dataset['seeds'] = {};
  for (const p of periods) {
    const hex = createHash('sha256')
      .update(`test seed ${p} ${opts.seed ?? 1}`)
      .digest('hex');
    seeds[p] = { seed: hex, commitment: createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex') };
  }
  const calls = opts.calls ?? 1500;
  const first = periodBounds(periods[0]!, policy.timezone).start.getTime();
  const last = periodBounds(periods[periods.length - 1]!, policy.timezone).end.getTime();
  const times = Array.from({ length: calls }, () => first + Math.floor(r() * (last - first))).sort(
    (a, b) => a - b,
  );
  const counts = new Map<string, number>();
  const records: DecisionRecord[] = [];
  let previous: { id: string; initial: string } | undefined;
  for (const ms of times) {
    const contactId = uuidFrom(r);
    // Some calls are transfers: a new leg sharing the InitialContactId of the previous call.
    const initialContactId = previous && r() < 0.1 ? previous.initial : r() < 0.5 ? contactId : undefined;
    const agentId = agents[Math.floor(r() * agents.length)]!;
    const queueId = r() < 0.9 ? queues[Math.floor(r() * queues.length)]! : undefined;
    const at = new Date(ms);
    const input = {
      contactId,
      initialContactId,
      agentId,
      queueId,
      callerObjected: r() < 0.05,
      at,
      recordedSoFar: 0,
    };
    const period = Object.keys(seeds).find((p) => {
      const b = periodBounds(p, policy.timezone);
      return ms >= b.start.getTime() && ms < b.end.getTime();
    })!;
    const key = `${agentId}/${period}`;
    input.recordedSoFar = counts.get(key) ?? 0;
    const decision = decide(input, policy, seedFromHex(seeds[period]!.seed));
    let final: 'record-failed' | undefined;
    if (decision.outcome === 'record') {
      if (r() < 0.05) final = 'record-failed';
      else counts.set(key, input.recordedSoFar + 1);
    }
    records.push(
      toDecisionRecord({ input, decision, agentArn: agentArn(agentId), policy, ...(final ? { final } : {}) }),
    );
    previous = { id: contactId, initial: initialContactId ?? contactId };
  }
  return { records, jsonl: toJsonl(records), seeds, policy };
}

export const toJsonl = (records: unknown[]): string =>
  `${records.map((x) => JSON.stringify(x)).join('\n')}\n`;
