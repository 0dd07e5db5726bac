/**
 * C5 from the month folder, without the database: DIR/assignments.jsonl against the audit export.
 *
 *  - every listen of assignments.jsonl is in the `listens/<P>` audit chain (the assignment's list
 *    per coach) with the same agent and the same plan id, and every chained listen is in the file;
 *  - per agent, the regular listens (no `planId`) are at most the maximum the assignment run
 *    recorded in the chain (`maxPerAgent` of its `scope: run` record);
 *  - each plan id names a plan the DPO approved in a `governance/<P>` chain, for the same agent, and
 *    its listens are at most the extra listens approved.
 *
 * A folder without assignments.jsonl (a decisions-only export) is not checked, and says so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './publication';

export interface ListensCheck {
  readonly findings: Finding[];
  /** Absent: no assignments.jsonl in the folder. */
  readonly checked?: { listens: number; planListens: number; periods: string[] };
}

interface Line {
  period: string;
  contactId: string;
  agentId: string;
  planId?: string;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};

export function verifyListens(dir: string, records: readonly unknown[]): ListensCheck {
  let text: string;
  try {
    text = readFileSync(join(dir, 'assignments.jsonl'), 'utf8');
  } catch {
    return { findings: [] };
  }
  const findings: Finding[] = [];
  const lines: Line[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    try {
      const l = obj(JSON.parse(raw));
      lines.push({
        period: String(l.period),
        contactId: String(l.contactId),
        agentId: String(l.agentId),
        ...(typeof l.planId === 'string' ? { planId: l.planId } : {}),
      });
    } catch {
      findings.push({
        code: 'malformed-listen',
        message: `assignments.jsonl line ${i + 1} is not valid JSON`,
      });
    }
  }

  const approved = new Map<string, { agentId: string; extra: number }>();
  const maxOf = new Map<string, number>();
  const chained = new Map<string, { agentId: string; planId?: string }>();
  for (const raw of records) {
    const r = obj(raw);
    const chain = typeof r.chain === 'string' ? r.chain : '';
    const data = obj(r.data);
    if (chain.startsWith('governance/') && r.kind === 'plan' && data.action === 'approved')
      approved.set(String(r.subject), { agentId: String(data.agentId), extra: Number(data.extraListens) });
    if (!chain.startsWith('listens/') || r.kind !== 'assignment') continue;
    const period = chain.slice('listens/'.length);
    if (data.scope === 'run' && typeof data.maxPerAgent === 'number') maxOf.set(period, data.maxPerAgent);
    if (data.scope === 'coach' && Array.isArray(data.listens)) {
      for (const l of data.listens.map(obj)) {
        chained.set(`${period}|${String(l.contactId)}`, {
          agentId: String(l.agentId),
          ...(typeof l.planId === 'string' ? { planId: l.planId } : {}),
        });
      }
    }
  }

  const listed = new Set<string>();
  for (const l of lines) {
    const key = `${l.period}|${l.contactId}`;
    listed.add(key);
    const c = chained.get(key);
    const who = `the listen of recording ${l.contactId} (${l.period})`;
    if (!c) {
      findings.push({
        code: 'listen-not-in-chain',
        period: l.period,
        message: `${who} is not in the listens audit chain: it was added after the fact`,
      });
    } else if (c.agentId !== l.agentId || (c.planId ?? null) !== (l.planId ?? null)) {
      findings.push({
        code: 'listen-differs-from-chain',
        period: l.period,
        message: `${who} says agent ${l.agentId}, plan ${l.planId ?? 'none'} but the audit chain says agent ${c.agentId}, plan ${c.planId ?? 'none'}`,
      });
    }
  }
  for (const key of chained.keys()) {
    if (listed.has(key)) continue;
    const [period, contactId] = key.split('|');
    findings.push({
      code: 'listen-missing',
      period,
      message: `the listen of recording ${contactId} (${period}) is in the audit chain but missing from assignments.jsonl`,
    });
  }

  const periods = [...new Set(lines.map((l) => l.period))].sort();
  for (const period of periods) {
    const max = maxOf.get(period);
    const inPeriod = lines.filter((l) => l.period === period);
    if (max === undefined) {
      findings.push({
        code: 'no-listening-maximum',
        period,
        message: `the listens audit chain of ${period} records no maximum per agent: C5 cannot be checked`,
      });
    } else {
      const regular = new Map<string, number>();
      for (const l of inPeriod) if (!l.planId) regular.set(l.agentId, (regular.get(l.agentId) ?? 0) + 1);
      for (const [agentId, n] of [...regular].sort()) {
        if (n > max)
          findings.push({
            code: 'listens-above-maximum',
            period,
            message: `agent ${agentId} has ${n} regular listens in ${period}, above the maximum of ${max} (C5)`,
          });
      }
    }
    const byPlan = new Map<string, Line[]>();
    for (const l of inPeriod) if (l.planId) byPlan.set(l.planId, [...(byPlan.get(l.planId) ?? []), l]);
    for (const [planId, ls] of [...byPlan].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const plan = approved.get(planId);
      if (!plan) {
        findings.push({
          code: 'plan-not-approved',
          period,
          message: `${ls.length} listen(s) in ${period} name plan ${planId}, which no DPO approval in the audit chain shows (C5, C7)`,
        });
        continue;
      }
      const others = ls.filter((l) => l.agentId !== plan.agentId);
      if (others.length > 0)
        findings.push({
          code: 'plan-other-agent',
          period,
          message: `${others.length} listen(s) of plan ${planId} are of another agent than the plan's ${plan.agentId}`,
        });
      if (ls.length > plan.extra)
        findings.push({
          code: 'plan-listens-above-extra',
          period,
          message: `plan ${planId} granted ${ls.length} listens in ${period}, above the ${plan.extra} extra listens the DPO approved (C5)`,
        });
    }
  }
  return {
    findings,
    checked: { listens: lines.length, planListens: lines.filter((l) => l.planId).length, periods },
  };
}
