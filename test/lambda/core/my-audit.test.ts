import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../lambda/core/audit-chain';
import {
  type ChainReader,
  CursorError,
  decodeCursor,
  encodeCursor,
  MY_AUDIT_LIMITS,
  myEntry,
  parseLimit,
  personalChains,
  readMyAuditPage,
} from '../../../lambda/core/my-audit';

/** A listen record of `agentId`'s contact-<seq>; `over` changes any field. */
const record = (
  chain: string,
  seq: number,
  agentId: string,
  over: Partial<AuditRecord> = {},
): AuditRecord => ({
  chain,
  seq,
  kind: 'listen',
  at: '2026-11-20T09:00:00.000Z',
  actor: 'coach:x',
  subject: `contact-${seq}`,
  data: { agentId },
  prevHash: '0'.repeat(64),
  hash: seq.toString(16).padStart(64, '0'),
  ...over,
});

describe('personalChains', () => {
  it('reads the privacy, listens, governance and own-read chains of the period, in that order', () => {
    expect(personalChains('2026-11')).toEqual([
      'privacy/2026-11',
      'listens/2026-11',
      'governance/2026-11',
      'me/2026-11',
    ]);
  });
});

describe('myEntry', () => {
  const me = { agentId: 'me', contacts: new Set(['c-mine']) };
  const base = (r: AuditRecord) => ({
    chain: r.chain,
    seq: r.seq,
    hash: r.hash,
    kind: r.kind,
    at: r.at,
    actor: r.actor,
  });

  it.each([
    ['the agent acted', { actor: 'agent:me', subject: 'c-other', data: {} }],
    ['the record names the agent', { actor: 'coach:x', subject: 'c-other', data: { agentId: 'me' } }],
    ["it is about one of the agent's contacts", { actor: 'coach:x', subject: 'c-mine', data: {} }],
    [
      "its data names one of the agent's contacts",
      { actor: 'coach:x', subject: 'c-other', data: { contactId: 'c-mine' } },
    ],
  ])('shows a record whole when %s', (_why, over) => {
    const r = record('privacy/2026-11', 3, 'x', over);
    expect(myEntry(r, me)).toStrictEqual({ ...base(r), subject: r.subject, data: r.data });
  });

  it.each([
    ['another agent acted', { actor: 'agent:other', subject: 'c-other', data: {} }],
    ['the data names another agent', { data: { agentId: 'other', contactId: 'c-other' } }],
    ['no subject and no contact', { subject: undefined, data: {} }],
    ['a contact id that is not a string', { subject: undefined, data: { contactId: ['c-mine'] } }],
    ['an agent id that is not a string', { subject: undefined, data: { agentId: ['me'] } }],
  ])('hides a record when %s', (_why, over) => {
    expect(myEntry(record('privacy/2026-11', 3, 'x', over), me)).toBeUndefined();
  });

  it('leaves out a subject the record does not have', () => {
    const r = record('privacy/2026-11', 3, 'x', { subject: undefined, actor: 'agent:me', data: {} });
    expect(myEntry(r, me)).toStrictEqual({ ...base(r), data: {} });
  });

  const assignment = (listens: unknown) =>
    record('listens/2026-11', 5, 'x', {
      kind: 'assignment',
      actor: 'function:assignment',
      subject: '2026-11',
      data: { scope: 'coach', coachId: 'coach-1', listens } as AuditRecord['data'],
    });

  it("shows an assignment cut down to the agent's own listens, marked partial", () => {
    const r = assignment([
      { contactId: 'c-mine', agentId: 'me' },
      { contactId: 'c-other', agentId: 'other' },
      null,
      'me',
      ['me'],
    ]);
    expect(myEntry(r, me)).toStrictEqual({
      ...base(r),
      subject: '2026-11',
      data: { scope: 'coach', coachId: 'coach-1', listens: [{ contactId: 'c-mine', agentId: 'me' }] },
      partial: true,
    });
  });

  it('hides an assignment without a listen of the agent, even one about their contact', () => {
    expect(myEntry(assignment([{ contactId: 'c-mine', agentId: 'other' }]), me)).toBeUndefined();
  });

  it('treats an assignment without a list of listens, and any other kind, by the general rule', () => {
    const run = record('listens/2026-11', 6, 'x', { kind: 'assignment', data: { scope: 'run', listens: 2 } });
    expect(myEntry(run, me)).toBeUndefined();
    const plan = record('governance/2026-11', 7, 'me', {
      kind: 'plan',
      data: { agentId: 'me', listens: [{ agentId: 'other' }] },
    });
    expect(myEntry(plan, me)?.data).toEqual(plan.data);
  });
});

describe('cursor and limit', () => {
  const text = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

  it('starts at the beginning without a cursor and reads back the cursor it wrote', () => {
    expect(decodeCursor(undefined, 4)).toEqual({ chain: 0, afterSeq: 0 });
    expect(decodeCursor('', 4)).toEqual({ chain: 0, afterSeq: 0 });
    expect(decodeCursor(encodeCursor({ chain: 3, afterSeq: 17 }), 4)).toEqual({ chain: 3, afterSeq: 17 });
  });

  it('reads a cursor of exactly 200 characters and refuses a longer one', () => {
    const padded = (bytes: number) => text(`{"c":1,"s":2}${' '.repeat(bytes - 13)}`);
    expect(padded(150)).toHaveLength(200);
    expect(decodeCursor(padded(150), 4)).toEqual({ chain: 1, afterSeq: 2 });
    // One more character decodes to the same text (a lone last character carries no whole byte).
    expect(Buffer.from(`${padded(150)}A`, 'base64url').toString()).toBe(
      Buffer.from(padded(150), 'base64url').toString(),
    );
    expect(() => decodeCursor(`${padded(150)}A`, 4)).toThrow(CursorError);
  });

  it.each([
    ['a chain past the last', encodeCursor({ chain: 4, afterSeq: 0 })],
    ['characters outside base64url after a good cursor', `${encodeCursor({ chain: 1, afterSeq: 2 })}.`],
    ['characters outside base64url before a good cursor', `.${encodeCursor({ chain: 1, afterSeq: 2 })}`],
    ['text that is not JSON', text('c=1')],
    ['an extra member', text('{"c":1,"s":2,"x":0}')],
    ['a negative seq', text('{"c":1,"s":-1}')],
    ['a fractional chain', text('{"c":1.5,"s":2}')],
    ['a chain index past 64', text('{"c":65,"s":2}')],
    ['JSON that is not an object', text('[1,2]')],
  ])('refuses %s', (_what, raw) => {
    expect(() => decodeCursor(raw, 4)).toThrow(new CursorError('cursor is not one this API returned'));
  });

  it('reads a page size from 1 to 100, 50 when none is given', () => {
    expect(parseLimit(undefined)).toBe(MY_AUDIT_LIMITS.defaultLimit);
    expect(parseLimit('')).toBe(50);
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('100')).toBe(100);
  });

  it.each(['0', '101', '1000', '-1', '1.5', '1e2', ' 5', 'ten'])('refuses the page size %j', (raw) => {
    expect(() => parseLimit(raw)).toThrow(new CursorError('limit must be a whole number 1..100'));
  });
});

describe('readMyAuditPage (bounded pages)', () => {
  /** Two chains of 30 records, every third one mine, read at most 7 at a time. */
  const chains = ['one', 'two'];
  const store = new Map(
    chains.map((ch) => [
      ch,
      Array.from({ length: 30 }, (_, i) => record(ch, i + 1, i % 3 === 0 ? 'me' : 'other')),
    ]),
  );
  let calls = 0;
  const read: ChainReader = async (chain, afterSeq, max) => {
    calls++;
    const rest = store.get(chain)!.filter((r) => r.seq > afterSeq);
    const records = rest.slice(0, Math.min(max, 7));
    return {
      records,
      examined: records.length,
      lastSeq: records.at(-1)?.seq,
      more: rest.length > records.length,
    };
  };
  const me = { agentId: 'me', contacts: new Set<string>() };

  it('examines at most maxScanned records a page and resumes exactly where it stopped', async () => {
    const seen: string[] = [];
    let cursor = { chain: 0, afterSeq: 0 };
    for (let page = 0; page < 30; page++) {
      calls = 0;
      const out = await readMyAuditPage(read, chains, me, cursor, 4, 10);
      expect(out.scanned).toBeLessThanOrEqual(10);
      expect(out.entries.length).toBeLessThanOrEqual(4);
      expect(calls).toBeLessThanOrEqual(10);
      seen.push(...out.entries.map((e) => `${e.chain}#${e.seq}`));
      if (!out.next) break;
      const next = JSON.parse(Buffer.from(out.next, 'base64url').toString());
      cursor = { chain: next.c, afterSeq: next.s };
    }
    const expected = chains.flatMap((ch) =>
      store
        .get(ch)!
        .filter((r) => myEntry(r, me))
        .map((r) => `${ch}#${r.seq}`),
    );
    expect(seen).toEqual(expected);
    expect(expected).toHaveLength(20);
  });

  /** A reader over fixed pages of one chain, one page a call. */
  const pages = (...list: Awaited<ReturnType<ChainReader>>[]): ChainReader => {
    let call = 0;
    return async () => list[call++] ?? { records: [], examined: 0, more: false };
  };
  const cursorOf = (next: string | undefined) => (next === undefined ? undefined : decodeCursor(next, 2));

  it.each([
    [
      'ends a page inside a read at the last record it took, and resumes after it',
      {
        records: [record('one', 1, 'me'), record('one', 2, 'me'), record('one', 3, 'me')],
        examined: 3,
        lastSeq: 3,
        more: false,
      },
      0,
      { seqs: [1], scanned: 3, resumeAfter: 1 },
    ],
    [
      'resumes after records the reader skipped when the limit is met on the last record of a read',
      { records: [record('one', 4, 'other'), record('one', 5, 'me')], examined: 9, lastSeq: 12, more: true },
      3,
      { seqs: [5], scanned: 9, resumeAfter: 12 },
    ],
  ])('%s', async (_name, page, afterSeq, expected) => {
    const out = await readMyAuditPage(pages(page), chains, me, { chain: 0, afterSeq }, 1);
    expect(out.entries.map((e) => e.seq)).toEqual(expected.seqs);
    expect(out.scanned).toBe(expected.scanned);
    expect(cursorOf(out.next)).toEqual({ chain: 0, afterSeq: expected.resumeAfter });
  });

  it('moves to the next chain from its start when a chain ends, and ends with no cursor after the last', async () => {
    const read = pages(
      { records: [record('one', 7, 'me')], examined: 1, lastSeq: 7, more: false },
      { records: [], examined: 0, more: false },
    );
    const first = await readMyAuditPage(read, chains, me, { chain: 0, afterSeq: 6 }, 1);
    expect(cursorOf(first.next)).toEqual({ chain: 1, afterSeq: 0 });
    const last = await readMyAuditPage(read, chains, me, { chain: 1, afterSeq: 0 }, 1);
    // An empty read still counts as one record examined, so a page of empty chains ends.
    expect(last).toStrictEqual({ entries: [], scanned: 1 });
  });

  it('refuses a reader that says there is more but gets no further', async () => {
    const stuck = pages({ records: [], examined: 0, lastSeq: 3, more: true });
    await expect(readMyAuditPage(stuck, chains, me, { chain: 0, afterSeq: 3 }, 5)).rejects.toThrow(
      'reading one after seq 3 made no progress',
    );
  });

  it('reads nothing past a cursor at the end, and stops at maxScanned even without entries', async () => {
    expect(await readMyAuditPage(pages(), chains, me, { chain: 2, afterSeq: 0 }, 5)).toStrictEqual({
      entries: [],
      scanned: 0,
    });
    const others = pages(
      {
        records: [record('one', 1, 'other'), record('one', 2, 'other')],
        examined: 2,
        lastSeq: 2,
        more: true,
      },
      { records: [record('one', 3, 'me')], examined: 1, lastSeq: 3, more: true },
    );
    const out = await readMyAuditPage(others, chains, me, { chain: 0, afterSeq: 0 }, 5, 2);
    expect(out).toStrictEqual({ entries: [], scanned: 2, next: encodeCursor({ chain: 0, afterSeq: 2 }) });
  });
});
