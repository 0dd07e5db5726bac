import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMonthData } from '../../../lambda/core/transparency/model';
import { defaultPolicy } from '../../../lib/policy/load';
import { type MonthResult, runMonth } from '../../../lib/simulation/month';
import { loadExport, verifyExport } from '../../../lib/verify/audit-export';
import { sharedBundles } from '../../support/simulation';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fairlisten-month-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const policy = defaultPolicy();
const options = {
  agents: 8,
  teams: 3,
  coaches: 3,
  calls: 300,
  month: '2026-10',
  seed: 's1',
  policy,
  prebuiltBundles: sharedBundles(),
};

describe('a whole month, locally', () => {
  let a: string;
  let first: MonthResult;

  beforeAll(async () => {
    a = tmp();
    first = await runMonth({ ...options, outDir: a });
  }, 180_000);

  it('decisions verify, every recorded leg is ingested, unauthorized files are deleted and audited', () => {
    expect(first.verification.decisions).toMatchObject({ ok: true, violations: 0 });
    expect(first.stats.recordedLegs).toBe(first.simulation.summary.recorded);
    expect(first.stats.recordedLegs).toBeGreaterThan(0);
    expect(first.stats.ingested).toBe(first.stats.recordedLegs);
    expect(first.stats.unauthorizedDeleted).toBe(2);
    const records = loadExport(join(a, 'audit')).records as { kind: string; data: { reason?: string } }[];
    const unauthorized = records.filter((r) => r.kind === 'unauthorized-recording');
    expect(unauthorized.map((r) => r.data.reason).sort()).toEqual(['no-decision', 'not-recorded']);
  });

  it('privacy: live suspension, deletion and redaction in both arrival orders, done with proof', () => {
    expect(first.stats.suspensions.length).toBeGreaterThan(0);
    for (const s of first.stats.suspensions) {
      expect([s.suspend, s.resume]).toEqual([200, 200]);
      expect(s.connectEvents).toEqual(expect.arrayContaining(['suspend', 'resume']));
    }
    const requests = first.stats.requests;
    for (const kind of ['deletion', 'redaction'] as const) {
      for (const arrival of ['request-first', 'file-first'] as const) {
        const r = requests.filter((x) => x.kind === kind && x.arrival === arrival);
        expect(r.length, `${kind} ${arrival}`).toBeGreaterThan(0);
        for (const x of r) {
          expect(x).toMatchObject({ status: 'done', proved: true });
          expect(Date.parse(x.completedAt!)).toBeGreaterThanOrEqual(Date.parse(x.requestedAt));
        }
      }
    }
  });

  it('assignments cross teams, stay within the caps; listens are played through playback and audited', () => {
    const lines = readFileSync(join(a, 'assignments.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(first.stats.assignment.listens);
    expect(lines.length).toBeGreaterThan(0);
    const perCoach = new Map<string, number>();
    const perAgent = new Map<string, number>();
    for (const l of lines) {
      const keys = ['period', 'contactId', 'agentId', 'agentTeam', 'coachId', 'coachTeam'];
      // A listen beyond the agent's regular maximum names the coaching plan that granted it.
      if (l.planId !== undefined) {
        keys.push('planId');
        expect(l.planId).toBe(first.stats.plan?.planId);
        expect(l.agentId).toBe(first.stats.plan?.agentId);
      }
      expect(Object.keys(l)).toEqual(keys);
      expect(l.agentTeam).not.toBe(l.coachTeam);
      perCoach.set(l.coachId, (perCoach.get(l.coachId) ?? 0) + 1);
      perAgent.set(l.agentId, (perAgent.get(l.agentId) ?? 0) + 1);
    }
    const plan = first.stats.plan;
    expect(plan?.status).toBe('approved');
    for (const n of perCoach.values()) expect(n).toBeLessThanOrEqual(policy.maxListensPerCoachPerMonth);
    for (const [agent, n] of perAgent) {
      const extra = plan && plan.agentId === agent ? plan.extraListens : 0;
      expect(n).toBeLessThanOrEqual(policy.listensPerAgentPerMonth.max + extra);
    }
    expect(first.stats.plays.ok).toBeGreaterThan(0);
    expect(first.stats.plays.audited).toBe(first.stats.plays.ok);
    const records = loadExport(join(a, 'audit')).records as { kind: string }[];
    expect(records.filter((r) => r.kind === 'listen').length).toBe(first.stats.plays.ok);
    expect(first.stats.evaluations).toBeGreaterThan(0);
  });

  it('the audit export verifies; month.json is valid; the transparency reports are written', () => {
    const audit = verifyExport(join(a, 'audit'));
    expect(audit.issues).toEqual([]);
    expect(audit.verification.chains.map((c) => c.chain)).toEqual(
      expect.arrayContaining(['seeds', 'decisions/2026-10', 'privacy/2026-10', 'listens/2026-10']),
    );
    const seeds = loadExport(join(a, 'audit')).records as { chain: string; kind: string; subject?: string }[];
    const kindsOf2026_10 = seeds
      .filter((r) => r.chain === 'seeds' && r.subject === '2026-10')
      .map((r) => r.kind);
    expect(kindsOf2026_10).toEqual(['seed-commitment', 'seed-reveal']);
    const month = parseMonthData(JSON.parse(readFileSync(join(a, 'month.json'), 'utf8')));
    expect(month.verification?.decisions.ok).toBe(true);
    expect(month.verification?.audit.ok).toBe(true);
    expect(month.seeds.commitmentMatches).toBe(true);
    expect(month.requests.length).toBe(first.stats.requests.length);
    expect(JSON.stringify(month)).not.toMatch(
      /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"\s*,\s*"team/,
    );
    for (const f of [first.files.reports.fr.html, first.files.reports.en.html]) {
      expect(existsSync(f)).toBe(true);
      expect(readFileSync(f, 'utf8')).toMatch(/<html/);
    }
    expect(existsSync(first.files.reports.fr.csv)).toBe(true);
  });

  it('is deterministic: same seed → identical decisions.jsonl, assignments.jsonl and month.json', async () => {
    const b = tmp();
    await runMonth({ ...options, outDir: b, concurrency: 3 });
    for (const f of ['decisions.jsonl', 'assignments.jsonl', 'month.json', 'seeds.json']) {
      expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    }
    expect(Date).toBe(globalThis.Date);
    expect(new Date().getUTCFullYear()).toBeGreaterThan(2000);
  }, 180_000);
});
