/**
 * The six forgeries of `fairlisten verify` that used to pass, each performed on a real simulated
 * month (simulated once per test run, copied per case) and run through the real command: each must exit 1
 * with a line a council member can read.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DecisionRecord } from '../../../lambda/core/decision';
import { commitment, draw, seedToHex } from '../../../lambda/core/lottery';
import { commitmentKey, revealKey, sha256Hex } from '../../../lambda/core/publication';
import { run } from '../../../lib/cli/verify';
import { defaultPolicy } from '../../../lib/policy/load';
import { simulationSeed } from '../../../lib/simulation/run';
import { streamCleanMonth, verifyLoadedMonth } from '../../../lib/verify/month';
import { VERSIONS_FILE } from '../../../lib/verify/publication';
import { sharedMonth } from '../../support/simulation';

const root = mkdtempSync(join(tmpdir(), 'fairlisten-verify-forgeries-'));
const PERIOD = '2026-10';
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The simulated month, shared with the other tests of the run: read-only, forgeries go to copies. */
let month: string;
beforeAll(async () => {
  // Seed s3 with 100 calls has lottery-selected caller-objected calls (forgery 3 needs one).
  month = await sharedMonth({
    agents: 6,
    teams: 2,
    coaches: 2,
    calls: 100,
    month: PERIOD,
    seed: 's3',
    policy: defaultPolicy(),
  });
}, 240_000);

let n = 0;
function copy(): string {
  const dir = join(root, `case-${n++}`);
  cpSync(month, dir, { recursive: true });
  return dir;
}
const readDecisions = (dir: string): DecisionRecord[] =>
  readFileSync(join(dir, 'decisions.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as DecisionRecord);
const writeDecisions = (dir: string, ds: readonly DecisionRecord[]) =>
  writeFileSync(join(dir, 'decisions.jsonl'), ds.map((d) => `${JSON.stringify(d)}\n`).join(''));

/** Re-draws every decision with `seed` as a forger would: new u, selection, reason and recording. */
function redraw(ds: readonly DecisionRecord[], seed: Uint8Array): DecisionRecord[] {
  return ds.map((d) => {
    const u = draw(seed, d.initialContactId ?? d.contactId);
    const lotterySelected = u < d.rate;
    const free = d.reason === 'drawn' || d.reason === 'not-drawn' || d.reason === 'agent-cap-reached';
    const reason = free ? (lotterySelected ? 'drawn' : 'not-drawn') : d.reason;
    return { ...d, u, lotterySelected, reason, recorded: reason === 'drawn' };
  });
}

async function verify(dir: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await run(['--month', dir]);
  vi.restoreAllMocks();
  return { code, lines };
}
afterEach(() => vi.restoreAllMocks());

describe('fairlisten verify --month on a simulated month', () => {
  it('exits 0 on the month as it was produced', async () => {
    const { code, lines } = await verify(copy());
    expect(lines.join('\n')).toMatch(/^OK: \d+ decisions re-computed/m);
    expect(code).toBe(0);
  });

  it('the month folder holds the publication with its creation times, one version per key', () => {
    const { versions } = JSON.parse(readFileSync(join(month, 'audit', VERSIONS_FILE), 'utf8')) as {
      versions: { key: string; createdAt: string; latest?: true }[];
    };
    const keys = versions.map((v) => v.key);
    expect(new Set(keys).size).toBe(keys.length);
    // Each the version S3 lists as current.
    expect(versions.filter((v) => v.latest !== true)).toEqual([]);
    const created = (key: string) => versions.find((v) => v.key === key)?.createdAt;
    // Committed the day before the month (Paris time), revealed the day after it ended.
    expect(created(commitmentKey(PERIOD))).toBe('2026-09-29T22:00:00.000Z');
    expect(created(revealKey(PERIOD))! > '2026-10-31T23:00:00.000Z').toBe(true);
    expect(keys.filter((k) => k.startsWith('published/heads/'))).toHaveLength(1);
    expect(keys.filter((k) => k.startsWith('published/policies/'))).toHaveLength(1);
    expect(keys.filter((k) => k.startsWith('published/keys/'))).toHaveLength(1);
  });

  it('1a. one recorded decision removed from decisions.jsonl', async () => {
    const dir = copy();
    const ds = readDecisions(dir);
    const victim = ds.find((d) => d.recorded)!;
    writeDecisions(
      dir,
      ds.filter((d) => d !== victim),
    );
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: the decision on call ${victim.contactId} (agent ${victim.agentId}, ${victim.decidedAt}, recorded) is in the audit chain but missing from decisions.jsonl`,
    );
  });

  it('1b. all of one agent’s decisions removed', async () => {
    const dir = copy();
    const ds = readDecisions(dir);
    const agent = ds.find((d) => d.recorded)!.agentId;
    const removed = ds.filter((d) => d.agentId === agent);
    writeDecisions(
      dir,
      ds.filter((d) => d.agentId !== agent),
    );
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    const missing = lines.filter(
      (l) => l.includes(`(agent ${agent},`) && l.endsWith('missing from decisions.jsonl'),
    );
    expect(missing).toHaveLength(removed.length);
  });

  it('2. a drawn decision relabelled caller-objected', async () => {
    const dir = copy();
    const ds = readDecisions(dir);
    const i = ds.findIndex((d) => d.reason === 'drawn');
    const id = ds[i]!.contactId;
    ds[i] = { ...ds[i]!, reason: 'caller-objected', recorded: false };
    writeDecisions(dir, ds);
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: the decision on call ${id}: reason is "caller-objected" in decisions.jsonl but "drawn" in the audit chain`,
    );
    expect(lines).toContain(
      `FAILED: the decision on call ${id}: recorded is false in decisions.jsonl but true in the audit chain`,
    );
  });

  it('3. a caller-objected decision with a low draw turned into drawn and recorded', async () => {
    const dir = copy();
    const ds = readDecisions(dir);
    const i = ds.findIndex((d) => d.reason === 'caller-objected' && d.u !== null && d.u < d.rate);
    expect(i).toBeGreaterThanOrEqual(0);
    const id = ds[i]!.contactId;
    ds[i] = { ...ds[i]!, reason: 'drawn', recorded: true, lotterySelected: true };
    writeDecisions(dir, ds);
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: the decision on call ${id}: reason is "drawn" in decisions.jsonl but "caller-objected" in the audit chain`,
    );
  });

  it('4. a not-drawn call recorded at rate 0.30 with its policyVersion changed', async () => {
    const dir = copy();
    const ds = readDecisions(dir);
    const i = ds.findIndex((d) => d.reason === 'not-drawn' && d.u !== null && d.u < 0.3);
    const id = ds[i]!.contactId;
    ds[i] = {
      ...ds[i]!,
      rate: 0.3,
      lotterySelected: true,
      reason: 'drawn',
      recorded: true,
      policyVersion: 'forged-0.30',
    };
    writeDecisions(dir, ds);
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: the decision on call ${id}: rate is 0.3 in decisions.jsonl but 0.2 in the audit chain`,
    );
    expect(lines).toContain(
      `FAILED: the decision on call ${id}: policyVersion is "forged-0.30" in decisions.jsonl but "1" in the audit chain`,
    );
    expect(
      lines.some((l) =>
        l.startsWith(
          `FAILED: the decision on call ${id} says policy "forged-0.30" at rate 0.3, but its published policy document is version`,
        ),
      ),
    ).toBe(true);
  });

  it('5a. the whole month re-drawn with a new seed and its own commitment in seeds.json', async () => {
    const dir = copy();
    const seed = simulationSeed('the-operator-s-choice', PERIOD);
    writeDecisions(dir, redraw(readDecisions(dir), seed));
    writeFileSync(
      join(dir, 'seeds.json'),
      JSON.stringify({ [PERIOD]: { seed: seedToHex(seed), commitment: commitment(seed) } }),
    );
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: seeds.json gives another seed or commitment for ${PERIOD} than the one published: it is not the seed the draws were made with`,
    );
    expect(
      lines.filter((l) => / u is .* in decisions\.jsonl but .* in the audit chain$/.test(l)).length,
    ).toBeGreaterThan(50);
  });

  it('5b. …and its commitment written over the published one (a second version S3 keeps)', async () => {
    const dir = copy();
    const seed = simulationSeed('the-operator-s-choice', PERIOD);
    writeDecisions(dir, redraw(readDecisions(dir), seed));
    const body = `${JSON.stringify({ period: PERIOD, commitment: commitment(seed), algorithm: 'sha256', committedAt: '2026-09-29T22:15:00.000Z' }, null, 2)}\n`;
    writeFileSync(join(dir, 'audit', ...commitmentKey(PERIOD).split('/')), body);
    const versionsPath = join(dir, 'audit', VERSIONS_FILE);
    const versions = JSON.parse(readFileSync(versionsPath, 'utf8')) as {
      versions: Record<string, unknown>[];
    };
    // As S3 lists it: the new version is the current one, the published one kept before it.
    for (const v of versions.versions) if (v.key === commitmentKey(PERIOD)) delete v.latest;
    versions.versions.push({
      key: commitmentKey(PERIOD),
      versionId: 'forged',
      createdAt: '2026-11-25T09:00:00.000Z',
      sha256: sha256Hex(body),
      size: Buffer.byteLength(body),
      latest: true,
    });
    writeFileSync(versionsPath, JSON.stringify(versions));
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines.some((l) => l.startsWith(`FAILED: ${commitmentKey(PERIOD)} was written 2 times`))).toBe(
      true,
    );
    expect(lines).toContain(
      `FAILED: the published seed of ${PERIOD} does not match the commitment published before the period`,
    );
  });

  it('6. the month re-drawn with last month’s already revealed seed', async () => {
    const dir = copy();
    const prev = JSON.parse(readFileSync(join(dir, 'audit', ...revealKey('2026-09').split('/')), 'utf8')) as {
      seed: string;
      commitment: string;
    };
    const seed = Uint8Array.from(Buffer.from(prev.seed, 'hex'));
    writeDecisions(dir, redraw(readDecisions(dir), seed));
    writeFileSync(join(dir, 'seeds.json'), JSON.stringify({ [PERIOD]: prev }));
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: seeds.json gives another seed or commitment for ${PERIOD} than the one published: it is not the seed the draws were made with`,
    );
    expect(lines.some((l) => l.includes(': u is ') && l.endsWith('in the audit chain'))).toBe(true);
  });

  describe('C5 from assignments.jsonl, without the database', () => {
    type Listen = { period: string; contactId: string; agentId: string; planId?: string };
    const readListens = (dir: string): Listen[] =>
      readFileSync(join(dir, 'assignments.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Listen);
    const writeListens = (dir: string, ls: readonly Listen[]) =>
      writeFileSync(join(dir, 'assignments.jsonl'), ls.map((l) => `${JSON.stringify(l)}\n`).join(''));
    /** The DPO's approval in the exported governance chain: the plan id, its agent and extra. */
    const approvedPlan = (dir: string) => {
      for (const file of readdirSync(join(dir, 'audit'), { recursive: true }).map(String)) {
        if (!file.endsWith('.jsonl')) continue;
        for (const line of readFileSync(join(dir, 'audit', file), 'utf8').split('\n')) {
          if (!line.includes('"approved"')) continue;
          const r = JSON.parse(line) as {
            chain: string;
            kind: string;
            subject: string;
            data: Record<string, unknown>;
          };
          if (r.chain.startsWith('governance/') && r.kind === 'plan' && r.data.action === 'approved')
            return { planId: r.subject, agentId: String(r.data.agentId), extra: Number(r.data.extraListens) };
        }
      }
      throw new Error('the simulated month has no approved plan');
    };
    const fake = (i: number) => `ffffffff-0000-4000-8000-${String(i).padStart(12, '0')}`;

    it('checks every listen of the month as produced', async () => {
      const { code, lines } = await verify(copy());
      expect(code).toBe(0);
      expect(lines.some((l) => /^listens: [1-9]\d* checked against the audit chains/.test(l))).toBe(true);
    });

    it('reports a plan listen beyond the extra the DPO approved', async () => {
      const dir = copy();
      const plan = approvedPlan(dir);
      const listens = readListens(dir);
      const already = listens.filter((l) => l.planId === plan.planId).length;
      for (let i = already; i <= plan.extra; i++)
        listens.push({ period: PERIOD, contactId: fake(i), agentId: plan.agentId, planId: plan.planId });
      writeListens(dir, listens);
      const { code, lines } = await verify(dir);
      expect(code).toBe(1);
      expect(lines).toContain(
        `FAILED: plan ${plan.planId} granted ${plan.extra + 1} listens in ${PERIOD}, above the ${plan.extra} extra listens the DPO approved (C5)`,
      );
      expect(lines).toContain(
        `FAILED: the listen of recording ${fake(plan.extra)} (${PERIOD}) is not in the listens audit chain: it was added after the fact`,
      );
    });

    it('reports regular listens above the maximum, and a plan nobody approved', async () => {
      const dir = copy();
      const listens = readListens(dir);
      const agentId = listens[0]!.agentId;
      const max = defaultPolicy().listensPerAgentPerMonth.max;
      const regular = listens.filter((l) => l.agentId === agentId && !l.planId).length;
      for (let i = regular; i <= max; i++)
        listens.push({ period: PERIOD, contactId: fake(100 + i), agentId });
      listens.push({ period: PERIOD, contactId: fake(999), agentId, planId: 'made-up-plan' });
      writeListens(dir, listens);
      const { code, lines } = await verify(dir);
      expect(code).toBe(1);
      expect(lines).toContain(
        `FAILED: agent ${agentId} has ${max + 1} regular listens in ${PERIOD}, above the maximum of ${max} (C5)`,
      );
      expect(lines).toContain(
        `FAILED: 1 listen(s) in ${PERIOD} name plan made-up-plan, which no DPO approval in the audit chain shows (C5, C7)`,
      );
    });

    it('reports a listen dropped from assignments.jsonl, or moved to another agent', async () => {
      const dir = copy();
      const [first, second, ...rest] = readListens(dir);
      const other = rest.find((l) => l.agentId !== second!.agentId)!.agentId;
      writeListens(dir, [{ ...second!, agentId: other }, ...rest]);
      const { lines } = await verify(dir);
      expect(lines).toContain(
        `FAILED: the listen of recording ${first!.contactId} (${PERIOD}) is in the audit chain but missing from assignments.jsonl`,
      );
      expect(
        lines.some((l) =>
          l.startsWith(
            `FAILED: the listen of recording ${second!.contactId} (${PERIOD}) says agent ${other}`,
          ),
        ),
      ).toBe(true);
    });
  });

  it('exits 2 on a usage error', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await run(['--month'])).toBe(2);
    expect(await run(['--month', join(root, 'nowhere')])).toBe(2);
    expect(await run(['--decisions', 'x'])).toBe(2);
  });

  it('the streamed verification of every case above is the in-memory one, or gives way to it', () => {
    const cases = readdirSync(root).filter((d) => d.startsWith('case-'));
    expect(cases.length).toBeGreaterThan(10);
    let streamed = 0;
    for (const c of cases) {
      const dir = join(root, c);
      const fast = streamCleanMonth(dir);
      const loaded = verifyLoadedMonth(dir);
      if (fast) {
        streamed++;
        expect(fast).toEqual(loaded);
      } else expect(loaded.ok).toBe(false);
    }
    // The untouched month streams (the other cases are forgeries, and give way).
    expect(streamed).toBeGreaterThanOrEqual(1);
    expect(streamCleanMonth(month)).toEqual(verifyLoadedMonth(month));
    expect(streamCleanMonth(month)?.ok).toBe(true);
  });
});
