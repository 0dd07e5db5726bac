/**
 * `fairlisten verify --month DIR`: one month's decisions checked against what the operator cannot
 * rewrite. DIR is what the simulation or `fairlisten export` writes: `decisions.jsonl`,
 * `seeds.json` (optional, cross-checked only), and `audit/` — the audit export with the published
 * commitments, seeds, policy documents and signed heads (lib/verify/publication.ts).
 *
 * Findings (each a sentence a council member can read):
 *  - a period whose seed commitment was not published before the period started, or whose
 *    published seed does not match it; a seeds.json that differs from the publication;
 *  - a decision missing from, or added to, the decisions audit chain; any field that differs from
 *    its chain record; a decision whose policy document was never published. A decision ingest
 *    completed from the sampler's reservation (the sampler died before storing it) may be in no
 *    decisions chain: its `decision-recovered` record in chain `privacy/<period>` stands for it;
 *  - whatever the decisions chains, the chains holding recovered decisions and the publication
 *    show in `audit verify`;
 *  - every violation of the published algorithm (lib/verify/verify.ts), recomputed with the
 *    published seeds and the published policy;
 *  - with assignments.jsonl: C5, regular listens per agent and each plan's listens against what
 *    the audit chains show (lib/verify/listens.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitment as commitmentOf, seedFromHex } from '../../lambda/core/lottery';
import { periodBounds } from '../../lambda/core/period';
import { DECISION_FIELDS } from '../simulation/output';
import { verifyAuditExport, type WitnessEntry } from './audit-export';
import { type ListensCheck, verifyListens } from './listens';
import { type Finding, publishedCommitment, publishedPolicies, publishedReveal } from './publication';
import { type VerifyPolicy, type VerifyReport, verifyDecisions } from './verify';

export interface MonthReport {
  readonly ok: boolean;
  readonly findings: Finding[];
  /** The algorithm re-computation, when it could run (seeds and policy published). */
  readonly decisions?: VerifyReport;
  /** The C5 check of assignments.jsonl; absent when the folder has none. */
  readonly listens?: ListensCheck['checked'];
}

const CHAIN_FIELDS = [...DECISION_FIELDS] as const;

function isDecisionChain(chain: string | undefined): boolean {
  return chain === undefined || chain.startsWith('decisions/') || chain === 'seeds';
}

const show = (v: unknown): string => (v === null || v === undefined ? 'empty' : JSON.stringify(v));

export function verifyMonth(dir: string, witness: readonly WitnessEntry[] = []): MonthReport {
  const findings: Finding[] = [];
  let decisionsJsonl = '';
  try {
    decisionsJsonl = readFileSync(join(dir, 'decisions.jsonl'), 'utf8');
  } catch (err) {
    findings.push({
      code: 'no-decisions',
      message: `decisions.jsonl cannot be read: ${(err as Error).message}`,
    });
    return { ok: false, findings };
  }
  const audit = verifyAuditExport(join(dir, 'audit'), witness);
  const pub = audit.publication;
  const policies = publishedPolicies(pub);

  // The decisions chain: contact → the decision as the exporter recorded it; a decision ingest
  // recovered from a reservation, as its `decision-recovered` record holds it.
  const chained = new Map<string, Record<string, unknown>>();
  const recoveredIn = new Set<string>();
  for (const raw of audit.loaded.records) {
    const r = raw as { chain?: unknown; kind?: unknown; data?: unknown };
    if (typeof r?.chain !== 'string') continue;
    if (r.chain.startsWith('decisions/') && r.kind === 'decision') {
      const data = r.data as Record<string, unknown> | null;
      if (data && typeof data.contactId === 'string') chained.set(data.contactId, data);
    } else if (r.chain.startsWith('privacy/') && r.kind === 'decision-recovered') {
      const decision = (r.data as { decision?: Record<string, unknown> } | null)?.decision;
      if (decision && typeof decision.contactId === 'string' && !chained.has(decision.contactId)) {
        chained.set(decision.contactId, decision);
        recoveredIn.add(r.chain);
      }
    }
  }
  findings.push(
    ...audit.findings.filter(
      (f) => isDecisionChain(f.chain) || (f.chain !== undefined && recoveredIn.has(f.chain)),
    ),
  );

  const lines: Record<string, unknown>[] = [];
  for (const [i, text] of decisionsJsonl.split('\n').entries()) {
    if (text.trim() === '') continue;
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      findings.push({ code: 'malformed-line', message: `decisions.jsonl line ${i + 1} is not valid JSON` });
    }
  }

  const listed = new Set<string>();
  for (const d of lines) {
    const cid = String(d.contactId);
    listed.add(cid);
    const c = chained.get(cid);
    const who = `the decision on call ${cid}`;
    if (!c) {
      findings.push({
        code: 'not-in-chain',
        period: String(d.period),
        message: `${who} is not in the decisions audit chain: it was added after the fact`,
      });
      continue;
    }
    for (const field of CHAIN_FIELDS) {
      if (JSON.stringify(d[field] ?? null) !== JSON.stringify(c[field] ?? null)) {
        findings.push({
          code: 'differs-from-chain',
          period: String(d.period),
          message: `${who}: ${field} is ${show(d[field])} in decisions.jsonl but ${show(c[field])} in the audit chain`,
        });
      }
    }
  }
  for (const [cid, c] of chained) {
    if (listed.has(cid)) continue;
    findings.push({
      code: 'missing-decision',
      period: String(c.period),
      message: `the decision on call ${cid} (agent ${String(c.agentId)}, ${String(c.decidedAt)}, ${c.recorded === true ? 'recorded' : String(c.reason)}) is in the audit chain but missing from decisions.jsonl`,
    });
  }

  // Policies: every decision names a published policy document, and matches it.
  const reported = new Set<string>();
  for (const d of lines) {
    const hash = d.policyHash;
    const doc =
      typeof hash === 'string' ? (policies.get(hash) as Partial<VerifyPolicy> | undefined) : undefined;
    if (!doc) {
      const key = String(hash);
      if (reported.has(key)) continue;
      reported.add(key);
      const n = lines.filter((x) => String(x.policyHash) === key).length;
      findings.push({
        code: 'policy-not-published',
        message:
          typeof hash === 'string'
            ? `${n} decision(s) name policy document ${hash.slice(0, 16)}…, which was never published`
            : `${n} decision(s) name no published policy document`,
      });
      continue;
    }
    if (d.policyVersion !== doc.version || d.rate !== doc.samplingRate) {
      findings.push({
        code: 'policy-mismatch',
        message: `the decision on call ${String(d.contactId)} says policy ${show(d.policyVersion)} at rate ${show(d.rate)}, but its published policy document is version ${show(doc.version)} at rate ${show(doc.samplingRate)}`,
      });
    }
  }

  // Seeds: published before the period, revealed, matching; seeds.json must agree.
  const all = [...lines, ...chained.values()];
  const periods = [...new Set(all.map((d) => String(d.period)))].sort();
  const firstPolicy = lines
    .map((d) => (typeof d.policyHash === 'string' ? policies.get(d.policyHash) : undefined))
    .find((p) => p !== undefined) as VerifyPolicy | undefined;
  const timezone = firstPolicy?.timezone ?? 'UTC';
  let seedsFile: Record<string, { seed?: unknown; commitment?: unknown }> | undefined;
  try {
    seedsFile = JSON.parse(readFileSync(join(dir, 'seeds.json'), 'utf8'));
  } catch {
    seedsFile = undefined; // optional: the publication is what counts
  }
  const seeds: Record<string, { seed: string; commitment: string }> = {};
  for (const period of periods) {
    let start: Date;
    try {
      start = periodBounds(period, timezone).start;
    } catch {
      continue; // not a period: reported by the algorithm check
    }
    const c = publishedCommitment(pub, period);
    if ('problem' in c) {
      findings.push({ code: 'no-commitment', period, message: `${c.problem}: its draws prove nothing` });
      continue;
    }
    if (!(Date.parse(c.createdAt) < start.getTime()) || !(Date.parse(c.committedAt) < start.getTime())) {
      findings.push({
        code: 'late-commitment',
        period,
        message: `the seed commitment of ${period} was published on ${c.createdAt}, after the period started (${start.toISOString()}): the draws could have been chosen`,
      });
    }
    const r = publishedReveal(pub, period);
    if ('problem' in r) {
      findings.push({ code: 'not-revealed', period, message: `${r.problem}: the draws cannot be checked` });
      continue;
    }
    let matches = false;
    try {
      matches = commitmentOf(seedFromHex(r.seed)) === c.commitment && r.commitment === c.commitment;
    } catch {
      matches = false;
    }
    if (!matches) {
      findings.push({
        code: 'seed-mismatch',
        period,
        message: `the published seed of ${period} does not match the commitment published before the period`,
      });
      continue;
    }
    seeds[period] = { seed: r.seed, commitment: c.commitment };
    const given = seedsFile?.[period];
    if (seedsFile && (!given || given.seed !== r.seed || given.commitment !== c.commitment)) {
      findings.push({
        code: 'seeds-file-differs',
        period,
        message: `seeds.json gives ${given ? 'another seed or commitment' : 'no seed'} for ${period} than the one published: it is not the seed the draws were made with`,
      });
    }
  }

  let decisions: VerifyReport | undefined;
  if (firstPolicy) {
    decisions = verifyDecisions({ decisionsJsonl, seeds, policy: firstPolicy });
    for (const v of decisions.violations) {
      // The publication findings above already say why a seed is missing.
      if (v.code === 'missing-seed' && v.period && !seeds[v.period]) continue;
      findings.push({ code: v.code, message: v.message, ...(v.period ? { period: v.period } : {}) });
    }
  }
  // C5 from assignments.jsonl against the listens and governance chains (lib/verify/listens.ts).
  const listens = verifyListens(dir, audit.loaded.records);
  findings.push(...listens.findings);
  return {
    ok: findings.length === 0,
    findings,
    ...(decisions ? { decisions } : {}),
    ...(listens.checked ? { listens: listens.checked } : {}),
  };
}
