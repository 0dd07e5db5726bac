/**
 * The publication as a council member downloads it, and what a write-once publication cannot show:
 * each forgery is performed on the bucket or on the downloaded files, and must be named.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commitmentKey,
  headsKey,
  policyKey,
  publicKeyKey,
  revealKey,
  sha256Hex,
} from '../../../lambda/core/publication';
import {
  downloadPublication,
  loadPublication,
  publishedCommitment,
  publishedPolicies,
  publishedReveal,
  signedHeads,
  VERSIONS_FILE,
} from '../../../lib/verify/publication';
import { chainOf, type PublishedExport, publishedExport } from '../../support/publication';

const root = mkdtempSync(join(tmpdir(), 'fairlisten-publication-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `p-${n++}`);

const a = chainOf('a', 3);
const FIRST = new Date('2026-11-01T10:00:00.000Z');
const SECOND = new Date('2026-11-02T10:00:00.000Z');

async function published(): Promise<PublishedExport> {
  const e = await publishedExport(fresh());
  e.writeFile('a', a);
  await e.publishHeadsOf({ a: a.slice(0, 2) }, FIRST);
  await e.publishHeadsOf({ a }, SECOND);
  return e;
}
const codes = (dir: string) => {
  const pub = loadPublication(dir);
  return [...pub.findings, ...signedHeads(pub).findings].map((f) => f.code);
};
const put = (e: PublishedExport, Key: string, Body: string) =>
  e.s3.client.send(new PutObjectCommand({ Bucket: 'audit', Key, Body }));

describe('loadPublication and signedHeads', () => {
  it('read back every published object, with the time S3 created it, and the heads in export order', async () => {
    const e = await published();
    const pub = loadPublication(e.dir);
    expect(pub.findings).toEqual([]);
    const keys = [...pub.objects.keys()].sort();
    expect(keys).toEqual([
      headsKey(FIRST.toISOString()),
      headsKey(SECOND.toISOString()),
      expect.stringMatching(/^published\/keys\/[0-9a-f]{64}\.pem$/),
    ]);
    expect(pub.objects.get(headsKey(SECOND.toISOString()))!.createdAt).toBe(SECOND.toISOString());
    const { heads, findings } = signedHeads(pub);
    expect(findings).toEqual([]);
    expect(heads.map((h) => [h.exportedAt, h.chains[0]!.seq, h.objectKey, h.createdAt])).toEqual([
      [FIRST.toISOString(), 2, headsKey(FIRST.toISOString()), FIRST.toISOString()],
      [SECOND.toISOString(), 3, headsKey(SECOND.toISOString()), SECOND.toISOString()],
    ]);
  });

  it('name a missing or unreadable version list', async () => {
    const e = await published();
    writeFileSync(join(e.dir, VERSIONS_FILE), '{"versions": [{"key": "elsewhere/x"}]}');
    const bad = loadPublication(e.dir).findings;
    expect(bad[0]).toEqual({
      code: 'publication-missing',
      message: expect.stringMatching(new RegExp(`^${VERSIONS_FILE} is not readable: [^\\n]+$`)),
    });
    rmSync(join(e.dir, VERSIONS_FILE));
    expect(loadPublication(e.dir).findings[0]).toEqual({
      code: 'publication-missing',
      message: `${VERSIONS_FILE} is missing: there is no record of what was published, or when`,
    });
    expect(loadPublication(join(root, 'nothing-here')).findings.map((f) => f.code)).toEqual([
      'publication-missing',
    ]);
  });

  it('name a published object replaced by a second version, or hidden by a delete marker', async () => {
    const e = await published();
    const key = headsKey(FIRST.toISOString());
    const body = readFileSync(join(e.dir, ...key.split('/')), 'utf8');
    await put(e, key, body);
    await e.download();
    const pub = loadPublication(e.dir);
    expect(pub.findings).toEqual([
      {
        code: 'published-twice',
        message: `${key} was written 2 times (${FIRST.toISOString()}, ${SECOND.toISOString()}): a published object must never be replaced`,
      },
    ]);
    // The first version's creation time is the evidence of when it was published.
    expect(pub.objects.get(key)!.createdAt).toBe(FIRST.toISOString());

    const f = await published();
    await f.s3.client.send(new DeleteObjectCommand({ Bucket: 'audit', Key: key }));
    const dir = fresh();
    await downloadPublication(f.s3.client, 'audit', dir);
    expect(codes(dir)).toEqual(['published-twice', 'published-file-missing']);
  });

  it('name a published file deleted, changed, or added beside the published ones', async () => {
    const e = await published();
    const key = headsKey(SECOND.toISOString());
    const path = join(e.dir, ...key.split('/'));
    const body = readFileSync(path, 'utf8');
    rmSync(path);
    expect(loadPublication(e.dir).findings).toEqual([
      { code: 'published-file-missing', message: `${key} was published but its file is missing` },
    ]);
    writeFileSync(path, body.replace('"seq": 3', '"seq": 2'));
    expect(loadPublication(e.dir).findings).toEqual([
      {
        code: 'published-file-changed',
        message: `${key} is not the object that was published (its SHA-256 differs from the one S3 listed)`,
      },
    ]);
    expect(loadPublication(e.dir).objects.has(key)).toBe(false);
    writeFileSync(path, body);
    writeFileSync(join(e.dir, 'published', 'heads', 'extra.json'), body);
    expect(loadPublication(e.dir).findings).toEqual([
      {
        code: 'published-file-unknown',
        message:
          'published/heads/extra.json is in the published folder but S3 lists no such published object',
      },
    ]);
  });

  it('keep only heads signed with a published key named after its fingerprint', async () => {
    const e = await published();
    const keyFile = readdirSync(join(e.dir, 'published', 'keys'))[0]!;
    const pem = readFileSync(join(e.dir, 'published', 'keys', keyFile), 'utf8');
    // The key under another name: it is not the key the heads name.
    await put(e, publicKeyKey('0'.repeat(64)), pem);
    await put(e, `${'published/keys/'}junk.pem`, 'not a key');
    await put(e, headsKey('2026-11-03T00:00:00.000Z'), '{"not":"heads"}');
    const heads = JSON.parse(readFileSync(join(e.dir, ...headsKey(SECOND.toISOString()).split('/')), 'utf8'));
    await put(e, headsKey('2026-11-04T00:00:00.000Z'), JSON.stringify({ ...heads, key: 'a'.repeat(64) }));
    await put(
      e,
      headsKey('2026-11-05T00:00:00.000Z'),
      JSON.stringify({ ...heads, chains: [{ ...heads.chains[0], seq: 2 }] }),
    );
    await e.download();
    const pub = loadPublication(e.dir);
    expect(pub.findings).toEqual([]);
    const signed = signedHeads(pub);
    expect(signed.findings).toEqual([
      {
        code: 'bad-key',
        message: `${publicKeyKey('0'.repeat(64))} is not named after its own fingerprint (${keyFile.replace('.pem', '')})`,
      },
      { code: 'bad-key', message: 'published/keys/junk.pem is not a public key' },
      {
        code: 'bad-heads',
        message: `${headsKey('2026-11-03T00:00:00.000Z')} is not a valid signed heads object`,
      },
      {
        code: 'bad-signature',
        message: `${headsKey('2026-11-04T00:00:00.000Z')} is signed with key ${'a'.repeat(16)}…, which was never published`,
      },
      {
        code: 'bad-signature',
        message: `the signature of ${headsKey('2026-11-05T00:00:00.000Z')} does not verify: these heads were not written by the exporter`,
      },
    ]);
    expect(signed.heads.map((h) => h.exportedAt)).toEqual([FIRST.toISOString(), SECOND.toISOString()]);
  });
});

describe('signed heads replayed under a later name', () => {
  it('stay in the order they were exported: an old heads object copied to a new key is not the latest', async () => {
    const e = await published();
    const first = readFileSync(join(e.dir, ...headsKey(FIRST.toISOString()).split('/')), 'utf8');
    const replayed = headsKey('2026-11-09T00:00:00.000Z');
    await put(e, replayed, first);
    await e.download();
    const { heads, findings } = signedHeads(loadPublication(e.dir));
    expect(findings).toEqual([]);
    expect(heads.map((h) => h.objectKey)).toEqual([
      headsKey(FIRST.toISOString()),
      replayed,
      headsKey(SECOND.toISOString()),
    ]);
    expect(heads.at(-1)!.chains[0]!.seq).toBe(3);
  });
});

describe('published commitments, seeds and policies', () => {
  const at = '2026-09-20T00:00:00.000Z';
  const commitment = { period: '2026-10', commitment: 'c'.repeat(64), algorithm: 'sha256', committedAt: at };
  const reveal = { period: '2026-10', seed: 'd'.repeat(64), commitment: 'c'.repeat(64), revealedAt: at };

  it('read a valid commitment and seed of their own period only', async () => {
    const e = await publishedExport(fresh());
    await e.publisher.putOnce(commitmentKey('2026-10'), JSON.stringify(commitment));
    await e.publisher.putOnce(revealKey('2026-10'), JSON.stringify(reveal));
    await e.publisher.putOnce(commitmentKey('2026-11'), JSON.stringify(commitment));
    await e.publisher.putOnce(revealKey('2026-11'), JSON.stringify(reveal));
    await e.publisher.putOnce(commitmentKey('2026-12'), '{not json');
    await e.publisher.putOnce(
      revealKey('2026-12'),
      JSON.stringify({ ...reveal, period: '2026-12', seed: 'x' }),
    );
    await e.download();
    const pub = loadPublication(e.dir);
    expect(publishedCommitment(pub, '2026-10')).toEqual({
      ...commitment,
      createdAt: '2026-11-01T00:00:00.000Z',
    });
    expect(publishedReveal(pub, '2026-10')).toEqual(reveal);
    expect(publishedCommitment(pub, '2026-11')).toEqual({
      problem: 'the published commitment of 2026-11 is not valid',
    });
    expect(publishedReveal(pub, '2026-11')).toEqual({
      problem: 'the published seed of 2026-11 is not valid',
    });
    expect(publishedCommitment(pub, '2026-12')).toEqual({
      problem: 'the published commitment of 2026-12 is not valid',
    });
    expect(publishedReveal(pub, '2026-12')).toEqual({
      problem: 'the published seed of 2026-12 is not valid',
    });
    expect(publishedCommitment(pub, '2027-01')).toEqual({
      problem: 'no seed commitment was published for 2027-01',
    });
    expect(publishedReveal(pub, '2027-01')).toEqual({
      problem: 'the seed of 2027-01 has not been published (revealed) yet',
    });
  });

  it('count a policy document only under the SHA-256 of its content, and only JSON', async () => {
    const e = await publishedExport(fresh());
    const policy = JSON.stringify({ version: 'v1', samplingRate: 0.1 });
    const notJson = 'version: v1';
    await e.publisher.putOnce(policyKey(sha256Hex(policy)), policy);
    await e.publisher.putOnce(policyKey('f'.repeat(64)), policy);
    await e.publisher.putOnce(policyKey(sha256Hex(notJson)), notJson);
    await e.publisher.putOnce(`published/other/${sha256Hex(policy)}.json`, policy);
    // Named after its hash but not in policies/ (at that folder's depth), or with `.json` inside the hash.
    const other = JSON.stringify({ version: 'v2', samplingRate: 0.2 });
    const sha = sha256Hex(other);
    await e.publisher.putOnce(`published/other/ab/${sha}.json`, other);
    await e.publisher.putOnce(`published/policies/${sha.slice(0, 10)}.json${sha.slice(10)}`, other);
    await e.download();
    const policies = publishedPolicies(loadPublication(e.dir));
    expect([...policies]).toEqual([[sha256Hex(policy), { version: 'v1', samplingRate: 0.1 }]]);
  });
});
