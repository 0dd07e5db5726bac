/**
 * The publication as a council member holds it: `audit/published/…` (the current body of every
 * published object, at its S3 key) and `audit/published-versions.json` (every version S3 keeps of
 * every published key, with its creation time). `downloadPublication` writes both from the audit
 * bucket (ListObjectVersions + GetObject, read-only rights suffice); `loadPublication` reads them
 * back and reports, in plain words, anything that a write-once publication cannot show: a key with
 * a second version, a body that is not the one S3 listed, a file nobody published.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { EXPORT_PREFIX } from '../../lambda/audit-export/config';
import { compareUtf16 } from '../../lambda/core/canonical-json';
import {
  type CommitmentObject,
  commitmentKey,
  commitmentObjectSchema,
  type HeadsObject,
  headsObjectSchema,
  headsSignatureValid,
  PUBLISHED_HEADS_PREFIX,
  PUBLISHED_KEYS_PREFIX,
  PUBLISHED_POLICIES_PREFIX,
  PUBLISHED_PREFIX,
  publicKeyFingerprint,
  publicKeyKey,
  type RevealObject,
  revealKey,
  revealObjectSchema,
  sha256Hex,
} from '../../lambda/core/publication';

export const VERSIONS_FILE = 'published-versions.json';
export const PUBLISHED_DIR = 'published';

const versionSchema = z.strictObject({
  key: z.string().startsWith(PUBLISHED_PREFIX),
  versionId: z.string(),
  createdAt: z.iso.datetime({ offset: false }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  /**
   * S3's current version of the key (`IsLatest`). Creation times have whole seconds, so two versions
   * written in one second tie; absent (older downloads), the newest by time counts as current.
   */
  latest: z.literal(true).optional(),
});
export type PublishedVersion = z.infer<typeof versionSchema>;
const versionsFileSchema = z.strictObject({ versions: z.array(versionSchema) });

/** One finding, in words a council member understands. `chain` when it is about one audit chain. */
export interface Finding {
  readonly code: string;
  readonly message: string;
  readonly chain?: string;
  readonly period?: string;
}

export interface PublishedObject {
  readonly key: string;
  readonly body: string;
  /** When S3 created the (single) version: the evidence of "published before". */
  readonly createdAt: string;
}

export interface Publication {
  readonly objects: ReadonlyMap<string, PublishedObject>;
  readonly findings: Finding[];
}

/** Writes `dir/published/…` and `dir/published-versions.json` from the audit bucket. */
export async function downloadPublication(s3: S3Client, bucket: string, dir: string): Promise<number> {
  const versions: PublishedVersion[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const out = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: PUBLISHED_PREFIX, KeyMarker, VersionIdMarker }),
    );
    // S3 lists every entry with its Key and VersionId ("null" for an object put before versioning).
    for (const v of out.Versions ?? []) {
      const got = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: v.Key!, VersionId: v.VersionId! }),
      );
      const body = Buffer.from(await got.Body!.transformToByteArray());
      versions.push({
        key: v.Key!,
        versionId: v.VersionId!,
        createdAt: (v.LastModified ?? new Date(0)).toISOString(),
        sha256: sha256Hex(body),
        size: body.length,
        ...(v.IsLatest ? { latest: true as const } : {}),
      });
      if (v.IsLatest) {
        const path = join(dir, ...v.Key!.split('/'));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, body);
      }
    }
    // A delete marker on a published key is evidence too: it hides the body.
    for (const m of out.DeleteMarkers ?? []) {
      versions.push({
        key: m.Key!,
        versionId: m.VersionId!,
        createdAt: (m.LastModified ?? new Date(0)).toISOString(),
        sha256: sha256Hex(''),
        size: 0,
        ...(m.IsLatest ? { latest: true as const } : {}),
      });
    }
    KeyMarker = out.IsTruncated ? out.NextKeyMarker : undefined;
    VersionIdMarker = out.IsTruncated ? out.NextVersionIdMarker : undefined;
  } while (KeyMarker);
  // Oldest first by key; of versions written in one second, the current one last.
  const current = (v: PublishedVersion) => Number(v.latest === true);
  versions.sort(
    (a, b) => compareUtf16(a.key, b.key) || compareUtf16(a.createdAt, b.createdAt) || current(a) - current(b),
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, VERSIONS_FILE), `${JSON.stringify({ versions }, null, 2)}\n`);
  return versions.length;
}

/**
 * A council member's copy of the audit bucket in `dir` (a month's `audit/`): the chain exports
 * (`exports/<chain>/<from>-<to>.jsonl` → `dir/<chain>/…`) and the publication with its versions.
 */
export async function downloadAudit(
  s3: S3Client,
  bucket: string,
  dir: string,
): Promise<{ files: number; versions: number }> {
  let files = 0;
  let ContinuationToken: string | undefined;
  do {
    const out = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: EXPORT_PREFIX, ContinuationToken }),
    );
    for (const o of out.Contents ?? []) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      const path = join(dir, ...o.Key!.slice(EXPORT_PREFIX.length).split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, Buffer.from(await got.Body!.transformToByteArray()));
      files += 1;
    }
    ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return { files, versions: await downloadPublication(s3, bucket, dir) };
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  try {
    walk(root);
  } catch {
    // no published directory (or a file by that name): reported by the caller through the versions
  }
  return out;
}

/** Reads `auditDir/published-versions.json` and `auditDir/published/`. Never throws. */
export function loadPublication(auditDir: string): Publication {
  const findings: Finding[] = [];
  const objects = new Map<string, PublishedObject>();
  let versions: PublishedVersion[] = [];
  try {
    versions = versionsFileSchema.parse(
      JSON.parse(readFileSync(join(auditDir, VERSIONS_FILE), 'utf8')),
    ).versions;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    findings.push({
      code: 'publication-missing',
      message: missing
        ? `${VERSIONS_FILE} is missing: there is no record of what was published, or when`
        : `${VERSIONS_FILE} is not readable: ${(err as Error).message.split('\n')[0]}`,
    });
  }
  const byKey = new Map<string, PublishedVersion[]>();
  for (const v of versions) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v]);

  const files = new Set(
    listFiles(join(auditDir, PUBLISHED_DIR)).map(
      (p) => `${PUBLISHED_PREFIX}${relative(join(auditDir, PUBLISHED_DIR), p).split(sep).join('/')}`,
    ),
  );
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => compareUtf16(a.createdAt, b.createdAt));
    if (sorted.length > 1) {
      findings.push({
        code: 'published-twice',
        message: `${key} was written ${sorted.length} times (${sorted.map((v) => v.createdAt).join(', ')}): a published object must never be replaced`,
      });
    }
    // S3 names the current version; by time alone, two versions written in one second would tie.
    const flagged = list.filter((v) => v.latest);
    const latest = flagged.length === 1 ? flagged[0]! : sorted.at(-1)!;
    if (!files.has(key)) {
      findings.push({
        code: 'published-file-missing',
        message: `${key} was published but its file is missing`,
      });
      continue;
    }
    files.delete(key);
    const body = readFileSync(join(auditDir, ...key.split('/')));
    if (sha256Hex(body) !== latest.sha256) {
      findings.push({
        code: 'published-file-changed',
        message: `${key} is not the object that was published (its SHA-256 differs from the one S3 listed)`,
      });
      continue;
    }
    objects.set(key, { key, body: body.toString('utf8'), createdAt: sorted[0]!.createdAt });
  }
  for (const key of files) {
    findings.push({
      code: 'published-file-unknown',
      message: `${key} is in the published folder but S3 lists no such published object`,
    });
  }
  return { objects, findings };
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: undefined, which no schema here accepts
  }
  const r = schema.safeParse(json);
  return r.success ? r.data : undefined;
}

export interface PublishedCommitment extends CommitmentObject {
  readonly createdAt: string;
}

export function publishedCommitment(
  pub: Publication,
  period: string,
): PublishedCommitment | { problem: string } {
  const o = pub.objects.get(commitmentKey(period));
  if (!o) return { problem: `no seed commitment was published for ${period}` };
  const c = parseJson(o.body, commitmentObjectSchema);
  if (!c || c.period !== period) return { problem: `the published commitment of ${period} is not valid` };
  return { ...c, createdAt: o.createdAt };
}

export function publishedReveal(pub: Publication, period: string): RevealObject | { problem: string } {
  const o = pub.objects.get(revealKey(period));
  if (!o) return { problem: `the seed of ${period} has not been published (revealed) yet` };
  const r = parseJson(o.body, revealObjectSchema);
  if (!r || r.period !== period) return { problem: `the published seed of ${period} is not valid` };
  return r;
}

/** Published policy documents by SHA-256 (only those whose name is the hash of their content). */
export function publishedPolicies(pub: Publication): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, o] of pub.objects) {
    if (!key.startsWith(PUBLISHED_POLICIES_PREFIX)) continue;
    const sha = key.slice(PUBLISHED_POLICIES_PREFIX.length).replace(/\.json$/, '');
    if (sha256Hex(o.body) !== sha) continue;
    try {
      out.set(sha, JSON.parse(o.body));
    } catch {
      // not JSON: never a valid policy
    }
  }
  return out;
}

export interface SignedHeads extends HeadsObject {
  readonly objectKey: string;
  readonly createdAt: string;
}

/** Every heads object whose signature verifies with its published key; findings for the rest. */
export function signedHeads(pub: Publication): { heads: SignedHeads[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const heads: SignedHeads[] = [];
  const keys = new Map<string, string>();
  for (const [key, o] of pub.objects) {
    if (!key.startsWith(PUBLISHED_KEYS_PREFIX)) continue;
    try {
      const fp = publicKeyFingerprint(o.body);
      if (publicKeyKey(fp) === key) keys.set(fp, o.body);
      else
        findings.push({ code: 'bad-key', message: `${key} is not named after its own fingerprint (${fp})` });
    } catch {
      findings.push({ code: 'bad-key', message: `${key} is not a public key` });
    }
  }
  for (const [key, o] of [...pub.objects].sort(([a], [b]) => compareUtf16(a, b))) {
    if (!key.startsWith(PUBLISHED_HEADS_PREFIX)) continue;
    const h = parseJson(o.body, headsObjectSchema);
    if (!h) {
      findings.push({ code: 'bad-heads', message: `${key} is not a valid signed heads object` });
      continue;
    }
    const pem = keys.get(h.key);
    if (!pem) {
      findings.push({
        code: 'bad-signature',
        message: `${key} is signed with key ${h.key.slice(0, 16)}…, which was never published`,
      });
      continue;
    }
    if (!headsSignatureValid(h, pem)) {
      findings.push({
        code: 'bad-signature',
        message: `the signature of ${key} does not verify: these heads were not written by the exporter`,
      });
      continue;
    }
    heads.push({ ...h, objectKey: key, createdAt: o.createdAt });
  }
  heads.sort((a, b) => compareUtf16(a.exportedAt, b.exportedAt));
  return { heads, findings };
}
