/**
 * A big centre's month, generated for the benchmark (never committed): N version-2 decisions made
 * by the real core (`screen`, `decideFair`), their `decisions/<period>` audit chain as the exporter
 * writes it (files of 1,000 records), and the publication a council member downloads — the policy
 * document and the seed commitment published before the month, the seed revealed after it, and the
 * signed heads — so that `fairlisten verify --month` and `fairlisten audit verify` check it as they
 * check a real month. Written with streams: the generator holds one record at a time.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, type WriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISION_ACTOR, decisionChain, toJsonLines } from '../lambda/audit-export/export';
import { escapeChain, exportFileName } from '../lambda/audit-export/targets';
import { type AuditRecord, computeRecordHash, GENESIS_HASH } from '../lambda/core/audit-chain';
import type { JsonObject } from '../lambda/core/canonical-json';
import { decideFair, screen, toFairDecisionRecord, tookSlot } from '../lambda/core/fair-lottery';
import { commitment as commitmentOf } from '../lambda/core/lottery';
import { periodBounds } from '../lambda/core/period';
import {
  commitmentKey,
  policyDocument,
  policyKey,
  publishedJson,
  revealKey,
} from '../lambda/core/publication';
import { samplerPolicyEnvironment } from '../lambda/sampler/config';
import { publishHeads, publishOnce, s3Publisher } from '../lambda/shared/publication';
import { localHeadSigner } from '../lib/local/head-signer';
import { VersionedS3 } from '../lib/local/versioned-s3';
import { defaultPolicy } from '../lib/policy/load';
import { DECISION_FIELDS } from '../lib/simulation/output';
import { mulberry32 } from '../lib/simulation/random';
import { downloadPublication } from '../lib/verify/publication';
import { uuidFrom } from '../test/support/verify-dataset';

const PERIOD = '2026-11';
const DAY = 86_400_000;
const PER_FILE = 1000;

/** Writes with back-pressure: awaits 'drain' when the stream's buffer is full. */
async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((ok) => out.once('drain', () => ok()));
}

const close = (out: WriteStream) =>
  new Promise<void>((ok, fail) => out.end((err?: Error | null) => (err ? fail(err) : ok())));

export interface BigMonth {
  readonly dir: string;
  readonly decisions: number;
  readonly bytes: { decisions: number; audit: number };
}

/** Writes DIR/decisions.jsonl, DIR/seeds.json and DIR/audit/ for `n` decisions (one per call). */
export async function generateBigMonth(
  dir: string,
  n: number,
  agentsCount = Math.max(20, Math.round(n / 500)),
): Promise<BigMonth> {
  const r = mulberry32(n);
  const policy = defaultPolicy();
  const agents = Array.from({ length: agentsCount }, () => uuidFrom(r));
  const queues = Array.from({ length: 4 }, () => uuidFrom(r));
  const effective = {
    ...policy,
    excludedAgents: agents.slice(0, Math.max(1, Math.round(agentsCount * 0.03))).sort(),
  };
  const doc = policyDocument(JSON.parse(samplerPolicyEnvironment(effective)) as object);
  const seed = new Uint8Array(createHash('sha256').update(`fairlisten-bench|${n}|${PERIOD}`).digest());
  const seedHex = Buffer.from(seed).toString('hex');
  const commitment = commitmentOf(seed);
  const { start, end } = periodBounds(PERIOD, policy.timezone);
  const committedAt = new Date(start.getTime() - DAY).toISOString();
  const revealedAt = new Date(end.getTime() + DAY).toISOString();
  const instance = 'arn:aws:connect:eu-central-1:000000000000:instance/7c1b8f0e-2f7d-4c1e-9d5a-3b2f1e0d9c8b';

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const chain = decisionChain(PERIOD);
  const chainDir = join(dir, 'audit', escapeChain(chain));
  mkdirSync(chainDir, { recursive: true });
  const decisionsOut = createWriteStream(join(dir, 'decisions.jsonl'));
  const state = new Map<string, { n: number; k: number }>();
  const span = end.getTime() - start.getTime() - 3_600_000;
  let prev: AuditRecord | undefined;
  let file: AuditRecord[] = [];
  let bytes = { decisions: 0, audit: 0 };
  // Calls in time order, a second apart at least (decidedAt then contactId is the file order).
  const step = span / n;
  for (let i = 0; i < n; i++) {
    const at = new Date(
      start.getTime() + Math.floor(i * step) + (Math.floor(r() * 1000) % Math.max(1, Math.floor(step))),
    );
    const contactId = uuidFrom(r);
    const agentId = agents[Math.floor(r() * agents.length)]!;
    const input = {
      contactId,
      agentId,
      queueId: queues[Math.floor(r() * queues.length)]!,
      callerObjected: r() < 0.03,
      at,
    };
    const screened = screen(input, effective, seed);
    const s = state.get(agentId) ?? { n: 0, k: 0 };
    state.set(agentId, s);
    const decision = decideFair(
      screened,
      effective,
      screened.ineligible ? null : { callIndex: s.n + 1, recordedBefore: s.k },
    );
    const record = toFairDecisionRecord({
      input,
      decision,
      agentArn: `${instance}/agent/${agentId}`,
      policy: effective,
      policyHash: doc.sha256,
    });
    if (!screened.ineligible) {
      s.n++;
      if (tookSlot(record.reason)) s.k++;
    }
    const line = `${JSON.stringify(record)}\n`;
    bytes.decisions += line.length;
    await write(decisionsOut, line);
    // The exporter's record of it: the DecisionRecord fields (its schema drops the others).
    const data: Record<string, unknown> = {};
    for (const f of DECISION_FIELDS) data[f] = record[f] ?? null;
    const unhashed = {
      chain,
      seq: (prev?.seq ?? 0) + 1,
      kind: 'decision',
      at: record.decidedAt,
      actor: DECISION_ACTOR,
      subject: contactId,
      data: data as JsonObject,
      prevHash: prev?.hash ?? GENESIS_HASH,
    };
    prev = { ...unhashed, hash: computeRecordHash(unhashed) };
    file.push(prev);
    if (file.length === PER_FILE || i === n - 1) {
      const text = toJsonLines(file);
      bytes.audit += text.length;
      writeFileSync(join(chainDir, exportFileName(file[0]!.seq, file.at(-1)!.seq)), text);
      file = [];
    }
  }
  await close(decisionsOut);
  writeFileSync(
    join(dir, 'seeds.json'),
    `${JSON.stringify({ [PERIOD]: { commitment, committedAt, seed: seedHex, revealedAt } }, null, 2)}\n`,
  );

  // The publication, as the seed function and the exporter publish it (write-once, timed).
  let now = new Date(committedAt);
  const s3 = new VersionedS3('audit', { clock: () => now });
  const publisher = s3Publisher(s3.client, 'audit');
  await publishOnce(publisher, policyKey(doc.sha256), doc.json);
  await publishOnce(
    publisher,
    commitmentKey(PERIOD),
    publishedJson({ period: PERIOD, commitment, algorithm: 'sha256', committedAt }),
  );
  now = new Date(revealedAt);
  await publishOnce(
    publisher,
    revealKey(PERIOD),
    publishedJson({ period: PERIOD, seed: seedHex, commitment, revealedAt }),
  );
  now = new Date(end.getTime() + 2 * DAY);
  await publishHeads(publisher, localHeadSigner(), now, [
    { chain, seq: prev!.seq, hash: prev!.hash, at: prev!.at },
  ]);
  await downloadPublication(s3.client, 'audit', join(dir, 'audit'));
  s3.client.destroy();
  bytes = { ...bytes };
  return { dir, decisions: n, bytes };
}
