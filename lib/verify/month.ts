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
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord } from '../../lambda/core/audit-chain';
import { compareDecisionKeys, type DecisionKey } from '../../lambda/core/decision';
import { commitment as commitmentOf, seedFromHex } from '../../lambda/core/lottery';
import { periodBounds } from '../../lambda/core/period';
import { PUBLISHED_COMMITMENT_RE } from '../../lambda/core/publication';
import { DECISION_FIELDS } from '../simulation/output';
import { streamCleanExport, verifyLoadedExport, type WitnessEntry } from './audit-export';
import { LineReader } from './lines';
import { type ListensCheck, verifyListens } from './listens';
import { startVerifyJob } from './parallel';
import {
  type Finding,
  loadPublication,
  type Publication,
  publishedCommitment,
  publishedPolicies,
  publishedReveal,
} from './publication';
import { cleanDecisionsFile, type VerifyPolicy, type VerifyReport, verifyDecisions } from './verify';

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

/**
 * Verifies the month in DIR. A month that streams clean (`streamCleanMonth`: a million decisions
 * and their audit chain in memory flat in their size) is verified in one pass over the files; any
 * other is verified in memory, which names every finding.
 */
export function verifyMonth(dir: string, witness: readonly WitnessEntry[] = []): MonthReport {
  return streamCleanMonth(dir, witness) ?? verifyLoadedMonth(dir, witness);
}

/** The in-memory verification of a month: every line and every record held, every finding named. */
export function verifyLoadedMonth(dir: string, witness: readonly WitnessEntry[] = []): MonthReport {
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
  const audit = verifyLoadedExport(join(dir, 'audit'), witness);
  const loaded = audit.loaded!;
  const pub = audit.publication;
  const policies = publishedPolicies(pub);

  // The decisions chain: contact → the decision as the exporter recorded it; a decision ingest
  // recovered from a reservation, as its `decision-recovered` record holds it.
  const chained = new Map<string, Record<string, unknown>>();
  const recoveredIn = new Set<string>();
  for (const raw of loaded.records) {
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
    const checked = checkPeriodSeed(pub, period, timezone, seedsFile);
    findings.push(...checked.findings);
    if (checked.seed) seeds[period] = checked.seed;
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
  const listens = verifyListens(dir, loaded.records);
  findings.push(...listens.findings);
  return {
    ok: findings.length === 0,
    findings,
    ...(decisions ? { decisions } : {}),
    ...(listens.checked ? { listens: listens.checked } : {}),
  };
}

/**
 * The publication's seed of `period`: committed before the period started, revealed, matching its
 * commitment, and the same in seeds.json if there is one; findings otherwise.
 */
function checkPeriodSeed(
  pub: Publication,
  period: string,
  timezone: string,
  seedsFile: Record<string, { seed?: unknown; commitment?: unknown }> | undefined,
): { findings: Finding[]; seed?: { seed: string; commitment: string } } {
  const findings: Finding[] = [];
  let start: Date;
  try {
    start = periodBounds(period, timezone).start;
  } catch {
    return { findings }; // not a period: reported by the algorithm check
  }
  const c = publishedCommitment(pub, period);
  if ('problem' in c) {
    findings.push({ code: 'no-commitment', period, message: `${c.problem}: its draws prove nothing` });
    return { findings };
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
    return { findings };
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
    return { findings };
  }
  const given = seedsFile?.[period];
  if (seedsFile && (!given || given.seed !== r.seed || given.commitment !== c.commitment)) {
    findings.push({
      code: 'seeds-file-differs',
      period,
      message: `seeds.json gives ${given ? 'another seed or commitment' : 'no seed'} for ${period} than the one published: it is not the seed the draws were made with`,
    });
  }
  return { findings, seed: { seed: r.seed, commitment: c.commitment } };
}

function readSeedsFile(dir: string): Record<string, { seed?: unknown; commitment?: unknown }> | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'seeds.json'), 'utf8'));
  } catch {
    return undefined; // optional: the publication is what counts
  }
}

/** At most this many decisions.jsonl lines wait for a recovered decision before the fast path gives up. */
const MAX_PENDING = 10_000;

/** The in-memory comparison (JSON texts equal), without a JSON text for two equal primitives. */
function sameFields(d: Record<string, unknown>, c: Record<string, unknown>): boolean {
  for (const field of CHAIN_FIELDS) {
    const a = d[field] ?? null;
    const b = c[field] ?? null;
    if (a === b) continue;
    if (JSON.stringify(a) !== JSON.stringify(b)) return false;
  }
  return true;
}

/** What the streamed verification of a month needs before it reads the month. */
interface PreparedMonth {
  readonly dir: string;
  readonly file: string;
  readonly auditDir: string;
  readonly pub: Publication;
  readonly policies: ReturnType<typeof publishedPolicies>;
  readonly policy: VerifyPolicy;
  readonly timezone: string;
  /** Every period the publication commits and reveals cleanly; the periods used are checked after. */
  readonly seeds: Record<string, { seed: string; commitment: string }>;
}

/** The publication, and the policy the first decision names; undefined when there is none. */
function prepareMonth(dir: string): PreparedMonth | undefined {
  const file = join(dir, 'decisions.jsonl');
  const auditDir = join(dir, 'audit');
  if (!existsSync(file) || !existsSync(auditDir)) return undefined;
  const pub = loadPublication(auditDir);
  const policies = publishedPolicies(pub);
  let first: string | undefined;
  const reader = new LineReader(file);
  try {
    for (let t = reader.next(); t !== undefined && first === undefined; t = reader.next()) {
      if (t.trim() !== '') first = t;
    }
  } finally {
    reader.close();
  }
  if (first === undefined) return undefined;
  let policy: VerifyPolicy | undefined;
  try {
    const hash = (JSON.parse(first) as { policyHash?: unknown } | null)?.policyHash;
    policy = typeof hash === 'string' ? (policies.get(hash) as VerifyPolicy | undefined) : undefined;
  } catch {
    return undefined;
  }
  if (!policy) return undefined;
  const timezone = policy.timezone ?? 'UTC';
  const seeds: Record<string, { seed: string; commitment: string }> = {};
  for (const key of pub.objects.keys()) {
    const m = PUBLISHED_COMMITMENT_RE.exec(key);
    if (!m) continue;
    const checked = checkPeriodSeed(pub, m[1]!, timezone, undefined);
    if (checked.seed && checked.findings.length === 0) seeds[m[1]!] = checked.seed;
  }
  return { dir, file, auditDir, pub, policies, policy, timezone, seeds };
}

/** What the pass over the audit export found, to be joined with the algorithm's re-computation. */
interface ChainPass {
  readonly periods: Set<string>;
  readonly listensRecords: AuditRecord[];
  /** SHA-256 of decisions.jsonl as this pass read it. */
  readonly sha256: string;
}

/**
 * The pass over the audit export (`streamCleanExport`) that pulls the decisions.jsonl lines along,
 * merging each chain record with its line (same fields), each line checked against its published
 * policy and the order; the algorithm itself is re-computed by `cleanDecisionsFile`, in this
 * thread or another. Undefined at the first irregularity.
 */
function chainPass(m: PreparedMonth, witness: readonly WitnessEntry[]): ChainPass | undefined {
  const { policies } = m;
  const digest = createHash('sha256');
  const reader = new LineReader(m.file, undefined, digest);
  try {
    const periods = new Set<string>();
    let previous: DecisionKey | undefined;
    let pending: { line: Record<string, unknown>; key: DecisionKey }[] = [];
    /** The next line (policy, order checked); undefined at the end; null when irregular. */
    const nextLine = (): { line: Record<string, unknown>; key: DecisionKey } | undefined | null => {
      let text: string | undefined;
      do text = reader.next();
      while (text !== undefined && text.trim() === '');
      if (text === undefined) return undefined;
      let r: Record<string, unknown> | null;
      try {
        r = JSON.parse(text) as Record<string, unknown> | null;
      } catch {
        return null;
      }
      if (typeof r !== 'object' || r === null) return null;
      const { decidedAt, contactId, policyHash } = r;
      if (typeof decidedAt !== 'string' || typeof contactId !== 'string') return null;
      const doc =
        typeof policyHash === 'string' ? (policies.get(policyHash) as Partial<VerifyPolicy>) : undefined;
      if (!doc || r.policyVersion !== doc.version || r.rate !== doc.samplingRate) return null;
      const key = { decidedAt, contactId };
      if (previous && compareDecisionKeys(previous, key) >= 0) return null;
      previous = key;
      periods.add(String(r.period));
      return { line: r, key };
    };
    const recovered = new Map<string, Record<string, unknown>>();
    const listensRecords: AuditRecord[] = [];
    let lastChained: DecisionKey | undefined;
    const visit = (r: AuditRecord): boolean => {
      if (r.chain.startsWith('listens/') || r.chain.startsWith('governance/')) listensRecords.push(r);
      if (r.chain.startsWith('privacy/') && r.kind === 'decision-recovered') {
        const decision = (r.data as { decision?: Record<string, unknown> } | null)?.decision;
        if (decision && typeof decision.contactId === 'string' && !recovered.has(decision.contactId))
          recovered.set(decision.contactId, decision);
        return true;
      }
      if (!r.chain.startsWith('decisions/') || r.kind !== 'decision') return true;
      const c = r.data as Record<string, unknown> | null;
      if (!c || typeof c.contactId !== 'string') return true;
      if (typeof c.decidedAt !== 'string') return false;
      const key = { decidedAt: c.decidedAt, contactId: c.contactId };
      if (lastChained && compareDecisionKeys(lastChained, key) >= 0) return false;
      lastChained = key;
      periods.add(String(c.period));
      for (;;) {
        const next = nextLine();
        if (!next) return false; // the end, or irregular: the record has no line
        const order = compareDecisionKeys(next.key, key);
        if (order > 0) return false;
        if (order === 0) return sameFields(next.line, c);
        pending.push(next); // a line with no chain record (yet): must be a recovered decision
        if (pending.length > MAX_PENDING) return false;
      }
    };
    const audit = streamCleanExport(m.auditDir, witness, visit);
    if (!audit) return undefined;
    for (let next = nextLine(); next !== undefined; next = nextLine()) {
      if (next === null) return undefined;
      pending.push(next);
      if (pending.length > MAX_PENDING) return undefined;
    }
    // The lines with no decisions-chain record: each a recovered decision, and each recovered one listed.
    for (const { line, key } of pending) {
      const c = recovered.get(key.contactId);
      if (!c || !sameFields(line, c)) return undefined;
      periods.add(String(c.period));
      recovered.delete(key.contactId);
    }
    pending = [];
    if (recovered.size > 0) return undefined;
    return { periods, listensRecords, sha256: digest.digest('hex') };
  } finally {
    reader.close();
  }
}

/** The report of a month whose chain pass and re-computation both came out clean (of the same file). */
function joinPasses(
  m: PreparedMonth,
  chain: ChainPass | undefined,
  algorithm: { report?: VerifyReport; sha256: string } | undefined,
): MonthReport | undefined {
  if (!chain || !algorithm?.report || algorithm.sha256 !== chain.sha256) return undefined;
  const seedsFile = readSeedsFile(m.dir);
  for (const period of chain.periods) {
    const checked = checkPeriodSeed(m.pub, period, m.timezone, seedsFile);
    if (checked.findings.length > 0 || !checked.seed) return undefined;
  }
  const listens = verifyListens(m.dir, chain.listensRecords);
  return {
    ok: listens.findings.length === 0,
    findings: [...listens.findings],
    decisions: algorithm.report,
    ...(listens.checked ? { listens: listens.checked } : {}),
  };
}

/**
 * The fast path of `verifyMonth`, for a month as the simulation and `fairlisten export` write it:
 * decisions.jsonl in (decidedAt, contactId) order, as the exporter appends them to the decisions
 * chains. Two passes, each holding a few things per agent and 16 bytes per contact, never a line
 * or a record after it is checked: the algorithm re-computed line by line (`cleanDecisionsFile`),
 * and one pass over the audit export that merges each chain record with its line. Returns the
 * report only when nothing is to be found beyond what `verifyListens` reports; undefined at the
 * first irregularity, and the caller verifies in memory, which names every finding.
 */
export function streamCleanMonth(
  dir: string,
  witness: readonly WitnessEntry[] = [],
): MonthReport | undefined {
  const m = prepareMonth(dir);
  if (!m) return undefined;
  const algorithm = cleanDecisionsFile(m.file, m.seeds, m.policy);
  if (!algorithm.report) return undefined;
  return joinPasses(m, chainPass(m, witness), algorithm);
}

/**
 * `verifyMonth` on both cores: the algorithm's re-computation in a worker thread
 * (`startVerifyJob`) while this thread makes the pass over the audit export. The two read
 * decisions.jsonl each and compare the SHA-256 of what they read. Same report as `verifyMonth`.
 */
export async function verifyMonthOnTwoThreads(
  dir: string,
  witness: readonly WitnessEntry[] = [],
): Promise<MonthReport> {
  const m = prepareMonth(dir);
  if (m) {
    const job = startVerifyJob({ kind: 'decisions', file: m.file, seeds: m.seeds, policy: m.policy });
    const chain = chainPass(m, witness);
    if (!chain) job.cancel();
    const algorithm = chain ? await job.result.catch(() => undefined) : undefined;
    const report = joinPasses(m, chain, algorithm);
    if (report) return report;
  }
  return verifyLoadedMonth(dir, witness);
}
