/**
 * The council member's download of the audit bucket (`downloadPublication`, `downloadAudit`) as S3
 * answers it for a big bucket — in pages, the newest version of a key first — and the publication
 * read back whatever the order of its version list or of its objects.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORT_PREFIX } from '../../../lambda/audit-export/config';
import { escapeChain, exportFileName } from '../../../lambda/audit-export/targets';
import { headsKey, sha256Hex } from '../../../lambda/core/publication';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { verifyAuditExport } from '../../../lib/verify/audit-export';
import {
  downloadAudit,
  downloadPublication,
  loadPublication,
  type Publication,
  signedHeads,
  VERSIONS_FILE,
} from '../../../lib/verify/publication';
import { chainOf, jsonl, pagedS3, publishedExport } from '../../support/publication';

const root = mkdtempSync(join(tmpdir(), 'fairlisten-publication-download-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `d-${n++}`);

const T1 = new Date('2026-11-01T10:00:00.000Z');
const T2 = new Date('2026-11-02T10:00:00.000Z');
const T3 = new Date('2026-11-03T10:00:00.000Z');
const T4 = new Date('2026-11-04T10:00:00.000Z');

/** Every file under `dir`, as sorted `/`-separated paths. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

describe('downloadPublication, against S3 answering in pages', () => {
  /** a.json written twice, b.json once, c.json then hidden by a delete marker, one object elsewhere. */
  async function bucket(): Promise<VersionedS3> {
    let now = T1;
    const s3 = new VersionedS3('audit', { clock: () => now });
    s3.addVersion('published/b.json', Buffer.from('b1'));
    s3.addVersion('published/a.json', Buffer.from('a1'));
    s3.addVersion(`${EXPORT_PREFIX}x/000000000001-000000000001.jsonl`, Buffer.from('not published'));
    now = T2;
    s3.addVersion('published/a.json', Buffer.from('a2, longer'));
    now = T3;
    s3.addVersion('published/c.json', Buffer.from('c1'));
    now = T4;
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'audit', Key: 'published/c.json' }));
    return s3;
  }

  it('lists every version on every page, oldest first by key, and writes the current bodies only', async () => {
    for (const pageSize of [1, 2, 3, 1000]) {
      const s3 = await bucket();
      const { client, requests } = pagedS3(s3, pageSize);
      const dir = fresh();
      expect(await downloadPublication(client, 'audit', dir)).toBe(5);
      const id = (key: string, i: number) => s3.versions(key)[i]!.versionId;
      const version = (key: string, i: number, at: Date, body: string, latest = false) => ({
        key,
        versionId: id(key, i),
        createdAt: at.toISOString(),
        sha256: sha256Hex(body),
        size: Buffer.byteLength(body),
        ...(latest ? { latest: true } : {}),
      });
      expect(JSON.parse(readFileSync(join(dir, VERSIONS_FILE), 'utf8'))).toEqual({
        versions: [
          version('published/a.json', 0, T1, 'a1'),
          version('published/a.json', 1, T2, 'a2, longer', true),
          version('published/b.json', 0, T1, 'b1', true),
          version('published/c.json', 0, T3, 'c1'),
          version('published/c.json', 1, T4, '', true),
        ],
      });
      // S3 listed a2 before a1: the file holds the current version, and c (deleted) has none.
      expect(filesUnder(dir)).toEqual([VERSIONS_FILE, 'published/a.json', 'published/b.json']);
      expect(readFileSync(join(dir, 'published', 'a.json'), 'utf8')).toBe('a2, longer');
      expect(readFileSync(join(dir, 'published', 'b.json'), 'utf8')).toBe('b1');
      const lists = requests.filter((r) => r.command === 'ListObjectVersions');
      expect(lists).toHaveLength(Math.ceil(5 / pageSize));
      expect(lists.every((r) => r.input.Prefix === 'published/')).toBe(true);
      expect(lists[0]!.input.KeyMarker).toBeUndefined();
      // Each page after the first starts after the last entry of the one before.
      for (const r of lists.slice(1)) expect(r.input.VersionIdMarker).toEqual(expect.any(String));
      // Every version body read once, by its version id; nothing outside published/.
      expect(
        requests
          .filter((r) => r.command === 'GetObject')
          .map((r) => `${r.input.Key}@${r.input.VersionId}`)
          .sort(),
      ).toEqual(
        [
          `published/a.json@${id('published/a.json', 0)}`,
          `published/a.json@${id('published/a.json', 1)}`,
          `published/b.json@${id('published/b.json', 0)}`,
          `published/c.json@${id('published/c.json', 0)}`,
        ].sort(),
      );
      // What the download shows is what a write-once publication cannot: a replaced and a deleted object.
      const pub = loadPublication(dir);
      expect(pub.findings.map((f) => [f.code, f.message.split(' ')[0]])).toEqual([
        ['published-twice', 'published/a.json'],
        ['published-twice', 'published/c.json'],
        ['published-file-missing', 'published/c.json'],
      ]);
      expect(pub.objects.get('published/a.json')).toEqual({
        key: 'published/a.json',
        body: 'a2, longer',
        createdAt: T1.toISOString(),
      });
    }
  });

  it('takes the version S3 names current when two were written in the same second', async () => {
    // S3 keeps whole seconds and lists a key's newest version first: by time alone they tie.
    for (const bodies of [
      ['a1', 'a2, longer'],
      ['a2, longer', 'a1'],
      ['a1', 'a2, longer', 'a3'],
      ['a3', 'a1', 'a2, longer'],
    ]) {
      const s3 = new VersionedS3('audit', { clock: () => T1 });
      for (const body of bodies) s3.addVersion('published/a.json', Buffer.from(body));
      const older = bodies.slice(0, -1);
      const second = bodies.at(-1)!;
      const dir = fresh();
      await downloadPublication(pagedS3(s3, 1).client, 'audit', dir);
      const { versions } = JSON.parse(readFileSync(join(dir, VERSIONS_FILE), 'utf8')) as {
        versions: { sha256: string; latest?: true }[];
      };
      // The older ones as S3 listed them (newest first), the current one last.
      expect(versions.map((v) => [v.sha256, v.latest])).toEqual([
        ...older.reverse().map((b) => [sha256Hex(b), undefined]),
        [sha256Hex(second), true],
      ]);
      const pub = loadPublication(dir);
      // Replaced: said once, and the current file is the one S3 listed as current, not "changed".
      expect(pub.findings.map((f) => f.code)).toEqual(['published-twice']);
      expect(pub.objects.get('published/a.json')?.body).toBe(second);
      // The list read back in the other order names the same current version.
      writeFileSync(join(dir, VERSIONS_FILE), JSON.stringify({ versions: [...versions].reverse() }));
      expect(loadPublication(dir).objects.get('published/a.json')?.body).toBe(second);
    }
  });

  it('falls back to the newest by time when the list does not name one current version', async () => {
    // Downloads made before the flag, or a list edited to flag two: the newest by time counts.
    const s3 = new VersionedS3('audit', { clock: () => T1 });
    s3.addVersion('published/a.json', Buffer.from('a1'));
    const dir = fresh();
    await downloadPublication(pagedS3(s3, 1000).client, 'audit', dir);
    writeFileSync(join(dir, 'published', 'a.json'), 'a2');
    const a = (body: string, at: Date, flag: boolean) => ({
      key: 'published/a.json',
      versionId: body,
      createdAt: at.toISOString(),
      sha256: sha256Hex(body),
      size: 2,
      ...(flag ? { latest: true } : {}),
    });
    for (const flags of [
      [false, false, false],
      [true, false, true],
    ]) {
      const versions = [a('a1', T1, flags[0]!), a('a0', T1, flags[1]!), a('a2', T2, flags[2]!)];
      writeFileSync(join(dir, VERSIONS_FILE), JSON.stringify({ versions }));
      const pub = loadPublication(dir);
      expect(pub.findings.map((f) => f.code)).toEqual(['published-twice']);
      expect(pub.findings[0]?.message).toContain('written 3 times');
      expect(pub.objects.get('published/a.json')?.body).toBe('a2');
    }
  });

  it('writes an empty version list for an empty publication', async () => {
    const dir = fresh();
    const { client } = pagedS3(new VersionedS3('audit'), 2);
    expect(await downloadPublication(client, 'audit', dir)).toBe(0);
    expect(readFileSync(join(dir, VERSIONS_FILE), 'utf8')).toBe('{\n  "versions": []\n}\n');
    expect(loadPublication(dir).findings).toEqual([]);
  });
});

describe('downloadAudit', () => {
  it('copies every export file (every page) beside the publication, and the copy verifies', async () => {
    const e = await publishedExport(fresh());
    const decisions = chainOf('decisions/2026-10', 5);
    const listens = chainOf('listens', 2);
    const files: Record<string, string> = {
      [`${escapeChain('decisions/2026-10')}/${exportFileName(1, 3)}`]: jsonl(decisions.slice(0, 3)),
      [`${escapeChain('decisions/2026-10')}/${exportFileName(4, 5)}`]: jsonl(decisions.slice(3)),
      [`listens/${exportFileName(1, 2)}`]: jsonl(listens),
    };
    for (const [name, body] of Object.entries(files))
      e.s3.addVersion(`${EXPORT_PREFIX}${name}`, Buffer.from(body));
    // Beside the exports: nothing of it is part of the audit copy.
    e.s3.addVersion('recordings/r.wav', Buffer.from('RIFF'));
    await e.publishHeadsOf({ 'decisions/2026-10': decisions, listens }, T1);

    const dir = fresh();
    const { client, requests } = pagedS3(e.s3, 2);
    expect(await downloadAudit(client, 'audit', dir)).toEqual({ files: 3, versions: 2 });
    // The exports, and the publication exactly as downloadPublication alone writes it (in e.dir).
    expect(filesUnder(e.dir)).toEqual([
      VERSIONS_FILE,
      headsKey(T1.toISOString()),
      expect.stringMatching(/^published\/keys\/[0-9a-f]{64}\.pem$/),
    ]);
    expect(filesUnder(dir)).toEqual([...Object.keys(files), ...filesUnder(e.dir)].sort());
    expect(readFileSync(join(dir, VERSIONS_FILE), 'utf8')).toBe(
      readFileSync(join(e.dir, VERSIONS_FILE), 'utf8'),
    );
    for (const [name, body] of Object.entries(files))
      expect(readFileSync(join(dir, name), 'utf8')).toBe(body);
    const lists = requests.filter((r) => r.command === 'ListObjectsV2');
    expect(lists.map((r) => [r.input.Prefix, r.input.ContinuationToken])).toEqual([
      [EXPORT_PREFIX, undefined],
      [EXPORT_PREFIX, '2'],
    ]);
    const report = verifyAuditExport(dir);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.heads.map((h) => h.chains.map((c) => [c.chain, c.seq]))).toEqual([
      [
        ['decisions/2026-10', 5],
        ['listens', 2],
      ],
    ]);
  });

  it('copies nothing from a bucket without exports', async () => {
    const dir = fresh();
    const { client, requests } = pagedS3(new VersionedS3('audit'), 2);
    expect(await downloadAudit(client, 'audit', dir)).toEqual({ files: 0, versions: 0 });
    expect(filesUnder(dir)).toEqual([VERSIONS_FILE]);
    expect(requests.map((r) => r.command)).toEqual(['ListObjectsV2', 'ListObjectVersions']);
  });
});

describe('the publication read back in any order', () => {
  /** Heads published at T1 and T2, the T1 heads object written a second time at T3. */
  async function replaced() {
    const e = await publishedExport(fresh());
    const a = chainOf('a', 3);
    await e.publishHeadsOf({ a: a.slice(0, 2) }, T1);
    await e.publishHeadsOf({ a }, T2);
    const key = headsKey(T1.toISOString());
    const body = readFileSync(join(e.dir, ...key.split('/')), 'utf8');
    e.s3.addVersion(key, Buffer.from(body));
    await e.download();
    return { e, key };
  }

  it('takes the oldest version as the time of publication and the newest as the body, however the list is ordered', async () => {
    const { e, key } = await replaced();
    const file = join(e.dir, VERSIONS_FILE);
    const { versions } = JSON.parse(readFileSync(file, 'utf8')) as { versions: { key: string }[] };
    const inOrder = loadPublication(e.dir);
    expect(inOrder.findings).toEqual([
      {
        code: 'published-twice',
        message: `${key} was written 2 times (${T1.toISOString()}, ${T2.toISOString()}): a published object must never be replaced`,
      },
    ]);
    expect(inOrder.objects.get(key)!.createdAt).toBe(T1.toISOString());
    for (const order of [[...versions].reverse(), [versions[1], versions[3], versions[0], versions[2]]]) {
      writeFileSync(file, JSON.stringify({ versions: order }));
      const pub = loadPublication(e.dir);
      expect(pub.findings).toEqual(inOrder.findings);
      expect(new Map([...pub.objects].sort(([x], [y]) => (x < y ? -1 : 1)))).toEqual(
        new Map([...inOrder.objects].sort(([x], [y]) => (x < y ? -1 : 1))),
      );
    }
  });

  it('checks the heads objects in key order and gives them in export order, whatever the order of the objects', async () => {
    const e = await publishedExport(fresh());
    const a = chainOf('a', 3);
    await e.publishHeadsOf({ a: a.slice(0, 1) }, T1);
    await e.publishHeadsOf({ a: a.slice(0, 2) }, T2);
    await e.publishHeadsOf({ a }, T3);
    // The T1 heads object replayed under a later name than the newest, and two that are no heads.
    const first = readFileSync(join(e.dir, ...headsKey(T1.toISOString()).split('/')), 'utf8');
    await e.publisher.putOnce(headsKey(T4.toISOString()), first);
    await e.publisher.putOnce(headsKey('2026-11-01T00:00:00.000Z'), '{}');
    await e.publisher.putOnce(headsKey('2026-11-05T00:00:00.000Z'), 'not json');
    await e.download();
    const pub = loadPublication(e.dir);
    expect(pub.findings).toEqual([]);
    for (const objects of [[...pub.objects], [...pub.objects].reverse()]) {
      const { heads, findings } = signedHeads({ objects: new Map(objects), findings: [] } as Publication);
      expect(findings.map((f) => f.message.split(' ')[0])).toEqual([
        headsKey('2026-11-01T00:00:00.000Z'),
        headsKey('2026-11-05T00:00:00.000Z'),
      ]);
      expect(heads.map((h) => [h.objectKey, h.exportedAt, h.chains[0]!.seq])).toEqual([
        [headsKey(T1.toISOString()), T1.toISOString(), 1],
        [headsKey(T4.toISOString()), T1.toISOString(), 1],
        [headsKey(T2.toISOString()), T2.toISOString(), 2],
        [headsKey(T3.toISOString()), T3.toISOString(), 3],
      ]);
    }
  });
});
