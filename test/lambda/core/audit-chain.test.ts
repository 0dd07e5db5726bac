import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuditChainError,
  type AuditIssueKind,
  type AuditRecord,
  appendRecord,
  chainHeads,
  computeRecordHash,
  GENESIS_HASH,
  verifyChain,
} from '../../../lambda/core/audit-chain';

const T0 = Date.parse('2025-03-01T00:00:00.000Z');
function buildChain(n: number, chain = 'listen-2025-03'): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      appendRecord(out[i - 1], {
        chain,
        kind: i % 2 === 0 ? 'listen' : 'assignment',
        at: new Date(T0 + i * 60_000).toISOString(),
        actor: `coach-${i % 7}`,
        ...(i % 3 === 0 ? { subject: `agent-${i}` } : {}),
        data: { contactId: `c-${i}`, n: i, nested: { ok: true, list: [i, 'x'] } },
      }),
    );
  }
  return out;
}

const kinds = (records: unknown[]) => verifyChain(records).issues.map((i) => i.kind);

describe('appendRecord', () => {
  it('starts at seq 1 with the genesis hash and links each record to the previous one', () => {
    const [a, b] = buildChain(2);
    expect(a).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(b).toMatchObject({ seq: 2, prevHash: a!.hash });
  });

  it('hashes utf8(prevHash) ‖ utf8(JCS(record without hash))', () => {
    const r = appendRecord(undefined, {
      chain: 'c',
      kind: 'decision',
      at: '2025-01-01T00:00:00Z',
      actor: 'system',
      data: { b: 1, a: 'é' },
    });
    const jcs =
      '{"actor":"system","at":"2025-01-01T00:00:00Z","chain":"c","data":{"a":"é","b":1},' +
      `"kind":"decision","prevHash":"${GENESIS_HASH}","seq":1}`;
    expect(r.hash).toBe(
      createHash('sha256')
        .update(GENESIS_HASH + jcs, 'utf8')
        .digest('hex'),
    );
    expect(computeRecordHash(r)).toBe(r.hash);
  });

  it('rejects bad input with AuditChainError', () => {
    const base = { chain: 'c', kind: 'listen', at: '2025-01-01T00:00:00Z', actor: 'a', data: {} };
    expect(() => appendRecord(undefined, { ...base, kind: 'Listen' })).toThrow(AuditChainError);
    expect(() => appendRecord(undefined, { ...base, at: '2025-01-01T01:00:00+01:00' })).toThrow(
      AuditChainError,
    );
    expect(() => appendRecord(undefined, { ...base, data: { x: Number.NaN } })).toThrow(AuditChainError);
    expect(() => appendRecord(undefined, { ...base, data: { d: new Date() } as never })).toThrow(
      AuditChainError,
    );
    const first = appendRecord(undefined, base);
    expect(() => appendRecord(first, { ...base, chain: 'other' })).toThrow(/chain/);
    expect(() => appendRecord({ ...first, actor: 'x' }, base)).toThrow(/does not match its hash/);
  });

  it('refuses to extend a previous record that is not a valid link of a chain', () => {
    const base = { chain: 'c', kind: 'listen', at: '2025-01-01T00:00:00Z', actor: 'a', data: {} };
    const [first, second] = buildChain(2, 'c');
    const rehash = (r: Omit<AuditRecord, 'hash'>) => ({ ...r, hash: computeRecordHash(r) }) as AuditRecord;
    // Each forged predecessor carries a hash that matches its content, so only validation can refuse it.
    const forged: [string, AuditRecord, RegExp][] = [
      ['seq 0', rehash({ ...first!, seq: 0 }), /invalid previous record: seq/],
      ['fractional seq', rehash({ ...first!, seq: 1.5 }), /invalid previous record: seq/],
      ['bad kind', rehash({ ...first!, kind: 'Listen' }), /invalid previous record: kind/],
      ['extra field', rehash({ ...first!, extra: 1 } as AuditRecord), /invalid previous record/],
      [
        'seq 1 not on the genesis hash',
        rehash({ ...first!, prevHash: 'f'.repeat(64) }),
        /previous record c#1 does not start from the genesis hash/,
      ],
      [
        'a later record on the genesis hash',
        rehash({ ...second!, prevHash: GENESIS_HASH }),
        /previous record c#2 claims the genesis hash/,
      ],
    ];
    for (const [name, prev, message] of forged) {
      expect(computeRecordHash(prev), name).toBe(prev.hash);
      expect(() => appendRecord(prev, base), name).toThrow(message);
      expect(() => appendRecord(prev, base), name).toThrow(AuditChainError);
    }
    // The genuine ones are extended.
    expect(appendRecord(first, base)).toMatchObject({ seq: 2, prevHash: first!.hash });
    expect(appendRecord(second, base)).toMatchObject({ seq: 3, prevHash: second!.hash });
  });

  it('hashes the subject when there is one and omits the field when there is none', () => {
    const base = { chain: 'c', kind: 'listen', at: '2025-01-01T00:00:00Z', actor: 'a', data: {} };
    const without = appendRecord(undefined, base);
    expect('subject' in without).toBe(false);
    const withSubject = appendRecord(undefined, { ...base, subject: 'agent-1' });
    expect(withSubject.subject).toBe('agent-1');
    expect(withSubject.hash).not.toBe(without.hash);
    expect(verifyChain([{ ...withSubject, subject: 'agent-2' }]).issues.map((i) => i.kind)).toEqual([
      'hash-mismatch',
    ]);
    // Data canonical JSON cannot encode (a lone surrogate) is refused as an AuditChainError.
    expect(() => appendRecord(undefined, { ...base, data: { s: '\ud800' } })).toThrow(AuditChainError);
  });

  it('accepts any kind matching ^[a-z][a-z-]*$ and copies data', () => {
    const data = { x: [1] };
    const r = appendRecord(undefined, { chain: 'c', kind: 'new-kind', at: new Date(0), actor: 'a', data });
    data.x.push(2);
    expect(r.data).toEqual({ x: [1] });
    expect(r.at).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const records = buildChain(5);
    const v = verifyChain(records);
    expect(v.ok).toBe(true);
    expect(v.chains).toEqual([
      { chain: 'listen-2025-03', records: 5, firstSeq: 1, lastSeq: 5, headHash: records[4]!.hash, ok: true },
    ]);
    expect(chainHeads(v)).toEqual({ 'listen-2025-03': records[4]!.hash });
  });

  // How long a month-sized chain takes is measured by `npm run bench` (bench/audit.ts), not here.
  it('verifies a 1,000-record chain end to end', () => {
    const records = buildChain(1_000);
    const v = verifyChain(records);
    expect(v.ok).toBe(true);
    expect(v.chains).toEqual([
      {
        chain: 'listen-2025-03',
        records: 1_000,
        firstSeq: 1,
        lastSeq: 1_000,
        headHash: records[999]!.hash,
        ok: true,
      },
    ]);
  });

  it('verifies several chains mixed in any order', () => {
    const a = buildChain(4, 'a');
    const b = buildChain(3, 'b');
    const v = verifyChain([b[0], a[0], a[1], b[1], a[2], b[2], a[3]]);
    expect(v.ok).toBe(true);
    expect(v.chains.map((c) => [c.chain, c.records])).toEqual([
      ['a', 4],
      ['b', 3],
    ]);
  });

  it('detects a changed field (hash mismatch) at the changed record', () => {
    const records: AuditRecord[] = buildChain(6);
    records[2] = { ...records[2]!, actor: 'someone-else' };
    const v = verifyChain(records);
    expect(v.issues).toHaveLength(1);
    expect(v.issues[0]).toMatchObject({ kind: 'hash-mismatch', seq: 3, locations: [{ index: 2 }] });
  });

  it('detects a changed and re-hashed record at the next link', () => {
    const records: AuditRecord[] = buildChain(6);
    const changed = { ...records[2]!, data: { contactId: 'forged' } };
    records[2] = { ...changed, hash: computeRecordHash(changed) };
    const v = verifyChain(records);
    expect(v.issues.map((i) => [i.kind, i.seq])).toEqual([['broken-link', 4]]);
  });

  it('detects a removed record with the missing seq', () => {
    const records = buildChain(6);
    records.splice(3, 1);
    const v = verifyChain(records);
    expect(v.issues).toHaveLength(1);
    expect(v.issues[0]).toMatchObject({ kind: 'missing-records', seq: 5 });
    expect(v.issues[0]!.message).toMatch(/seq 4 missing/);
  });

  it('detects removed records at the start of the chain', () => {
    const records = buildChain(6).slice(2);
    expect(kinds(records)).toEqual(['missing-records']);
    expect(verifyChain(records).issues[0]!.message).toMatch(/seq 1–2 missing/);
  });

  it('detects an inserted record that reuses an existing seq', () => {
    const chain = buildChain(6);
    const records: unknown[] = [...chain];
    // a well-formed, self-consistent record at seq 3 that does not link to seq 2
    const forged = { ...chain[2]!, actor: 'intruder', prevHash: chain[0]!.hash };
    const inserted = { ...forged, hash: computeRecordHash(forged) };
    records.splice(3, 0, inserted);
    const v = verifyChain(records);
    expect(v.issues.map((i) => i.kind)).toEqual(['inserted-record']);
    expect(v.issues[0]).toMatchObject({ seq: 3, locations: [{ index: 3 }, { index: 2 }] });
  });

  it('picks the linked record as genuine when the forged one comes first in the file', () => {
    const chain = buildChain(6);
    const forged = { ...chain[2]!, actor: 'intruder', prevHash: chain[0]!.hash };
    const inserted = { ...forged, hash: computeRecordHash(forged) };
    const v = verifyChain([chain[0], chain[1], inserted, ...chain.slice(2)]);
    expect(v.issues.map((i) => [i.kind, i.seq])).toEqual([['inserted-record', 3]]);
    expect(v.issues[0]!.locations).toEqual([{ index: 2 }, { index: 3 }]);
    expect(v.issues[0]!.message).toMatch(
      /record #2 \(listen-2025-03#3\): inserted record — record #3 is the record/,
    );
    expect(v.chains[0]).toMatchObject({ records: 7, lastSeq: 6, headHash: chain[5]!.hash, ok: false });
  });

  it('prefers, among records sharing a seq, valid over linked-back over linked-forward', () => {
    const chain = buildChain(4);
    // Changed in place (invalid hash) but still linked both ways, against a valid record linked nowhere.
    const changed = { ...chain[2]!, actor: 'edited' };
    const loose = { ...chain[2]!, actor: 'loose', prevHash: 'a'.repeat(64) };
    const looseValid = { ...loose, hash: computeRecordHash(loose) };
    const v = verifyChain([chain[0], chain[1], changed, looseValid, chain[3]]);
    const inserted = v.issues.find((i) => i.kind === 'inserted-record')!;
    // The valid record wins the seq; the edited one is reported as the intruder.
    expect(inserted.locations).toEqual([{ index: 2 }, { index: 3 }]);
    // Two valid records: the one linked to its predecessor wins even when it comes second.
    const linkedBackOnly = appendRecord(chain[1], {
      chain: chain[0]!.chain,
      kind: 'x',
      at: new Date(0),
      actor: 'b',
    });
    const v2 = verifyChain([chain[0], chain[1], looseValid, linkedBackOnly]);
    expect(v2.issues.filter((i) => i.kind === 'inserted-record').map((i) => i.locations)).toEqual([
      [{ index: 2 }, { index: 3 }],
    ]);
    expect(v2.chains[0]!.headHash).toBe(linkedBackOnly.hash);
    // Two valid records linked back: the one the next record links to wins, and it is a fork.
    const v3 = verifyChain([chain[0], chain[1], linkedBackOnly, chain[2], chain[3]]);
    expect(v3.issues.map((i) => i.kind)).toEqual(['fork']);
    expect(v3.chains[0]!.headHash).toBe(chain[3]!.hash);
    // Same score: the first in input order wins.
    const other = appendRecord(chain[1], { chain: chain[0]!.chain, kind: 'y', at: new Date(0), actor: 'c' });
    const v4 = verifyChain([chain[0], chain[1], other, linkedBackOnly]);
    expect(v4.chains[0]!.headHash).toBe(other.hash);
    const v5 = verifyChain([chain[0], chain[1], linkedBackOnly, other]);
    expect(v5.chains[0]!.headHash).toBe(linkedBackOnly.hash);
  });

  it('detects a record inserted right after seq 1 with the rest renumbered', () => {
    const records = buildChain(4);
    const inserted = appendRecord(records[0], {
      chain: records[0]!.chain,
      kind: 'listen',
      at: '2025-03-02T00:00:00Z',
      actor: 'intruder',
      data: {},
    });
    const tail = records.slice(1).map((r) => ({ ...r, seq: r.seq + 1 }));
    const v = verifyChain([records[0], inserted, ...tail]);
    const ins = v.issues.filter((i) => i.kind === 'inserted-record');
    expect(ins).toHaveLength(1);
    expect(ins[0]).toMatchObject({ seq: 2, locations: [{ index: 1 }, { index: 0 }, { index: 2 }] });
    expect(ins[0]!.message).toMatch(
      /record #1 \(listen-2025-03#2\): inserted record — record #2 links directly to record #0/,
    );
    expect(v.issues.filter((i) => i.kind === 'broken-link')).toEqual([]);
  });

  it('detects an inserted record when the following records were renumbered', () => {
    const records = buildChain(6);
    const inserted = appendRecord(records[2], {
      chain: records[0]!.chain,
      kind: 'listen',
      at: '2025-03-02T00:00:00Z',
      actor: 'intruder',
      data: {},
    });
    const tail = records.slice(3).map((r) => ({ ...r, seq: r.seq + 1 }));
    const tampered = [...records.slice(0, 3), inserted, ...tail];
    const v = verifyChain(tampered);
    const ins = v.issues.filter((i) => i.kind === 'inserted-record');
    expect(ins).toHaveLength(1);
    expect(ins[0]).toMatchObject({ seq: 4, locations: [{ index: 3 }, { index: 2 }, { index: 4 }] });
    const renumbered = v.issues.filter((i) => i.kind === 'hash-mismatch');
    expect(renumbered.map((i) => i.seq)).toEqual([5, 6, 7]);
    expect(renumbered[0]!.message).toMatch(/seq was changed from 4/);
  });

  it('detects swapped records (out of order in the file) but still verifies the chain', () => {
    const records = buildChain(6);
    [records[2], records[3]] = [records[3]!, records[2]!];
    const v = verifyChain(records, { sources: records.map((_, i) => ({ file: 'x.jsonl', line: i + 1 })) });
    expect(v.issues).toHaveLength(1);
    expect(v.issues[0]).toMatchObject({
      kind: 'out-of-order',
      severity: 'warning',
      seq: 3,
      locations: [
        { file: 'x.jsonl', line: 4 },
        { file: 'x.jsonl', line: 3 },
      ],
    });
    expect(v.issues[0]!.message).toMatch(/x\.jsonl:4 \(seq 3\) appears after x\.jsonl:3 \(seq 4\)/);
  });

  it('detects swapped seq values as changed records', () => {
    const records: AuditRecord[] = buildChain(6);
    const s2 = records[2]!.seq;
    records[2] = { ...records[2]!, seq: records[3]!.seq };
    records[3] = { ...records[3]!, seq: s2 };
    expect(kinds(records).filter((k) => k === 'hash-mismatch')).toHaveLength(2);
  });

  it('detects a fork: two valid records linked to the same predecessor', () => {
    const records = buildChain(4);
    const branch = appendRecord(records[1], {
      chain: records[0]!.chain,
      kind: 'listen',
      at: '2025-03-05T00:00:00Z',
      actor: 'other-writer',
      data: {},
    });
    const v = verifyChain([...records.slice(0, 3), branch, records[3]]);
    expect(v.issues.map((i) => i.kind)).toEqual(['fork']);
    expect(v.issues[0]).toMatchObject({ seq: 3, locations: [{ index: 2 }, { index: 3 }] });
    // the head is on the branch that continues
    expect(v.chains[0]!.headHash).toBe(records[3]!.hash);
  });

  it('detects an exact duplicate line', () => {
    const records = buildChain(3);
    expect(kinds([records[0], records[1], records[1], records[2]])).toEqual(['duplicate-record']);
    // a duplicate further down the file is also out of order
    expect(kinds([...records, records[1]])).toEqual(['out-of-order', 'duplicate-record']);
    // The issue points at both copies, the original first.
    const dup = verifyChain([records[0], records[1], records[2], records[1]]).issues.find(
      (i) => i.kind === 'duplicate-record',
    );
    expect(dup).toMatchObject({ seq: 2, locations: [{ index: 1 }, { index: 3 }] });
  });

  it('a valid seq-1 record that does not start from the genesis hash, beside the genuine one, is inserted, not a fork', () => {
    const records = buildChain(3);
    const { hash: _old, ...body } = { ...records[0]!, actor: 'forger', prevHash: records[2]!.hash };
    const forged = { ...body, hash: computeRecordHash(body) };
    expect(
      verifyChain([forged, ...records]).issues.map((i) => [i.kind, i.seq, i.locations.map((l) => l.index)]),
    ).toEqual([['inserted-record', 1, [0, 1]]]);
  });

  it("names a malformed record's chain only when it is a string", () => {
    const [named, numbered] = verifyChain([
      { chain: 'b', seq: 0 },
      { chain: 42, seq: 1 },
    ]).issues;
    expect(named).toMatchObject({ kind: 'malformed', chain: 'b' });
    expect(numbered!.kind).toBe('malformed');
    expect(Object.hasOwn(numbered!, 'chain')).toBe(false);
  });

  it('detects a wrong genesis', () => {
    const records = buildChain(3);
    const bad = { ...records[0]!, prevHash: 'f'.repeat(64) };
    const rehashed = { ...bad, hash: computeRecordHash(bad) };
    const v = verifyChain([rehashed, ...records.slice(1)]);
    expect(v.issues.map((i) => [i.kind, i.seq])).toEqual([
      ['wrong-genesis', 1],
      ['broken-link', 2],
    ]);
    const restart = appendRecord(undefined, {
      chain: records[0]!.chain,
      kind: 'listen',
      at: '2025-03-05T00:00:00Z',
      actor: 'x',
    });
    const midGenesis = { ...restart, seq: 4 };
    expect(kinds([...records, { ...midGenesis, hash: computeRecordHash(midGenesis) }])).toEqual([
      'wrong-genesis',
    ]);
  });

  it('reports every problem, not just the first', () => {
    const records: unknown[] = buildChain(10);
    records[1] = { ...(records[1] as AuditRecord), actor: 'x' };
    records.splice(5, 1);
    records.push({ chain: 'listen-2025-03', seq: 'eleven' });
    const found = new Set<AuditIssueKind>(verifyChain(records).issues.map((i) => i.kind));
    expect([...found].sort()).toEqual(['hash-mismatch', 'malformed', 'missing-records']);
  });

  it('reports malformed records with their location', () => {
    const v = verifyChain([null, 42, { chain: 'x' }], {
      sources: [
        { file: 'a.jsonl', line: 1 },
        { file: 'a.jsonl', line: 2 },
        { file: 'a.jsonl', line: 3 },
      ],
    });
    expect(v.issues.map((i) => [i.kind, i.locations[0]!.line])).toEqual([
      ['malformed', 1],
      ['malformed', 2],
      ['malformed', 3],
    ]);
    expect(v.ok).toBe(false);
  });

  it('names the chain, file and line of each issue and marks only the damaged chain as not ok', () => {
    const a = buildChain(3, 'a');
    const b = buildChain(3, 'b');
    const records: unknown[] = [
      a[0],
      b[0],
      { ...a[1]!, actor: 'x' },
      b[1],
      a[2],
      b[2],
      { chain: 'b', seq: 0 },
      7,
    ];
    const sources = records.map((_, i) => ({ file: i < 4 ? 'one.jsonl' : 'two.jsonl', line: (i % 4) + 1 }));
    const v = verifyChain(records, { sources });
    expect(v.ok).toBe(false);
    expect(v.issues.map((i) => [i.kind, i.chain, i.locations])).toEqual([
      ['malformed', 'b', [{ index: 6, file: 'two.jsonl', line: 3 }]],
      ['malformed', undefined, [{ index: 7, file: 'two.jsonl', line: 4 }]],
      ['hash-mismatch', 'a', [{ index: 2, file: 'one.jsonl', line: 3 }]],
    ]);
    expect(v.issues[0]!.message).toMatch(/^two\.jsonl:3: not a valid audit record: seq: /);
    expect(v.issues[1]!.message).toMatch(/^two\.jsonl:4: not a valid audit record: \(record\): /);
    expect(v.issues[2]!.message).toBe(
      'one.jsonl:3 (a#2): content does not match its hash — the record was changed',
    );
    // 'b' has a malformed line attributed to it, so it is not ok either; a third chain would be.
    expect(v.chains.map((c) => [c.chain, c.records, c.ok])).toEqual([
      ['a', 3, false],
      ['b', 3, false],
    ]);
    const clean = verifyChain([...records.slice(0, 6), ...buildChain(1, 'c')]);
    expect(clean.chains.map((c) => [c.chain, c.ok])).toEqual([
      ['a', false],
      ['b', true],
      ['c', true],
    ]);
    // Without sources, a location is the record's index; a file without a line is the file alone.
    expect(verifyChain([{ ...a[0]!, actor: 'y' }]).issues[0]!.message).toMatch(/^record #0 \(a#1\): /);
    const fileOnly = verifyChain([{ ...a[0]!, actor: 'y' }], { sources: [{ file: 'f.jsonl' }] });
    expect(fileOnly.issues[0]!.locations).toEqual([{ index: 0, file: 'f.jsonl' }]);
    expect(fileOnly.issues[0]!.message).toMatch(/^f\.jsonl \(a#1\): /);
  });

  it('tells a renumbered record from an edited one, one or two places away', () => {
    const records: AuditRecord[] = buildChain(8);
    for (const [d, from] of [
      [1, 4],
      [-1, 4],
      [2, 4],
      [-2, 4],
    ] as const) {
      const moved = records.map((r) => (r.seq === from ? { ...r, seq: from + d } : r));
      const issue = verifyChain(moved).issues.find((i) => i.kind === 'hash-mismatch')!;
      expect(issue.message, `seq ${from} → ${from + d}`).toMatch(`its seq was changed from ${from} `);
    }
    const far = records.map((r) => (r.seq === 4 ? { ...r, seq: 7 } : r));
    expect(verifyChain(far).issues.find((i) => i.kind === 'hash-mismatch')!.message).toMatch(
      /the record was changed$/,
    );
    // seq 2 renumbered to 1 is found, and so is seq 1 renumbered to 2 (seq 1 is a candidate).
    const first = records.map((r) => (r.seq === 2 ? { ...r, seq: 1 } : r));
    expect(verifyChain(first).issues.find((i) => i.kind === 'hash-mismatch')!.message).toMatch(
      'changed from 2',
    );
    const second = records.map((r) => (r.seq === 1 ? { ...r, seq: 2 } : r));
    expect(verifyChain(second).issues.find((i) => i.kind === 'hash-mismatch')!.message).toMatch(
      'its seq was changed from 1 ',
    );
  });

  it('counts distinct records per chain: duplicates once, competitors at one seq each', () => {
    const records = buildChain(4);
    const branch = appendRecord(records[1], {
      chain: records[0]!.chain,
      kind: 'x',
      at: new Date(0),
      actor: 'b',
    });
    const v = verifyChain([...records, records[2], branch]);
    expect(v.chains[0]).toMatchObject({ records: 5, firstSeq: 1, lastSeq: 4, ok: false });
    expect(v.issues.map((i) => i.kind).sort()).toEqual([
      'duplicate-record',
      'fork',
      'out-of-order',
      'out-of-order',
    ]);
  });

  it('says whether the record before a broken link was itself changed', () => {
    const records: AuditRecord[] = buildChain(5);
    const rehashed = { ...records[2]!, data: { forged: true } };
    const changedAndRehashed = verifyChain([
      ...records.slice(0, 2),
      { ...rehashed, hash: computeRecordHash(rehashed) },
      ...records.slice(3),
    ]);
    expect(changedAndRehashed.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(
        /prevHash does not match the hash of record #2 \(seq 3\) — that record was changed and re-hashed, or this link was altered$/,
      ),
    ]);
    const edited = { ...records[2]!, data: { forged: true }, hash: 'e'.repeat(64) };
    const rewritten = verifyChain([...records.slice(0, 2), edited, ...records.slice(3)]);
    expect(rewritten.issues.find((i) => i.kind === 'broken-link')!.message).toMatch(/— chain rewritten$/);
  });

  it('pins the location of every issue kind and the message of a fork', () => {
    const records = buildChain(5);
    const chain = records[0]!.chain;
    const loc = (v: ReturnType<typeof verifyChain>) =>
      v.issues.map((i) => [i.kind, i.locations.map((l) => l.index)]);
    expect(loc(verifyChain(records.slice(2)))).toEqual([['missing-records', [0]]]);
    const midGenesis = { ...records[2]!, prevHash: GENESIS_HASH };
    expect(
      loc(verifyChain([records[0], records[1], { ...midGenesis, hash: computeRecordHash(midGenesis) }])),
    ).toEqual([['wrong-genesis', [2]]]);
    const notGenesis = { ...records[0]!, prevHash: 'f'.repeat(64) };
    expect(loc(verifyChain([{ ...notGenesis, hash: computeRecordHash(notGenesis) }]))).toEqual([
      ['wrong-genesis', [0]],
    ]);
    const changed = { ...records[1]!, actor: 'z' };
    expect(
      loc(verifyChain([records[0], { ...changed, hash: computeRecordHash(changed) }, records[2]])),
    ).toEqual([['broken-link', [1, 2]]]);
    expect(loc(verifyChain([records[0], records[2]]))).toEqual([['missing-records', [0, 1]]]);
    expect(loc(verifyChain(records.slice(0, 3), { expectedHeads: { [chain]: records[4]!.hash } }))).toEqual([
      ['head-mismatch', [2]],
    ]);
    expect(loc(verifyChain(records, { expectedHeads: { other: records[4]!.hash } }))).toEqual([
      ['head-mismatch', []],
    ]);
    // A fork at seq 1: two valid first records.
    const other = appendRecord(undefined, { chain, kind: 'listen', at: new Date(0), actor: 'second-writer' });
    const fork = verifyChain([records[0], other]);
    expect(fork.issues.map((i) => [i.kind, i.seq])).toEqual([['fork', 1]]);
    expect(fork.issues[0]!.message).toBe(
      `chain ${chain} forks at seq 1: 2 different valid records link to the same predecessor (record #0, record #1)`,
    );
  });

  it('a changed copy of a record beside the original is an inserted record, not a duplicate', () => {
    const records = buildChain(3);
    const edited = { ...records[1]!, actor: 'someone-else' }; // same hash field, different content
    const v = verifyChain([records[0], records[1], edited, records[2]]);
    expect(v.issues.map((i) => i.kind).sort()).toEqual(['hash-mismatch', 'inserted-record']);
  });

  it('compares with an expected (published) head', () => {
    const records = buildChain(5);
    const chain = records[0]!.chain;
    expect(verifyChain(records, { expectedHeads: { [chain]: records[4]!.hash } }).ok).toBe(true);
    // an older published head is an ancestor: the chain has only grown since
    expect(verifyChain(records, { expectedHeads: { [chain]: records[2]!.hash } }).ok).toBe(true);
    // truncated at the end: the published head is gone
    const truncated = verifyChain(records.slice(0, 4), { expectedHeads: { [chain]: records[4]!.hash } });
    expect(truncated.issues.map((i) => i.kind)).toEqual(['head-mismatch']);
    expect(verifyChain(records, { expectedHeads: { nope: records[4]!.hash } }).issues[0]!.kind).toBe(
      'head-mismatch',
    );
  });
});
