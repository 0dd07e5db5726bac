/**
 * Throughput of the sampler's pure core on one core: `decide` (period, HMAC-SHA256 draw, exclusions,
 * pacing) and the draw alone, fast path vs the node:crypto reference. Run on its own:
 *   npx tsx bench/sampler-core.ts
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { decide } from '../lambda/core/decision';
import { decideFair, screen } from '../lambda/core/fair-lottery';
import { draw, drawReference } from '../lambda/core/lottery';
import { type BenchFigure, printFigures } from './figure';

function perSecond(fn: (i: number) => void, ms = 1000): number {
  for (let i = 0; i < 20_000; i++) fn(i); // warm-up
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 1000; i++) fn(n++);
    elapsed = performance.now() - t0;
  }
  return Math.round(n / (elapsed / 1000));
}

export async function benchSamplerCore(): Promise<BenchFigure[]> {
  const seed = new Uint8Array(randomBytes(32));
  const ids = Array.from({ length: 4096 }, () => randomUUID());
  const agents = Array.from({ length: 64 }, () => randomUUID());
  const policy = {
    samplingRate: 0.2,
    maxRecordingsPerAgentPerMonth: 8,
    timezone: 'Europe/Paris',
    excludedAgents: agents.slice(0, 4),
    excludedQueues: [randomUUID()],
  };
  const start = Date.UTC(2026, 11, 1);
  const times = Array.from({ length: 4096 }, (_, i) => new Date(start + i * 600_000));
  for (let i = 0; i < 1000; i++) {
    if (draw(seed, ids[i]!) !== drawReference(seed, ids[i]!))
      throw new Error('fast draw differs from reference');
  }
  const decisions = perSecond((i) => {
    decide(
      {
        contactId: ids[i & 4095]!,
        agentId: agents[i & 63]!,
        queueId: agents[(i + 1) & 63]!,
        callerObjected: false,
        at: times[i & 4095]!,
        recordedSoFar: i & 7,
      },
      policy,
      seed,
    );
  });
  // Version 2: the same inputs; the agent's position and slots come from its quota item in the
  // handler, here from the loop index.
  const fairDecisions = perSecond((i) => {
    const screened = screen(
      {
        contactId: ids[i & 4095]!,
        agentId: agents[i & 63]!,
        queueId: agents[(i + 1) & 63]!,
        callerObjected: false,
        at: times[i & 4095]!,
      },
      policy,
      seed,
    );
    decideFair(
      screened,
      policy,
      screened.ineligible ? null : { callIndex: 8 + (i & 255), recordedBefore: i & 7 },
    );
  });
  const fast = perSecond((i) => draw(seed, ids[i & 4095]!));
  const reference = perSecond((i) => drawReference(seed, ids[i & 4095]!));
  return [
    {
      name: 'sampler core: decide() per second, one core',
      value: decisions,
      unit: 'decisions/s',
      target: { op: '>=', value: 300_000 },
    },
    {
      name: 'sampler core, version 2: screen() + decideFair() per second, one core',
      value: fairDecisions,
      unit: 'decisions/s',
      target: { op: '>=', value: 300_000 },
      peer: decisions,
      peerName: 'version 1 decide()',
      ratio: Math.round((fairDecisions / decisions) * 100) / 100,
    },
    { name: 'lottery draw, precomputed HMAC key states', value: fast, unit: 'draws/s' },
    { name: 'lottery draw, node:crypto createHmac (reference)', value: reference, unit: 'draws/s' },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printFigures(await benchSamplerCore());
}
