import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3RecordingObjects } from '../../../lambda/shared/recording-objects';
import { main } from '../../../lib/cli/_main';
import { run } from '../../../lib/cli/redact';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { consolePerTest } from '../../support/console';

const dir = mkdtempSync(join(tmpdir(), 'fl-verify-proof-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { out, err } = consolePerTest();

const MIN = 4096;
const key = 'connect/x/CallRecordings/2026/12/02/c.wav';
let downloaded: Buffer;
/** A proof entry as the executor builds it: S3's part checksums (from the stand-in) and composite. */
let entry: {
  key: string;
  newVersionId: string;
  checksumSHA256: string;
  parts: { start: number; end: number; sha256: string }[];
  removedVersionIds: string[];
  at: string;
};

beforeAll(async () => {
  const s3 = new VersionedS3('b', { minPartSize: MIN });
  const objects = createS3RecordingObjects(s3.client, 'b');
  const source = randomBytes(4 * MIN + 77);
  const v0 = s3.addVersion(key, source);
  const uploadId = await objects.createUpload(key, {});
  const bounds: [number, number][] = [
    [0, MIN],
    [MIN, 3 * MIN],
    [3 * MIN, source.length],
  ];
  const silenced = Buffer.from(source.subarray(MIN, 3 * MIN)).fill(0, 10, 2000);
  const results = [
    await objects.uploadPartCopy(key, uploadId, 1, v0, 0, MIN),
    await objects.uploadPart(key, uploadId, 2, silenced),
    await objects.uploadPartCopy(key, uploadId, 3, v0, 3 * MIN, source.length),
  ];
  const newVersionId = (await objects.complete(
    key,
    uploadId,
    results.map((r, i) => ({ partNumber: i + 1, ...r })),
  ))!;
  downloaded = s3.versions(key).at(-1)!.body;
  entry = {
    key,
    newVersionId,
    checksumSHA256: (await objects.head(key, newVersionId))!.checksumSHA256!,
    parts: bounds.map(([start, end], i) => ({ start, end, sha256: results[i]!.sha256! })),
    removedVersionIds: [v0],
    at: '2026-12-02T06:00:00.000Z',
  };
});

function files(name: string, file: Buffer, proof: unknown): string[] {
  const f = join(dir, `${name}.wav`);
  const p = join(dir, `${name}.json`);
  writeFileSync(f, file);
  writeFileSync(p, JSON.stringify(proof));
  return ['verify-proof', '--file', f, '--proof', p];
}

const requestView = (e: unknown) => ({ status: 'done', proof: { deleted: [], replaced: [e] } });

describe('fairlisten redact verify-proof', () => {
  it('accepts the downloaded file against the request’s proof (exit 0)', async () => {
    expect(await run(files('ok', downloaded, requestView(entry)))).toBe(0);
    expect(out.join('\n')).toMatch(/verified .*3 part checksums and the composite .*-3/);
    // Through the command table, as the packaged `fairlisten` runs it.
    expect(await main(['redact', ...files('ok-main', downloaded, requestView(entry))])).toBe(0);
    // A bare "replaced" entry works too.
    expect(await run(files('ok-entry', downloaded, entry))).toBe(0);
  });

  it('refuses a file with one byte changed, naming the part', async () => {
    const changed = Buffer.from(downloaded);
    changed[2 * MIN] = changed[2 * MIN]! ^ 1;
    expect(await run(files('byte', changed, requestView(entry)))).toBe(1);
    expect(err.join('\n')).toMatch(/NOT the file.*\n.*part 2 \(bytes 4096-12288\): SHA-256/);
  });

  it('refuses a truncated file', async () => {
    expect(await run(files('short', downloaded.subarray(0, downloaded.length - 1), requestView(entry)))).toBe(
      1,
    );
    expect(err.join('\n')).toMatch(/cover \d+ bytes, the file has \d+/);
  });

  it('refuses a proof whose part checksum was edited (the composite no longer matches)', async () => {
    const forged = { ...entry, parts: entry.parts.map((p) => ({ ...p })) };
    forged.parts[1]!.sha256 = createHash('sha256').update('other').digest('base64');
    expect(await run(files('sum', downloaded, requestView(forged)))).toBe(1);
    expect(err.join('\n')).toMatch(/is not the composite of the part checksums/);
  });

  it('refuses a file changed in a part S3 copied server-side (part 1)', async () => {
    const changed = Buffer.from(downloaded);
    changed[5] = changed[5]! ^ 0xff;
    expect(await run(files('copied', changed, requestView(entry)))).toBe(1);
    expect(err.join('\n')).toMatch(/part 1 \(bytes 0-4096\): SHA-256/);
  });

  it('refuses a proof whose part boundary was moved', async () => {
    const moved = { ...entry, parts: entry.parts.map((p) => ({ ...p })) };
    moved.parts[0]!.end += 1;
    moved.parts[1]!.start += 1;
    expect(await run(files('bound', downloaded, requestView(moved)))).toBe(1);
    expect(err.join('\n')).toMatch(/part 1 \(bytes 0-4097\): SHA-256 .*, the proof says/);
  });

  it('refuses a proof with a gap between parts', async () => {
    const gap = { ...entry, parts: entry.parts.map((p) => ({ ...p })) };
    gap.parts[1]!.start += 1;
    expect(await run(files('gap', downloaded, requestView(gap)))).toBe(1);
    expect(err.join('\n')).toMatch(/part 2: bytes 4097-12288 do not follow on from byte 4096/);
  });

  it('checks a whole-file sha256 proof (objects written with one PutObject)', async () => {
    const sha256 = createHash('sha256').update(downloaded).digest('hex');
    expect(await run(files('put', downloaded, { key, newVersionId: 'v', sha256 }))).toBe(0);
    const changed = Buffer.from(downloaded);
    changed[0] = changed[0]! ^ 1;
    expect(await run(files('put-bad', changed, { key, newVersionId: 'v', sha256 }))).toBe(1);
  });

  it('exit 1 for an unreadable proof, 2 for a wrong invocation', async () => {
    const args = files('junk', downloaded, {});
    writeFileSync(args[4]!, '{not json');
    expect(await run(args)).toBe(1);
    expect(err.join('\n')).toMatch(/junk\.json/);
    expect(await run(files('none', downloaded, { replaced: [entry, { ...entry, key: 'k2' }] }))).toBe(1);
    expect(err.join('\n')).toMatch(/name one with --key/);
    expect(await run(['verify-proof', '--file', args[2]!])).toBe(2);
  });
});
