import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitment } from '../../../lambda/core/lottery';
import { defaultPolicy, loadPolicy } from '../../../lib/policy/load';
import { runSimulation, simulationSeed } from '../../../lib/simulation/run';
import { verifyDecisions } from '../../../lib/verify/verify';
import { acceptsConnections } from '../../support/local';
import { sharedBundles } from '../../support/simulation';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fairlisten-sim-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const read = (dir: string, name: string) => readFileSync(join(dir, name));

describe('simulate', () => {
  const options = {
    agents: 12,
    teams: 3,
    calls: 400,
    month: '2026-12',
    seed: 'works-council',
    policy: defaultPolicy(),
    prebuiltBundles: sharedBundles(),
  };

  it('is byte-identical for the same seed, passes verify, and leaves nothing running', async () => {
    const a = tmp();
    const b = tmp();
    let endpoints: string[] = [];
    const first = await runSimulation({
      ...options,
      outDir: a,
      hooks: {
        afterCalls: (ctx) => {
          endpoints = [ctx.stack.dynamo.endpoint, ctx.stack.s3.endpoint, ctx.stack.connect.endpoint];
        },
      },
    });
    await runSimulation({ ...options, outDir: b, concurrency: 3 });
    for (const f of ['decisions.jsonl', 'seeds.json', 'summary.json', 'policy.json']) {
      expect(read(a, f).equals(read(b, f)), f).toBe(true);
    }
    for (const e of endpoints) expect(await acceptsConnections(e)).toBe(false);
    expect(Date).toBe(globalThis.Date);
    expect(new Date().getUTCFullYear()).toBeGreaterThan(2000);

    const report = verifyDecisions({
      decisionsJsonl: read(a, 'decisions.jsonl').toString(),
      seeds: JSON.parse(read(a, 'seeds.json').toString()),
      policy: loadPolicy(join(a, 'policy.json')),
    });
    expect(report.violations).toEqual([]);
    expect(report.decisions).toBe(first.summary.decisions);

    const s = first.summary;
    expect(s.calls).toBe(400);
    expect(s.legs).toBeGreaterThan(400); // transfers add second legs
    expect(s.decisions).toBe(s.legs);
    expect(s.byReason['excluded-line']).toBeGreaterThan(0);
    expect(s.byReason['caller-objected']).toBeGreaterThan(0);
    expect(s.byReason.drawn).toBe(s.recorded);
    expect(s.recorded).toBeGreaterThan(0);
    for (const agent of s.agents) expect(agent.recorded).toBeLessThanOrEqual(8);
    expect(first.decisions.some((d) => d.initialContactId !== d.contactId)).toBe(true);

    const seed = simulationSeed('works-council', '2026-12');
    const seeds = JSON.parse(read(a, 'seeds.json').toString());
    expect(seeds['2026-12']).toMatchObject({
      seed: Buffer.from(seed).toString('hex'),
      commitment: commitment(seed),
    });
    // Two months of 400 calls: under version 2 (the default) an unrecorded call costs four DynamoDB
    // operations against dynalite (stored?, claim, count, store) where version 1 needed one.
  }, 120_000);

  it('differs for another seed', async () => {
    const r = await runSimulation({ ...options, calls: 50, seed: 'other' });
    const s = await runSimulation({ ...options, calls: 50 });
    expect(r.decisions.map((d) => d.contactId)).not.toEqual(s.decisions.map((d) => d.contactId));
  });
});
