/**
 * Reads an audit export (`audit/<chain>/<from>-<to>.jsonl`) and, for `audit verify` and
 * `audit witness`, checks it against what the operator cannot rewrite — the signed heads published under Object Lock
 * (`audit/published/heads/`) and the council member's own witness file — not only against itself.
 *
 * A hash chain alone proves that its records were not changed *one by one*; it cannot show that
 * its last records were cut off, that its last file or the whole chain was deleted, or that it was
 * rewritten from some point on and re-hashed. The signed heads (chain, last seq, last hash, signed
 * by a key only the exporter may use, at every export run) and the witness (heads a council member
 * saw earlier) make each of those a finding.
 */
import { createHash, type Hash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { parseExportFileName, unescapeChain } from '../../lambda/audit-export/targets';
import {
  type AuditIssue,
  type AuditRecord,
  type AuditVerification,
  computeRecordHash,
  GENESIS_HASH,
  verifyChain,
} from '../../lambda/core/audit-chain';
import { PUBLISHED_COMMITMENT_RE, PUBLISHED_POLICY_RE } from '../../lambda/core/publication';
import { forEachLine } from './lines';
import { type StartedJob, startVerifyJob } from './parallel';
import {
  type Finding,
  loadPublication,
  PUBLISHED_DIR,
  type Publication,
  publishedCommitment,
  publishedPolicies,
  type SignedHeads,
  signedHeads,
} from './publication';

export interface LoadedExport {
  records: unknown[];
  sources: { file: string; line: number }[];
  /** lines that are not JSON at all */
  unparsable: AuditIssue[];
  files: string[];
}

/** Every *.jsonl file under `path` (recursively, sorted; the published folder aside), or `path` itself. */
export function listExportFiles(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string, top: boolean) => {
    // Stryker disable all: on Unix libuv's scandir already returns names in strcmp order, the same
    // order for these ASCII names (chains are escaped); the sort is for Windows, where it is not.
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      // Stryker restore all
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(top && entry.name === PUBLISHED_DIR)) walk(p, false);
      } else if (entry.isFile() && entry.name.endsWith('.jsonl')) out.push(p);
    }
  };
  walk(path, true);
  return out;
}

/** Reads the export; unparsable lines become `malformed` issues (never an exception). */
export function loadExport(path: string): LoadedExport {
  const root = resolve(path);
  const isDir = statSync(root).isDirectory();
  const files = listExportFiles(root);
  const result: LoadedExport = { records: [], sources: [], unparsable: [], files: [] };
  for (const abs of files) {
    const file = isDir ? relative(root, abs).split(sep).join('/') : path;
    result.files.push(file);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (err) {
      result.unparsable.push({
        kind: 'malformed',
        severity: 'error',
        locations: [{ index: -1, file }],
        message: `${file}: cannot read: ${(err as Error).message}`,
      });
      continue;
    }
    text.split('\n').forEach((raw, i) => {
      // A Windows line end: JSON reads the `\r` as whitespace, but its error messages quote it.
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') return;
      try {
        result.records.push(JSON.parse(line));
        result.sources.push({ file, line: i + 1 });
      } catch (err) {
        result.unparsable.push({
          kind: 'malformed',
          severity: 'error',
          locations: [{ index: -1, file, line: i + 1 }],
          message: `${file}:${i + 1}: not JSON: ${(err as Error).message}`,
        });
      }
    });
  }
  return result;
}

export interface AuditVerifyReport {
  verification: AuditVerification;
  files: string[];
  issues: AuditIssue[];
}

/** The hash chains of an export (a folder or one file) checked against themselves only. */
export function verifyExport(path: string, expectedHeads: Record<string, string> = {}): AuditVerifyReport {
  const loaded = loadExport(path);
  const verification = verifyChain(loaded.records, { sources: loaded.sources, expectedHeads });
  const issues = [...loaded.unparsable, ...verification.issues];
  return { verification, files: loaded.files, issues };
}

/** One line of a witness file. */
export const witnessEntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('head'),
    chain: z.string().min(1),
    seq: z.number().int().min(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    witnessedAt: z.string(),
  }),
  z.strictObject({
    kind: z.literal('commitment'),
    period: z.string(),
    commitment: z.string().regex(/^[0-9a-f]{64}$/),
    witnessedAt: z.string(),
  }),
  z.strictObject({
    kind: z.literal('policy'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    witnessedAt: z.string(),
  }),
]);
export type WitnessEntry = z.infer<typeof witnessEntrySchema>;

/**
 * Reads a witness file; a line that is not a witness entry is a usage-level error (thrown, naming
 * the file and its line). A missing file is an error too — a mistyped path must not pass as "nothing
 * witnessed" — unless `startsEmpty` (the first `audit witness` creates the file).
 */
export function readWitness(path: string, options: { startsEmpty?: boolean } = {}): WitnessEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.startsEmpty) return [];
    throw new Error(
      code === 'ENOENT' ? `${path}: no such witness file` : `${path}: ${(err as Error).message}`,
    );
  }
  const entries: WitnessEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1} is not JSON`);
    }
    const parsed = witnessEntrySchema.safeParse(value);
    if (!parsed.success) throw new Error(`${path}:${i + 1} is not a witness entry`);
    entries.push(parsed.data);
  });
  return entries;
}

export interface ChainState {
  /**
   * seq → hash of the records the export holds (valid JSON records only). When the export streamed
   * clean (`verifyAuditExport`'s fast path), only the seqs a signed head or the witness names.
   */
  readonly hashes: Map<number, string>;
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly lastAt: string;
}

export interface AuditExportReport {
  readonly ok: boolean;
  readonly findings: Finding[];
  readonly files: string[];
  readonly chains: Map<string, ChainState>;
  readonly verification: AuditVerification;
  readonly heads: SignedHeads[];
  readonly publication: Publication;
  /**
   * Every JSON record of the export, with its file and line — only when the export did not stream
   * clean and was verified in memory (a clean export is read one file at a time and never held).
   */
  readonly loaded?: LoadedExport;
}

const s = (n: number) => (n === 1 ? '' : 's');

/** Every file's name against its content: a file holds exactly the seqs its name claims, of its chain. */
function checkFileRanges(loaded: LoadedExport): Finding[] {
  const findings: Finding[] = [];
  const byFile = new Map<string, unknown[]>();
  for (const f of loaded.files) byFile.set(f, []);
  // Every record's source is a listed file.
  for (const [i, r] of loaded.records.entries()) byFile.get(loaded.sources[i]!.file)!.push(r);
  for (const [file, records] of byFile) {
    const parts = file.split('/');
    const range = parts.length === 2 ? parseExportFileName(parts[1]!) : undefined;
    if (!range) {
      findings.push({
        code: 'foreign-file',
        message: `${file} is not an export file (its name or place is wrong)`,
      });
      continue;
    }
    let chain: string;
    try {
      chain = unescapeChain(parts[0]!);
    } catch {
      findings.push({ code: 'foreign-file', message: `${file} is not in a chain folder` });
      continue;
    }
    const claimed = range.toSeq - range.fromSeq + 1;
    const seqs = records.map((r) => (r as { seq?: unknown })?.seq);
    const chains = new Set(records.map((r) => (r as { chain?: unknown })?.chain));
    const exact =
      claimed === records.length &&
      seqs.every((q, i) => q === range.fromSeq + i) &&
      [...chains].every((c) => c === chain);
    if (!exact) {
      findings.push({
        code: 'file-range',
        chain,
        message:
          records.length === 0
            ? `${file} is empty, but its name claims records ${range.fromSeq}–${range.toSeq} of chain ${chain}`
            : `${file} does not hold what its name claims (records ${range.fromSeq}–${range.toSeq} of chain ${chain}): it holds ${records.length} record${s(records.length)}, seq ${String(seqs[0])}–${String(seqs.at(-1))}${[...chains].some((c) => c !== chain) ? ', some of another chain' : ''}`,
      });
    }
  }
  return findings;
}

function chainStates(loaded: LoadedExport): Map<string, ChainState> {
  type Building = { hashes: Map<number, string>; last?: { seq: number; hash: string; at: string } };
  const out = new Map<string, Building>();
  for (const raw of loaded.records) {
    const r = raw as { chain?: unknown; seq?: unknown; hash?: unknown; at?: unknown };
    if (typeof r?.chain !== 'string' || typeof r.seq !== 'number' || typeof r.hash !== 'string') continue;
    const st: Building = out.get(r.chain) ?? { hashes: new Map() };
    out.set(r.chain, st);
    st.hashes.set(r.seq, r.hash);
    if (!st.last || r.seq > st.last.seq) st.last = { seq: r.seq, hash: r.hash, at: String(r.at) };
  }
  return new Map(
    [...out].map(([c, st]) => [
      c,
      { hashes: st.hashes, lastSeq: st.last!.seq, lastHash: st.last!.hash, lastAt: st.last!.at },
    ]),
  );
}

/** Does the export still hold `hash` at `chain`#`seq`? A finding when it does not. */
function checkHead(
  chains: Map<string, ChainState>,
  head: { chain: string; seq: number; hash: string },
  source: string,
): Finding | undefined {
  const st = chains.get(head.chain);
  if (!st) {
    return {
      code: 'chain-deleted',
      chain: head.chain,
      message: `chain ${head.chain} is missing from the export, but ${source} shows it with ${head.seq} record${s(head.seq)}: the chain was deleted`,
    };
  }
  const got = st.hashes.get(head.seq);
  if (got === undefined) {
    // The last seq's hash is always kept, so the missing seq is never the last one: `<` is `<=`.
    return {
      // Stryker disable next-line EqualityOperator: see above
      code: st.lastSeq < head.seq ? 'truncated' : 'records-missing',
      chain: head.chain,
      message:
        // Stryker disable next-line EqualityOperator: see above
        st.lastSeq < head.seq
          ? `chain ${head.chain} stops at record ${st.lastSeq}, but ${source} shows record ${head.seq}: records at the end were removed`
          : `chain ${head.chain} has no record ${head.seq}, which ${source} shows: records were removed`,
    };
  }
  if (got !== head.hash) {
    return {
      code: 'rewritten',
      chain: head.chain,
      message: `record ${head.seq} of chain ${head.chain} is not the one ${source} shows: the chain was rewritten`,
    };
  }
  return undefined;
}

/**
 * Verifies `auditDir` against its chains, file names, signed heads and (optionally) a witness.
 * An export that streams clean (`streamCleanExport`) is read one file at a time, in memory flat in
 * its size; anything else is verified in memory, record by record, for the exact findings.
 */
export function verifyAuditExport(
  auditDir: string,
  witness: readonly WitnessEntry[] = [],
): AuditExportReport {
  return streamCleanExport(auditDir, witness) ?? verifyLoadedExport(auditDir, witness);
}

/** The in-memory verification: every record loaded, every problem found and located. */
export function verifyLoadedExport(
  auditDir: string,
  witness: readonly WitnessEntry[] = [],
): AuditExportReport {
  const loaded = loadExport(auditDir);
  const verification = verifyChain(loaded.records, { sources: loaded.sources });
  const findings: Finding[] = [];
  for (const issue of [...loaded.unparsable, ...verification.issues]) {
    findings.push({
      code: issue.kind,
      message: issue.message,
      ...(issue.chain ? { chain: issue.chain } : {}),
    });
  }
  findings.push(...checkFileRanges(loaded));
  const chains = chainStates(loaded);
  if (chains.size === 0) findings.push({ code: 'empty', message: 'the export holds no audit record at all' });

  const publication = loadPublication(auditDir);
  findings.push(...publication.findings);
  const signed = signedHeads(publication);
  findings.push(...signed.findings);
  const heads = signed.heads;
  if (heads.length === 0) {
    findings.push({
      code: 'no-signed-heads',
      message: 'no signed heads were published: nothing shows that this export is complete and unchanged',
    });
  }
  for (const h of heads) {
    for (const head of h.chains) {
      const f = checkHead(chains, head, `the signed heads of ${h.exportedAt}`);
      if (f) findings.push(f);
    }
  }
  const latest = heads.at(-1);
  if (latest) {
    const covered = new Map(latest.chains.map((c) => [c.chain, c.seq]));
    for (const [chain, st] of chains) {
      const seq = covered.get(chain) ?? 0;
      if (st.lastSeq > seq) {
        findings.push({
          code: 'unsigned-records',
          chain,
          message: `chain ${chain} has records ${seq + 1}–${st.lastSeq} that no signed head covers (latest heads: ${latest.exportedAt})`,
        });
      }
    }
  }

  findings.push(...witnessFindings(chains, publication, witness));
  return {
    ok: findings.length === 0,
    findings,
    files: loaded.files,
    chains,
    verification,
    heads,
    publication,
    loaded,
  };
}

/** The witness entries that `report` adds to `known`: new heads, commitments and policies. */
export function newWitnessEntries(
  report: AuditExportReport,
  known: readonly WitnessEntry[],
  witnessedAt: string,
): WitnessEntry[] {
  const out: WitnessEntry[] = [];
  const seen = new Set(known.map((w) => JSON.stringify({ ...w, witnessedAt: '' })));
  const add = (w: WitnessEntry) => {
    if (!seen.has(JSON.stringify({ ...w, witnessedAt: '' }))) out.push(w);
  };
  // Stryker disable next-line EqualityOperator: chain names are distinct keys, never equal
  for (const [chain, st] of [...report.chains].sort(([a], [b]) => (a < b ? -1 : 1))) {
    add({ kind: 'head', chain, seq: st.lastSeq, hash: st.lastHash, witnessedAt });
  }
  for (const key of [...report.publication.objects.keys()].sort()) {
    const c = PUBLISHED_COMMITMENT_RE.exec(key);
    if (c) {
      const pc = publishedCommitment(report.publication, c[1]!);
      if (!('problem' in pc))
        add({ kind: 'commitment', period: pc.period, commitment: pc.commitment, witnessedAt });
    }
    const p = PUBLISHED_POLICY_RE.exec(key);
    if (p && publishedPolicies(report.publication).has(p[1]!))
      add({ kind: 'policy', sha256: p[1]!, witnessedAt });
  }
  return out;
}

/**
 * Each non-blank line of an export file, parsed as JSON, as the in-memory reading takes it (a
 * trailing `\r` is whitespace to JSON, so it is left; a line that is not JSON throws, its message
 * unused). `digest` sees the file's bytes as read.
 */
function forEachJsonLine(file: string, fn: (value: unknown) => void, digest?: Hash): void {
  forEachLine(
    file,
    (line) => {
      if (line.trim() !== '') fn(JSON.parse(line));
    },
    digest,
  );
}

/**
 * The fast path of `verifyAuditExport`: the export read one file at a time, each record checked as
 * it comes — a valid record of its folder's chain, the seq its file name gives it, the next seq of
 * its chain, linked to the record before, matching its hash — keeping per chain only the last
 * record and the hashes the signed heads and the witness name. It returns the report only when
 * there is nothing to find (every check of the in-memory verification passes: an export whose
 * chains run 1, 2, 3 … linked and hashed, file by file, cannot have a gap, fork, duplicate,
 * insertion or order problem), and undefined at the first irregularity: the caller then verifies
 * in memory, which names every finding. `visit` sees each record, in file order.
 */
export function streamCleanExport(
  auditDir: string,
  witness: readonly WitnessEntry[] = [],
  visit?: (record: AuditRecord) => boolean | undefined,
  hashedElsewhere?: HashedElsewhere,
): AuditExportReport | undefined {
  const root = resolve(auditDir);
  // A single file has no publication beside it (its versions file cannot be read): gives way below.
  const publication = loadPublication(auditDir);
  const signed = signedHeads(publication);
  if (publication.findings.length > 0 || signed.findings.length > 0 || signed.heads.length === 0)
    return undefined;
  const heads = signed.heads;
  // The seqs whose hashes must be kept: every seq a signed head or the witness names.
  const wanted = new Map<string, Set<number>>();
  const want = (chain: string, seq: number) => {
    const set = wanted.get(chain) ?? new Set<number>();
    wanted.set(chain, set);
    set.add(seq);
  };
  for (const h of heads) for (const head of h.chains) want(head.chain, head.seq);
  // Stryker disable next-line ConditionalExpression: another entry would only want a seq of no chain
  for (const w of witness) if (w.kind === 'head') want(w.chain, w.seq);

  type Running = {
    hashes: Map<number, string>;
    lastSeq: number;
    lastHash: string;
    lastAt: string;
  };
  const running = new Map<string, Running>();
  const files: string[] = [];
  let clean = true;
  for (const abs of listExportFiles(root)) {
    const file = relative(root, abs).split(sep).join('/');
    files.push(file);
    const parts = file.split('/');
    const range = parts.length === 2 ? parseExportFileName(parts[1]!) : undefined;
    let chain: string;
    try {
      chain = unescapeChain(parts[0]!);
    } catch {
      return undefined;
    }
    if (!range) return undefined;
    // A chain may come in two folders (`a/`, `%61/`): the in-memory check reads it as one chain too.
    let st = running.get(chain);
    let index = 0;
    const elsewhere = hashedElsewhere?.files.has(abs) === true;
    const digest = elsewhere ? createHash('sha256') : undefined;
    try {
      forEachJsonLine(
        abs,
        (value) => {
          if (!clean) return;
          const r = value as AuditRecord;
          if (!isRecordShape(r)) {
            clean = false;
            return;
          }
          const seq = (st?.lastSeq ?? 0) + 1;
          if (
            r.chain !== chain ||
            r.seq !== range.fromSeq + index ||
            r.seq !== seq ||
            r.prevHash !== (st?.lastHash ?? GENESIS_HASH) ||
            (!elsewhere && computeRecordHash(r) !== r.hash)
          ) {
            clean = false;
            return;
          }
          index++;
          if (!st) {
            st = { hashes: new Map(), lastSeq: 0, lastHash: GENESIS_HASH, lastAt: '' };
            running.set(chain, st);
          }
          st.lastSeq = r.seq;
          st.lastHash = r.hash;
          st.lastAt = r.at;
          // Stryker disable next-line OptionalChaining: a chain nothing names is unsigned: it gives way anyway
          if (wanted.get(chain)?.has(r.seq)) st.hashes.set(r.seq, r.hash);
          if (visit && visit(r) === false) clean = false;
        },
        digest,
      );
    } catch {
      return undefined; // unreadable, or a line that is not JSON
    }
    if (digest) hashedElsewhere!.sha256.set(abs, digest.digest('hex'));
    if (!clean || index !== range.toSeq - range.fromSeq + 1) return undefined;
  }
  if (running.size === 0) return undefined;

  const chains = new Map<string, ChainState>();
  // Each chain's last hash is kept already: the latest signed heads must name its last seq (checked
  // below: a seq past it is truncated, one short of it leaves records unsigned).
  for (const [chain, st] of running) {
    chains.set(chain, { hashes: st.hashes, lastSeq: st.lastSeq, lastHash: st.lastHash, lastAt: st.lastAt });
  }
  const findings: Finding[] = [];
  for (const h of heads) {
    for (const head of h.chains) {
      const f = checkHead(chains, head, `the signed heads of ${h.exportedAt}`);
      if (f) return undefined;
    }
  }
  const latest = heads.at(-1)!;
  const covered = new Map(latest.chains.map((c) => [c.chain, c.seq]));
  for (const [chain, st] of chains) if (st.lastSeq > (covered.get(chain) ?? 0)) return undefined;
  findings.push(...witnessFindings(chains, publication, witness));
  if (findings.length > 0) return undefined;
  const summaries = [...chains.keys()].sort().map((chain) => {
    const st = chains.get(chain)!;
    return { chain, records: st.lastSeq, firstSeq: 1, lastSeq: st.lastSeq, headHash: st.lastHash, ok: true };
  });
  return {
    ok: true,
    findings,
    files,
    chains,
    verification: { ok: true, issues: [], chains: summaries },
    heads,
    publication,
  };
}

/**
 * Files whose records' hashes another thread checks (`recordHashesMatch`): the fast path leaves
 * their hashes out and puts the SHA-256 of each file's bytes, as it read them, in `sha256`.
 */
export interface HashedElsewhere {
  readonly files: ReadonlySet<string>;
  readonly sha256: Map<string, string>;
}

/**
 * Whether every record of `files` matches its hash (each non-blank line parsed, nothing else
 * checked: the fast path checks the rest), and the SHA-256 of each file's bytes as read here.
 */
export function recordHashesMatch(files: readonly string[]): { ok: boolean; sha256: string[] } {
  const sha256: string[] = [];
  for (const file of files) {
    const digest = createHash('sha256');
    let ok = true;
    try {
      forEachJsonLine(
        file,
        (value) => {
          if (!ok) return;
          const r = value as AuditRecord;
          ok = computeRecordHash(r) === r.hash;
        },
        digest,
      );
    } catch {
      ok = false;
    }
    if (!ok) return { ok: false, sha256 };
    sha256.push(digest.digest('hex'));
  }
  return { ok: true, sha256 };
}

/**
 * `verifyAuditExport` on both cores: the records' hashes of most files checked in a worker thread
 * (`startVerifyJob`) while this thread checks everything else; the two compare the SHA-256 of the
 * files they read. Same report as `verifyAuditExport`.
 */
export async function verifyAuditExportOnTwoThreads(
  auditDir: string,
  witness: readonly WitnessEntry[] = [],
  share = 2 / 3,
  start: StartHashesJob = startVerifyJob,
): Promise<AuditExportReport> {
  const root = resolve(auditDir);
  if (statSync(root).isDirectory()) {
    const all = listExportFiles(root);
    const files = all.slice(all.length - Math.floor(all.length * share));
    const job = start({ kind: 'hashes', files });
    const elsewhere: HashedElsewhere = { files: new Set(files), sha256: new Map() };
    const report = streamCleanExport(auditDir, witness, undefined, elsewhere);
    if (!report) job.cancel();
    const hashes = report ? await job.result.catch(() => undefined) : undefined;
    if (report && hashes && sameDigests(files, hashes.sha256, elsewhere.sha256) && hashes.ok) return report;
  }
  return verifyLoadedExport(auditDir, witness);
}

/** Starts the other thread's job (`startVerifyJob`; a test passes its own). */
export type StartHashesJob = (job: {
  readonly kind: 'hashes';
  readonly files: readonly string[];
}) => StartedJob<{ ok: boolean; sha256: string[] }>;

/** The worker read each file as this thread did (and this thread read every file the worker did). */
export function sameDigests(
  files: readonly string[],
  theirs: readonly string[],
  ours: ReadonlyMap<string, string>,
): boolean {
  return (
    theirs.length === files.length &&
    ours.size === files.length &&
    files.every((f, i) => ours.get(f) === theirs[i])
  );
}

/** What the witness file shows that the export no longer does. */
function witnessFindings(
  chains: Map<string, ChainState>,
  publication: Publication,
  witness: readonly WitnessEntry[],
): Finding[] {
  const findings: Finding[] = [];
  for (const w of witness) {
    if (w.kind === 'head') {
      const f = checkHead(chains, w, `your witness file (seen ${w.witnessedAt})`);
      if (f) findings.push(f);
    } else if (w.kind === 'commitment') {
      const c = publishedCommitment(publication, w.period);
      if ('problem' in c || c.commitment !== w.commitment) {
        findings.push({
          code: 'commitment-changed',
          period: w.period,
          message: `the seed commitment of ${w.period} is not the one you witnessed on ${w.witnessedAt}`,
        });
      }
    } else if (!publishedPolicies(publication).has(w.sha256)) {
      findings.push({
        code: 'policy-gone',
        message: `the policy document ${w.sha256.slice(0, 16)}… you witnessed on ${w.witnessedAt} is no longer published`,
      });
    }
  }
  return findings;
}

const HEX64 = /^[0-9a-f]{64}$/;
const KIND = /^[a-z][a-z-]*$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/**
 * `auditRecordSchema` for a value `JSON.parse` made, without zod's cost on a million records:
 * exactly its fields and bounds. Its `data` check (canonical JSON) is left to the hash, which
 * canonicalizes the record and throws where the schema would refuse it; a test compares the two.
 */
export function isRecordShape(r: unknown): r is AuditRecord {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const o = r as Record<string, unknown>;
  // Every field below is required but `subject`, and each is checked: a key count above theirs is
  // an unknown key.
  let keys = 0;
  for (const _ in o) keys++;
  const { chain, seq, kind, at, actor, subject, data, prevHash, hash } = o;
  return (
    keys === ('subject' in o ? 9 : 8) &&
    typeof chain === 'string' &&
    chain.length >= 1 &&
    chain.length <= 200 &&
    Number.isSafeInteger(seq) &&
    (seq as number) >= 1 &&
    typeof kind === 'string' &&
    KIND.test(kind) &&
    typeof at === 'string' &&
    ISO_UTC.test(at) &&
    !Number.isNaN(Date.parse(at)) &&
    typeof actor === 'string' &&
    actor.length >= 1 &&
    (!('subject' in o) || (typeof subject === 'string' && subject.length >= 1)) &&
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    typeof prevHash === 'string' &&
    HEX64.test(prevHash) &&
    typeof hash === 'string' &&
    HEX64.test(hash)
  );
}
