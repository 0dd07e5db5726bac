import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../lib/cli/audit';
import { readWitness, verifyExport } from '../../../lib/verify/audit-export';
import { consolePerTest } from '../../support/console';
import { chainOf, jsonl, publishedExport } from '../../support/publication';

const root = mkdtempSync(join(tmpdir(), 'audit-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `export-${n++}`);

const { out, err } = consolePerTest();

const a = chainOf('a', 5);
const b = chainOf('listens/2026-10', 4);

async function clean() {
  const e = await publishedExport(fresh());
  e.writeFile('a', a.slice(0, 3));
  e.writeFile('a', a.slice(3));
  e.writeFile('listens/2026-10', b);
  await e.publishHeadsOf({ a, 'listens/2026-10': b }, new Date('2026-11-01T10:00:00.000Z'));
  return e;
}

describe('fairlisten audit verify', () => {
  it('exits 0 on an export whose chains, file names and signed heads check out', async () => {
    const e = await clean();
    expect(await run(['verify', '--export', e.dir])).toBe(0);
    expect(out.at(-1)).toBe('OK: 3 file(s), 2 chain(s), 1 signed heads object(s), 0 finding(s)');
  });

  it('exits 1 on a changed record, each finding on its own line, and never crashes on bad lines', async () => {
    const e = await clean();
    const changed = { ...a[2]!, actor: 'mallory' };
    writeFileSync(
      join(e.dir, 'a', '000000000001-000000000003.jsonl'),
      `${jsonl([a[0], a[1], changed])}{not json\n`,
    );
    expect(await run(['verify', '--export', e.dir])).toBe(1);
    const text = out.join('\n');
    expect(text).toMatch(
      /^FAILED: a\/000000000001-000000000003\.jsonl:3 \(a#3\): content does not match its hash/m,
    );
    expect(text).toMatch(/^FAILED: a\/000000000001-000000000003\.jsonl:4: not JSON/m);
  });

  it('exits 1 without signed heads: a chain that only verifies itself proves nothing', async () => {
    const e = await publishedExport(fresh());
    e.writeFile('a', a);
    expect(await run(['verify', '--export', e.dir])).toBe(1);
    expect(out.join('\n')).toMatch(/no signed heads were published/);
    expect(out.join('\n')).toMatch(/published-versions\.json is missing/);
  });

  it('prints JSON with --json', async () => {
    const e = await clean();
    expect(await run(['verify', '--export', e.dir, '--json'])).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      ok: true,
      files: 3,
      findings: [],
      chains: { a: { lastSeq: 5, lastHash: a[4]!.hash } },
      signedHeads: 1,
    });
  });

  it.each([
    [[]],
    [['verify']],
    [['check', '--export', '.']],
    [['verify', '--export']],
    [['verify', '--export', '.', '--bogus']],
    [['witness', '--export', '.']],
    [['verify', '--export', '/definitely/not/here']],
  ])('exits 2 on usage error %j', async (argv) => {
    expect(await run(argv)).toBe(2);
    expect(err.join('\n')).not.toBe('');
  });

  it('verifyExport (chains only) returns the issues with file and line', () => {
    writeFileSync(join(root, `plain-${n}.jsonl`), jsonl([a[0], a[2]]));
    const report = verifyExport(join(root, `plain-${n}.jsonl`));
    expect(report.issues.map((i) => i.kind)).toEqual(['missing-records']);
    expect(report.issues[0]!.locations[0]).toMatchObject({ file: join(root, `plain-${n}.jsonl`), line: 1 });
    const expected = verifyExport(join(root, `plain-${n}.jsonl`), {
      a: 'f'.repeat(64),
      gone: 'e'.repeat(64),
    });
    expect(expected.issues.map((i) => i.kind)).toEqual(['missing-records', 'head-mismatch', 'head-mismatch']);
  });

  it('reads a witness file with Windows line ends and blank lines, and never takes a folder for a new one', () => {
    const file = join(root, `witness-crlf-${n}.jsonl`);
    const entry = { kind: 'policy', sha256: 'd'.repeat(64), witnessedAt: '2026-10-15T00:00:00.000Z' };
    writeFileSync(file, `${JSON.stringify(entry)}\r\n \t\r\n\r\n${JSON.stringify(entry)}\r\n`);
    expect(readWitness(file)).toEqual([entry, entry]);
    expect(readWitness(join(root, `none-${n}.jsonl`), { startsEmpty: true })).toEqual([]);
    expect(() => readWitness(root, { startsEmpty: true })).toThrow(`${root}: EISDIR`);
  });
});

describe('fairlisten audit witness', () => {
  it('appends the heads it sees, and a later verify fails when the export no longer extends them', async () => {
    const e = await clean();
    const witness = join(e.dir, '..', `witness-${n}.jsonl`);
    expect(await run(['witness', '--export', e.dir, '--witness', witness])).toBe(0);
    const lines = readFileSync(witness, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'head', chain: 'a', seq: 5, hash: a[4]!.hash }),
      ]),
    );
    // Witnessing again adds nothing new.
    expect(await run(['witness', '--export', e.dir, '--witness', witness])).toBe(0);
    expect(readFileSync(witness, 'utf8').trim().split('\n')).toHaveLength(lines.length);

    // The operator rewrites chain a and publishes new, validly signed heads for it.
    const forged = chainOf('a', 5, 100);
    rmSync(join(e.dir, 'a'), { recursive: true });
    e.writeFile('a', forged);
    await e.publishHeadsOf({ a: forged, 'listens/2026-10': b }, new Date('2026-11-02T10:00:00.000Z'));
    out.length = 0;
    expect(await run(['verify', '--export', e.dir, '--witness', witness])).toBe(1);
    expect(out.join('\n')).toMatch(
      /^FAILED: record 5 of chain a is not the one your witness file \(seen .*\) shows: the chain was rewritten$/m,
    );
    // …and witness refuses to record the rewritten state.
    expect(await run(['witness', '--export', e.dir, '--witness', witness])).toBe(1);
    expect(readFileSync(witness, 'utf8').trim().split('\n')).toHaveLength(lines.length);
  });

  it('says how many entries it witnessed, one new head after the export grew', async () => {
    const e = await clean();
    const witness = join(root, `count-witness-${n}.jsonl`);
    expect(await run(['witness', '--export', e.dir, '--witness', witness])).toBe(0);
    expect(out).toEqual([
      'OK: 3 file(s), 2 chain(s), 1 signed heads object(s), 0 finding(s)',
      `witnessed: 2 new entries in ${witness}`,
    ]);
    const grown = chainOf('a', 6);
    e.writeFile('a', grown.slice(5));
    await e.publishHeadsOf({ a: grown, 'listens/2026-10': b }, new Date('2026-11-02T10:00:00.000Z'));
    out.length = 0;
    expect(await run(['witness', '--export', e.dir, '--witness', witness])).toBe(0);
    expect(out.at(-1)).toBe(`witnessed: 1 new entry in ${witness}`);
    expect(readFileSync(witness, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('exits 2 on a witness file that is not one', async () => {
    const e = await clean();
    const bad = join(root, `bad-witness-${n}.jsonl`);
    writeFileSync(
      bad,
      `${JSON.stringify({ kind: 'head', chain: 'a', seq: 5, hash: a[4]!.hash, witnessedAt: 'x' })}\n{"kind":"nonsense"}\n\n`,
    );
    expect(await run(['verify', '--export', e.dir, '--witness', bad])).toBe(2);
    expect(err.join('\n')).toContain(`${bad}:2 is not a witness entry`);
    err.length = 0;
    expect(await run(['verify', '--export', e.dir, '--witness', root])).toBe(2);
    expect(err.join('\n')).toMatch(/EISDIR/);
  });

  it('names the line as the file has it, blank lines counted, and a line that is not JSON', async () => {
    const e = await clean();
    const bad = join(root, `blank-witness-${n}.jsonl`);
    const head = JSON.stringify({ kind: 'head', chain: 'a', seq: 5, hash: a[4]!.hash, witnessedAt: 'x' });
    writeFileSync(bad, `\n\n${head}\n{"kind":"nonsense"}\n`);
    expect(await run(['verify', '--export', e.dir, '--witness', bad])).toBe(2);
    expect(err.join('\n')).toContain(`${bad}:4 is not a witness entry`);
    err.length = 0;
    writeFileSync(bad, `${head}\n${head.slice(0, 20)}\n`);
    expect(await run(['verify', '--export', e.dir, '--witness', bad])).toBe(2);
    expect(err.join('\n')).toContain(`${bad}:2 is not JSON`);
  });

  it('refuses a witness file that does not exist, so a mistyped path does not pass as nothing witnessed', async () => {
    const e = await clean();
    const missing = join(root, `missing-witness-${n}.jsonl`);
    expect(await run(['verify', '--export', e.dir, '--witness', missing])).toBe(2);
    expect(err.join('\n')).toContain(`${missing}: no such witness file`);
    // audit witness starts the file, so there a missing one is the first month.
    expect(await run(['witness', '--export', e.dir, '--witness', missing])).toBe(0);
    expect(readFileSync(missing, 'utf8').trim().split('\n').length).toBeGreaterThan(0);
  });
});
