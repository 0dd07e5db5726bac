/**
 * Independent re-computation of every sampler decision from the revealed seeds (`fairlisten verify`).
 *
 * Pure: takes the text of decisions.jsonl, the parsed seeds.json and the policy; returns a typed
 * report. It shares with the sampler only the published primitives (`draw`'s reference form,
 * `commitment`, `pacedLimit`, `elapsedFraction`, `periodOf`), so a reviewer can read them beside the
 * published algorithm (docs/compliance/algorithm-v1.md). Nothing here throws on bad input: malformed
 * lines or seeds become violations.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type DecisionRecord, REASONS } from '../../lambda/core/decision';
import { ALGORITHM_V2, tookSlot } from '../../lambda/core/fair-lottery';
import {
  ALGORITHM_VERSION,
  commitment,
  drawReference,
  isCommitment,
  seedFromHex,
} from '../../lambda/core/lottery';
import { pacedLimit } from '../../lambda/core/pacing';
import { elapsedFraction, isPeriod, periodOf } from '../../lambda/core/period';
import { HARD_LIMITS, type RecordingPolicy } from '../policy/schema';
import { LineReader, UuidSet } from './lines';
import { checkFairRecord, checkFairSequence, type FairRecord, type FairViolationCode } from './verify-v2';

export type ViolationCode =
  | 'malformed-line'
  | 'duplicate-contact'
  | 'malformed-seeds'
  | 'commitment-mismatch'
  | 'missing-seed'
  | 'period-mismatch'
  | 'draw-key'
  | 'draw-mismatch'
  | 'lottery-mismatch'
  | 'recorded-not-drawn'
  | 'reason-mismatch'
  | 'rate-limit'
  | 'rate-mismatch'
  | 'excluded-recorded'
  | 'pacing-exceeded'
  | 'cap-exceeded'
  | 'algorithm-version'
  | FairViolationCode;

export interface Violation {
  code: ViolationCode;
  /** 1-based line of decisions.jsonl, when the violation is about one line. */
  line?: number;
  contactId?: string;
  period?: string;
  message: string;
}

/** Reports a violation about one decision line, naming the contact and the line. */
const violationOf =
  (add: (v: Violation) => void, r: DecisionRecord, line: number) => (code: ViolationCode, message: string) =>
    add({
      code,
      line,
      contactId: r.contactId,
      period: r.period,
      message: `contact ${r.contactId} (line ${line}): ${message}`,
    });

export interface VerifyReport {
  ok: boolean;
  decisions: number;
  recorded: number;
  byReason: Record<string, number>;
  periods: string[];
  agents: number;
  violations: Violation[];
}

export type VerifyPolicy = Pick<
  RecordingPolicy,
  | 'samplingRate'
  | 'maxRecordingsPerAgentPerMonth'
  | 'timezone'
  | 'excludedAgents'
  | 'excludedQueues'
  | 'version'
>;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/** A stored decision, as read back (extra fields such as expiresAt are ignored). */
export const decisionRecordSchema = z.looseObject({
  contactId: uuid,
  initialContactId: uuid.nullable(),
  agentArn: z.string().max(256),
  agentId: uuid,
  queue: uuid.nullable(),
  period: z.string().refine(isPeriod, 'is not a period YYYY-MM'),
  decidedAt: z.iso.datetime({ offset: false }),
  u: z.number().min(0).lt(1).nullable(),
  rate: z.number(),
  lotterySelected: z.boolean(),
  recorded: z.boolean(),
  reason: z.enum(REASONS as [string, ...string[]]),
  policyVersion: z.string(),
  policyHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .default(null),
  algorithmVersion: z.string(),
});

/** seeds.json: `{"YYYY-MM": {"seed": "<64 hex>", "commitment": "<64 hex>"}}`. */
export const seedsFileSchema = z.record(
  z.string(),
  z.looseObject({ seed: z.string(), commitment: z.string() }),
);

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.map(String).join('.') || '(line)'}: ${i.message}`).join('; ');
}

/** The seeds of seeds.json that match their commitment, by period; the others are violations. */
function checkedSeeds(seedsJson: unknown, add: (v: Violation) => void): Map<string, Uint8Array> {
  const seeds = new Map<string, Uint8Array>();
  const seedsParsed = seedsFileSchema.safeParse(seedsJson);
  if (!seedsParsed.success) {
    add({ code: 'malformed-seeds', message: `seeds file: ${issues(seedsParsed.error)}` });
    return seeds;
  }
  for (const [period, entry] of Object.entries(seedsParsed.data)) {
    if (!isPeriod(period)) {
      add({
        code: 'malformed-seeds',
        period,
        message: `seeds file: ${JSON.stringify(period)} is not a period`,
      });
      continue;
    }
    let seed: Uint8Array;
    try {
      seed = seedFromHex(entry.seed);
    } catch {
      add({
        code: 'malformed-seeds',
        period,
        message: `seed of ${period} is not 64 lowercase hex characters`,
      });
      continue;
    }
    if (!isCommitment(entry.commitment) || commitment(seed) !== entry.commitment) {
      add({
        code: 'commitment-mismatch',
        period,
        message: `seed of ${period}: SHA-256(seed) = ${commitment(seed)} differs from the published commitment ${entry.commitment}`,
      });
      continue; // a seed that does not match its commitment proves nothing
    }
    seeds.set(period, seed);
  }
  return seeds;
}

interface LineContext {
  readonly policy: VerifyPolicy;
  readonly seeds: Map<string, Uint8Array>;
  readonly add: (v: Violation) => void;
  readonly excludedAgents: Set<string>;
  readonly excludedQueues: Set<string>;
  readonly missingSeedReported: Set<string>;
  readonly byReason: Record<string, number>;
  /** The line a contact was first decided on, if before; records this one otherwise. */
  firstLineOf(contactId: string, line: number): number | undefined;
  recorded: number;
}

/**
 * Every check of one line of decisions.jsonl that needs no other line (the sequences and caps are
 * replayed afterwards). Returns the record and whether it belongs to a version-2 sequence, or
 * undefined for a line that is blank, malformed or a duplicate.
 */
function checkLine(
  text: string,
  line: number,
  ctx: LineContext,
): { rec: { line: number; r: DecisionRecord; at: number }; fair?: FairRecord } | undefined {
  const { policy, add } = ctx;
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    add({ code: 'malformed-line', line, message: `line ${line}: not valid JSON` });
    return undefined;
  }
  const parsed = decisionRecordSchema.safeParse(json);
  if (!parsed.success) {
    const cid = (json as { contactId?: unknown } | null)?.contactId;
    add({
      code: 'malformed-line',
      line,
      ...(typeof cid === 'string' ? { contactId: cid } : {}),
      message: `line ${line}${typeof cid === 'string' ? ` (contact ${cid})` : ''}: ${issues(parsed.error)}`,
    });
    return undefined;
  }
  const r = parsed.data as DecisionRecord;
  const at = Date.parse(r.decidedAt);
  const v = violationOf(add, r, line);

  const first = ctx.firstLineOf(r.contactId, line);
  if (first !== undefined) {
    v('duplicate-contact', `decided twice (first on line ${first})`);
    return undefined;
  }
  ctx.byReason[r.reason] = (ctx.byReason[r.reason] ?? 0) + 1;
  if (r.recorded) ctx.recorded++;

  const fair = r.algorithmVersion === ALGORITHM_V2;
  if (r.algorithmVersion !== ALGORITHM_VERSION && !fair) {
    v(
      'algorithm-version',
      `algorithm ${JSON.stringify(r.algorithmVersion)} is neither ${ALGORITHM_VERSION} nor ${ALGORITHM_V2}`,
    );
  }
  const expectedPeriod = periodOf(new Date(at), policy.timezone);
  if (expectedPeriod !== r.period) {
    v('period-mismatch', `decidedAt ${r.decidedAt} is in period ${expectedPeriod}, not ${r.period}`);
  }
  if (!(r.rate > 0 && r.rate <= HARD_LIMITS.samplingRate.max)) {
    v('rate-limit', `rate ${r.rate} is outside (0, ${HARD_LIMITS.samplingRate.max}] (C4)`);
  }
  if (r.policyVersion === policy.version && r.rate !== policy.samplingRate) {
    v(
      'rate-mismatch',
      `rate ${r.rate} differs from samplingRate ${policy.samplingRate} of policy ${policy.version}`,
    );
  }
  if (r.agentArn.slice(r.agentArn.lastIndexOf('/') + 1) !== r.agentId) {
    v('malformed-line', `agentId ${r.agentId} is not the id of agentArn ${r.agentArn}`);
  }

  // Reason ↔ recorded ↔ lottery consistency.
  if (r.recorded !== (r.reason === 'drawn')) {
    v('reason-mismatch', `recorded=${r.recorded} with reason ${r.reason} (only reason drawn is recorded)`);
  }
  let fairRecord: FairRecord | undefined;
  if (fair) {
    // Version 2: selection is u < probability, checked with the agent's sequence (verify-v2.ts).
    const rec: FairRecord = { line, r };
    const inSequence = checkFairRecord(rec, (code, _rec, message) => v(code, message));
    if (inSequence) fairRecord = rec;
  } else if (r.u === null) {
    if (r.reason !== 'error') v('reason-mismatch', `u is missing but reason is ${r.reason}`);
  } else {
    if (r.lotterySelected !== r.u < r.rate) {
      v(
        'lottery-mismatch',
        `lotterySelected=${r.lotterySelected} but u ${r.u} ${r.u < r.rate ? '<' : '≥'} rate ${r.rate}`,
      );
    }
    if (r.recorded && !(r.u < r.rate)) v('recorded-not-drawn', `recorded with u ${r.u} ≥ rate ${r.rate}`);
    const needsSelected =
      r.reason === 'drawn' || r.reason === 'agent-cap-reached' || r.reason === 'record-failed';
    if (needsSelected && !r.lotterySelected)
      v('reason-mismatch', `reason ${r.reason} but not selected by the lottery`);
    if (r.reason === 'not-drawn' && r.lotterySelected) v('reason-mismatch', 'reason not-drawn but selected');
  }

  // Exclusions are absolute.
  const excluded = ctx.excludedAgents.has(r.agentId) || (r.queue !== null && ctx.excludedQueues.has(r.queue));
  if (excluded && r.recorded)
    v('excluded-recorded', `excluded line (agent ${r.agentId}, queue ${r.queue}) was recorded`);
  if (excluded !== (r.reason === 'excluded-line') && r.reason !== 'error') {
    v(
      'reason-mismatch',
      excluded
        ? `excluded line stored with reason ${r.reason}`
        : 'reason excluded-line but the line is not excluded',
    );
  }

  // The draw itself.
  if (r.u !== null) {
    const seed = ctx.seeds.get(r.period);
    if (!seed) {
      if (!ctx.missingSeedReported.has(r.period)) {
        ctx.missingSeedReported.add(r.period);
        add({
          code: 'missing-seed',
          period: r.period,
          contactId: r.contactId,
          message: `period ${r.period} has no revealed seed matching its commitment (first: contact ${r.contactId}, line ${line})`,
        });
      }
    } else {
      const expected = drawReference(seed, r.initialContactId ?? r.contactId);
      if (expected !== r.u) v('draw-mismatch', `stored u ${r.u} but the draw recomputes to ${expected}`);
    }
  }
  return { rec: { line, r, at }, ...(fairRecord ? { fair: fairRecord } : {}) };
}

function lineContext(policy: VerifyPolicy, seeds: Map<string, Uint8Array>, add: (v: Violation) => void) {
  return {
    policy,
    seeds,
    add,
    excludedAgents: new Set(policy.excludedAgents),
    excludedQueues: new Set(policy.excludedQueues),
    missingSeedReported: new Set<string>(),
    byReason: {} as Record<string, number>,
    recorded: 0,
  };
}

export function verifyDecisions(args: {
  decisionsJsonl: string;
  seeds: unknown;
  policy: VerifyPolicy;
}): VerifyReport {
  const { policy } = args;
  const violations: Violation[] = [];
  const add = (v: Violation) => violations.push(v);

  // Seeds: valid hex, and commitment = SHA-256(seed).
  const seeds = checkedSeeds(args.seeds, add);

  const records: { line: number; r: DecisionRecord; at: number }[] = [];
  const fairSequences = new Map<string, FairRecord[]>();
  const seen = new Map<string, number>();
  const ctx: LineContext = {
    ...lineContext(policy, seeds, add),
    firstLineOf(contactId, line) {
      const first = seen.get(contactId);
      if (first === undefined) seen.set(contactId, line);
      return first;
    },
  };

  const lines = args.decisionsJsonl.split('\n');
  lines.forEach((text, idx) => {
    const checked = checkLine(text, idx + 1, ctx);
    if (!checked) return;
    if (checked.fair) {
      const { r } = checked.fair;
      const key = `${r.agentId}\u0000${r.period}`;
      const list = fairSequences.get(key);
      if (list) list.push(checked.fair);
      else fairSequences.set(key, [checked.fair]);
    }
    records.push(checked.rec);
  });

  // Caps and pacing: replay each agent's recordings per period in decidedAt order.
  const perAgent = new Map<string, { line: number; r: DecisionRecord; at: number }[]>();
  for (const rec of records) {
    if (!rec.r.recorded || rec.r.algorithmVersion === ALGORITHM_V2) continue;
    const key = `${rec.r.agentId}\u0000${rec.r.period}`;
    const list = perAgent.get(key);
    if (list) list.push(rec);
    else perAgent.set(key, [rec]);
  }
  const max = policy.maxRecordingsPerAgentPerMonth;
  for (const list of perAgent.values()) {
    list.sort((a, b) => a.at - b.at || a.line - b.line);
    list.forEach(({ r, line, at }, i) => {
      const k = i + 1;
      const f = elapsedFraction(new Date(at), policy.timezone);
      const limit = pacedLimit(max, f);
      const v = violationOf(add, r, line);
      if (k > max)
        v('cap-exceeded', `recording #${k} of agent ${r.agentId} in ${r.period} exceeds the cap ${max}`);
      else if (k > limit) {
        v(
          'pacing-exceeded',
          `recording #${k} of agent ${r.agentId} at ${r.decidedAt} exceeds the paced limit ceil(${max} × ${f}) = ${limit}`,
        );
      }
    });
  }

  for (const list of fairSequences.values()) {
    checkFairSequence(list, policy, (code, { line, r }, message) => violationOf(add, r, line)(code, message));
  }

  return {
    ok: violations.length === 0,
    decisions: seen.size,
    recorded: ctx.recorded,
    byReason: ctx.byReason,
    periods: [...new Set(records.map((x) => x.r.period))].sort(),
    agents: new Set(records.map((x) => x.r.agentId)).size,
    violations,
  };
}

/**
 * `verifyDecisions` one line at a time, for a file too big to hold: the lines must come as the
 * simulation and `fairlisten export` write them (decidedAt order), so that each agent's sequence
 * and recordings can be replayed as they come, keeping per agent and period only a count. Each
 * contact id is kept in a compact set (16 bytes) for the duplicate check. `line` returns the
 * record, or undefined at the first violation or irregularity (a line out of order, a position
 * out of turn): the caller then re-verifies the whole file with `verifyDecisions`, which names
 * every violation. `finish` returns the report, or undefined if anything was irregular.
 */
export function cleanDecisionsStream(
  seedsJson: unknown,
  policy: VerifyPolicy,
): {
  line(text: string, line: number): DecisionRecord | undefined;
  finish(): VerifyReport | undefined;
} {
  let clean = true;
  const add = () => {
    clean = false;
  };
  const seeds = checkedSeeds(seedsJson, add);
  const ids = new UuidSet();
  const ctx: LineContext = {
    ...lineContext(policy, seeds, add),
    firstLineOf(contactId, line) {
      return ids.add(contactId) ? undefined : line;
    },
  };
  const max = policy.maxRecordingsPerAgentPerMonth;
  // Per agent and period: version 2 — positions and slots so far; version 1 — recordings so far.
  const fair = new Map<string, { n: number; slots: number }>();
  const recordings = new Map<string, number>();
  const periods = new Set<string>();
  const agents = new Set<string>();
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    line(text, line) {
      if (!clean) return undefined;
      if (text.trim() === '') return undefined;
      const checked = checkLine(text, line, ctx);
      if (!checked || !clean) {
        clean = false;
        return undefined;
      }
      const { r, at } = checked.rec;
      if (at < lastAt) {
        clean = false; // not in decidedAt order: replayed by verifyDecisions
        return undefined;
      }
      lastAt = at;
      periods.add(r.period);
      agents.add(r.agentId);
      const key = `${r.agentId}\u0000${r.period}`;
      if (checked.fair) {
        const st = fair.get(key) ?? { n: 0, slots: 0 };
        fair.set(key, st);
        if (checked.fair.r.callIndex !== st.n + 1) {
          clean = false; // a position out of turn (or a gap): replayed by verifyDecisions
          return undefined;
        }
        checkFairSequence([checked.fair], policy, add, { start: st.n, slots: st.slots });
        st.n++;
        if (tookSlot(r.reason)) st.slots++;
      } else if (r.recorded && r.algorithmVersion !== ALGORITHM_V2) {
        const k = (recordings.get(key) ?? 0) + 1;
        recordings.set(key, k);
        if (k > max || k > pacedLimit(max, elapsedFraction(new Date(at), policy.timezone))) clean = false;
      }
      return clean ? r : undefined;
    },
    finish() {
      if (!clean) return undefined;
      return {
        ok: true,
        decisions: ids.size,
        recorded: ctx.recorded,
        byReason: ctx.byReason,
        periods: [...periods].sort(),
        agents: agents.size,
        violations: [],
      };
    },
  };
}

/**
 * `cleanDecisionsStream` over every line of `file`: the report, absent at the first irregularity,
 * and the SHA-256 of the bytes read (the whole file when there is a report), so that another
 * thread reading the same file can show it read the same bytes.
 */
export function cleanDecisionsFile(
  file: string,
  seedsJson: unknown,
  policy: VerifyPolicy,
): { report?: VerifyReport; sha256: string } {
  const digest = createHash('sha256');
  const algorithm = cleanDecisionsStream(seedsJson, policy);
  const reader = new LineReader(file, undefined, digest);
  let clean = true;
  try {
    for (let text = reader.next(); text !== undefined && clean; text = reader.next()) {
      if (text.trim() !== '') clean = algorithm.line(text, reader.line) !== undefined;
    }
  } finally {
    reader.close();
  }
  const report = clean ? algorithm.finish() : undefined;
  return { ...(report ? { report } : {}), sha256: digest.digest('hex') };
}

export function formatReport(report: VerifyReport): string {
  const out: string[] = [];
  for (const v of report.violations) out.push(`VIOLATION ${v.code}: ${v.message}`);
  const reasons = Object.entries(report.byReason)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}=${n}`)
    .join(', ');
  out.push(
    `${report.ok ? 'OK' : 'FAILED'}: ${report.decisions} decisions, ${report.recorded} recorded, ${report.agents} agents, periods ${report.periods.join(', ') || '-'}; reasons: ${reasons || '-'}; ${report.violations.length} violation(s)`,
  );
  return out.join('\n');
}
