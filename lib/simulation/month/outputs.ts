/**
 * The month's outputs, once the stand-ins are stopped: `verify --month` of the decisions and
 * `audit verify` of the export (both against the publication), DIR/assignments.jsonl, DIR/month.json, the transparency reports (fr, en) and
 * DIR/timings.json (wall clock, the only file that is not deterministic).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DecisionRecord } from '../../../lambda/core/decision';
import { writeTransparencyReport } from '../../transparency-report';
import { verifyAuditExport } from '../../verify/audit-export';
import { verifyMonth } from '../../verify/month';
import { jsonFile } from '../output';
import { planMonth, type SimulationResult } from '../run';
import { buildMonthModel } from './model';
import { BUNDLED, type MonthRun } from './month-run';
import type { MonthResult } from './types';

export async function writeOutputs(m: MonthRun, simulation: SimulationResult): Promise<MonthResult> {
  const started = performance.now();
  const { options, period } = m;
  const dir = options.outDir;
  // The listens first: `verify --month` checks C5 on them.
  await mkdir(dir, { recursive: true });
  const assignmentsFile = join(dir, 'assignments.jsonl');
  await writeFile(assignmentsFile, m.assignments.map((a) => `${JSON.stringify(a)}\n`).join(''));
  // The council's two checks, on the files the month wrote, against the publication.
  const monthReport = verifyMonth(dir);
  const verification = {
    ok: monthReport.ok,
    violations: monthReport.findings,
    decisions: monthReport.decisions?.decisions ?? 0,
  };
  const auditReport = verifyAuditExport(m.auditDir);
  const chains = auditReport.verification.chains;
  const auditOk = auditReport.ok && m.exportErrors.length === 0;
  const auditRecords = chains.reduce((s, c) => s + c.records, 0);
  const seed = simulation.seeds[period];
  if (!seed) throw new Error(`the seed of ${period} was not revealed`);

  const month = buildMonthModel({
    period,
    generatedAt: m.generatedAt,
    simulated: true,
    policy: simulation.policy,
    teams: simulation.summary.teams.map((t) => ({ id: t.teamId, name: t.name })),
    agents: planMonth(options, options.policy.timezone).agents,
    coaches: m.coaches,
    decisions: simulation.decisions as DecisionRecord[],
    assignments: m.assignments,
    plans: m.stats.plan ? [m.stats.plan] : [],
    requests: [...m.stats.requests].sort((a, b) =>
      a.requestedAt < b.requestedAt ? -1 : a.requestedAt > b.requestedAt ? 1 : 0,
    ),
    seed,
    verification: {
      decisions: { ok: verification.ok, violations: verification.violations.length },
      audit: { ok: auditOk, chains: chains.length, records: auditRecords },
    },
  });
  const monthFile = join(dir, 'month.json');
  await writeFile(monthFile, jsonFile(month));
  const fr = writeTransparencyReport(month, m.reportDir, 'fr');
  const en = writeTransparencyReport(month, m.reportDir, 'en');
  m.lap('outputs', started);
  m.lap('total', m.startedAt);
  const timingsFile = join(dir, 'timings.json');
  await writeFile(timingsFile, jsonFile({ stepsMs: m.timings, privacyRequests: m.privacyTimings }));

  return {
    simulation,
    period,
    files: {
      decisions: join(dir, 'decisions.jsonl'),
      seeds: join(dir, 'seeds.json'),
      assignments: assignmentsFile,
      month: monthFile,
      audit: m.auditDir,
      timings: timingsFile,
      reports: { fr, en },
    },
    stats: {
      ...m.stats,
      suspensions: [...m.stats.suspensions].sort((x, y) => (x.contactId < y.contactId ? -1 : 1)),
    },
    verification: {
      decisions: {
        ok: verification.ok,
        violations: verification.violations.length,
        decisions: verification.decisions,
        findings: verification.violations.map((f) => f.message),
      },
      audit: {
        ok: auditOk,
        chains: chains.length,
        records: auditRecords,
        issues: [...m.exportErrors, ...auditReport.findings.map((f) => f.message)],
      },
    },
    bundled: ['sampler', ...BUNDLED],
    timings: m.timings,
  };
}
