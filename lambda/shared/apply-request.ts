/**
 * The recording actions (C9): carries out a deletion or redaction request on every S3 object of
 * the contact, every version included. Pure-ish: clients, clock, audit sink and part limits come
 * in as {@link ActionDeps}.
 *
 * Crash safety. Every step is idempotent and its result is stored in the request's progress item
 * (recordings table, `progress#<requestId>`) before the next step starts, so a retry after a
 * crash at any point continues and ends in the same state:
 * - deletion: the versions to delete are recorded first, then deleted one by one by VersionId;
 * - redaction: the redacted object is written as a new version of the same key — a multipart
 *   upload whose untouched parts are copied server-side (UploadPartCopy of the source version)
 *   and whose parts holding silence are fetched with a ranged GET, silenced and uploaded — or a
 *   single PutObject below the multipart minimum. A multipart upload is invisible until
 *   CompleteMultipartUpload, so the redacted object is never half-written; the new version carries
 *   `x-amz-meta-fairlisten-request`, so a retry recognises it even when the crash came between
 *   Complete and the progress write. Only once the new version exists and is hashed are the older
 *   versions deleted: the unredacted audio is never the only copy that is lost, nor the one kept.
 *
 * The proof of a multipart rewrite is S3's own: the upload is created with SHA-256 checksums, so
 * S3 hashes every part it receives or copies server-side, and the new version's composite
 * checksum (read with HeadObject) must be the one of those part checksums. The proof lists the
 * part bounds, their checksums and the composite — the hash of what S3 stores, without reading
 * the object back. Only when the part checksums are missing (an upload begun before checksums,
 * a store that computes none) is the new version hashed by a streaming GET, as a fallback.
 */
import { createHash, randomUUID } from 'node:crypto';
import { compositeChecksum, type ProofPart } from '../core/part-proof';
import { type PartLimits, planRedactionParts, S3_PART_LIMITS } from '../core/redaction-plan';
import {
  applySilence,
  type Channel,
  planSilence,
  type SilenceSpan,
  type TimeRange,
  WavError,
  type WavLayout,
} from '../core/wav';
import type { AuditSink } from './audit-sink';
import { type ObjectKind, parseRecordingKey } from './recording-keys';
import { isNotFound, type PartResult, type RecordingObjects, readRecordingLayout } from './recording-objects';
import type { KeyProgress, ProgressState, RecordingStore } from './recording-store';
import type { ContactItem, Proof, RequestRecord } from './requests';

/** User metadata naming the request that wrote a redacted version (and the version it replaced). */
export const META_REQUEST = 'fairlisten-request';
export const META_SOURCE_VERSION = 'fairlisten-source-version';

/** Audio kinds a redaction rewrites; every other kind of a redacted contact is deleted (its transcripts hold the words). */
const AUDIO_KINDS: readonly ObjectKind[] = ['call-recording', 'redacted-audio'];

export interface ActionLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface ActionDeps {
  readonly objects: RecordingObjects;
  readonly store: RecordingStore;
  readonly audit: AuditSink;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Audit actor. @default 'function:recording-actions' */
  readonly actor?: string;
  /** @default S3_PART_LIMITS (5 MiB .. 5 GiB, 10 000 parts) */
  readonly partLimits?: PartLimits;
  /** How long a lease on a contact lasts; longer than the function timeout. @default 6 minutes */
  readonly leaseMs?: number;
  /** Lease owner id. @default a random UUID per call */
  readonly owner?: string;
  /** Called after each durable step (tests inject crashes here). */
  readonly checkpoint?: (step: string, detail?: Record<string, unknown>) => void | Promise<void>;
  readonly logger?: ActionLogger;
}

export type ApplyOutcome =
  | { readonly status: 'done'; readonly proof: Proof; readonly changed: boolean }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'waiting-for-recording' }
  | { readonly status: 'skipped'; readonly reason: 'already-done' | 'already-failed' };

export interface ApplyOptions {
  /** Apply a `done` request again to objects that arrived after it (ingest on arrival). @default false */
  readonly rerun?: boolean;
}

/** A redaction that cannot be applied as asked; the request fails and nothing is changed. */
export class RequestInvalidError extends Error {
  override readonly name = 'RequestInvalidError';
}

const DEFAULT_LEASE_MS = 6 * 60_000;
/** Ranges may end this far past the audio (rounding of a client's clock display), no further. */
const END_TOLERANCE_SECONDS = 1e-3;

const periodOfIso = (iso: string) => iso.slice(0, 7);

interface Ctx {
  readonly deps: ActionDeps;
  readonly req: RequestRecord;
  readonly progress: ProgressState;
  readonly now: () => string;
  readonly save: () => Promise<void>;
  readonly step: (name: string, detail?: Record<string, unknown>) => Promise<void>;
}

/** Applies request `requestId`. Safe to call again at any time: a done request is a no-op. */
export async function applyRequest(
  deps: ActionDeps,
  requestId: string,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const req = await store.getRequest(requestId);
  if (req.status === 'failed') return { status: 'skipped', reason: 'already-failed' };
  if (req.status === 'done' && !options.rerun) return { status: 'skipped', reason: 'already-done' };

  const contact = await store.getContact(req.contactId);
  const objects = contact ? await store.listObjects(req.contactId) : [];
  const hasRecording = objects.some((o) => o.kind === 'call-recording');
  if (!contact || (req.kind === 'redaction' && !hasRecording && contact.state === 'kept')) {
    if (req.status !== 'waiting-for-recording' && req.status !== 'done') {
      await store.updateRequest(requestId, { status: 'waiting-for-recording' });
    }
    return { status: 'waiting-for-recording' };
  }

  const owner = deps.owner ?? randomUUID();
  // Every item this writes expires with the contact's, counted from the call.
  const expiresAt = contact.expiresAt;
  await store.acquire(req.contactId, requestId, owner, deps.leaseMs ?? DEFAULT_LEASE_MS, expiresAt);
  try {
    const progress = await store.getProgress(req.contactId, requestId);
    const ctx: Ctx = {
      deps,
      req,
      progress,
      now: () => clock().toISOString(),
      save: () => store.saveProgress(req.contactId, requestId, progress, expiresAt),
      step: async (name, detail) => {
        await deps.checkpoint?.(name, detail);
      },
    };
    if (req.status === 'waiting-for-recording') {
      await store.updateRequest(requestId, { status: 'in-progress' });
    }

    const kinds = new Map<string, ObjectKind>(objects.map((o) => [o.key, o.kind]));
    for (const key of Object.keys(progress.keys))
      if (!kinds.has(key)) kinds.set(key, parseRecordingKey(key).kind);
    // On a rerun only objects not yet handled are touched.
    const keys = [...kinds.keys()].filter((k) => !(options.rerun && progress.keys[k]?.done)).sort();

    let layouts: Map<string, Prepared>;
    try {
      layouts = req.kind === 'redaction' ? await prepareRedaction(ctx, keys, kinds) : new Map();
    } catch (err) {
      if (!(err instanceof RequestInvalidError) || progress.started) throw err;
      await store.updateRequest(requestId, { status: 'failed', error: err.message });
      deps.logger?.warn('redaction request refused', { requestId, error: err.message });
      return { status: 'failed', error: err.message };
    }
    if (keys.length === 0 && req.status === 'done') {
      return { status: 'done', proof: buildProof(progress), changed: false };
    }

    const chain = `privacy/${contactPeriod(contact, req)}`;
    const actor = deps.actor ?? 'function:recording-actions';
    if (!progress.started) {
      // Nothing is deleted or rewritten without a record of it first (audit-sink.ts).
      await deps.audit.append({
        chain,
        kind: req.kind,
        actor,
        subject: requestId,
        data: { phase: 'applying', requestId, contactId: req.contactId, keys, ...rangesOf(req) },
      });
      progress.started = true;
      await ctx.save();
      await ctx.step('started');
    }

    for (const key of keys) {
      const kind = kinds.get(key)!;
      progress.keys[key] ??= {};
      const kp = progress.keys[key]!;
      const prepared = layouts.get(key);
      if (prepared?.unchanged) {
        kp.done = true;
        await ctx.save();
        continue;
      }
      if (req.kind === 'redaction' && AUDIO_KINDS.includes(kind) && prepared !== undefined) {
        await redactKey(ctx, key, kp, prepared);
        await store.setObjectVersions(
          req.contactId,
          key,
          kind,
          kp.newVersionId ? [kp.newVersionId] : [],
          kp.newSize ?? 0,
          expiresAt,
        );
      } else {
        await deleteKey(ctx, key, kp);
        await store.setObjectVersions(req.contactId, key, kind, [], 0, expiresAt);
      }
      await ctx.step('indexed', { key });
    }
    const state = req.kind === 'deletion' || contact.state === 'deleted' ? 'deleted' : 'redacted';
    if (contact.state !== state) await store.updateContact(req.contactId, { state });

    const proof = buildProof(progress);
    await deps.audit.append({
      chain,
      kind: req.kind,
      actor,
      subject: requestId,
      data: {
        phase: 'done',
        requestId,
        contactId: req.contactId,
        ...rangesOf(req),
        deleted: proof.deleted.map((d) => ({ key: d.key, versionId: d.versionId })),
        replaced: proof.replaced.map((r) => ({
          key: r.key,
          newVersionId: r.newVersionId,
          ...(r.sha256 ? { sha256: r.sha256 } : {}),
          ...(r.checksumSHA256 ? { checksumSHA256: r.checksumSHA256 } : {}),
          removedVersionIds: r.removedVersionIds,
        })),
      },
    });
    await ctx.step('audited');
    await store.updateRequest(requestId, { status: 'done', proof, completedAt: ctx.now() });
    deps.logger?.info('request applied', {
      requestId,
      kind: req.kind,
      deleted: proof.deleted.length,
      replaced: proof.replaced.length,
    });
    return { status: 'done', proof, changed: true };
  } finally {
    await store.release(req.contactId, owner);
  }
}

function contactPeriod(contact: ContactItem, req: RequestRecord): string {
  return /^\d{4}-\d{2}$/.test(contact.period) ? contact.period : periodOfIso(req.createdAt);
}

function rangesOf(req: RequestRecord): Record<string, unknown> {
  return req.kind === 'redaction' ? { ranges: req.ranges ?? [], channel: req.channel ?? 'both' } : {};
}

function buildProof(progress: ProgressState): Proof {
  const proof: Proof = { deleted: [], replaced: [] };
  for (const [key, kp] of Object.entries(progress.keys).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (kp.newVersionId && (kp.sha256 || kp.checksum) && kp.done) {
      proof.replaced.push({
        key,
        newVersionId: kp.newVersionId,
        ...(kp.sha256 ? { sha256: kp.sha256 } : {}),
        ...(kp.checksum && kp.parts
          ? { checksumSHA256: kp.checksum, parts: kp.parts.map((p) => ({ ...p })) }
          : {}),
        removedVersionIds: [...(kp.toDelete ?? [])],
        at: kp.replacedAt ?? kp.deletedAt ?? '',
      });
    } else if (kp.done) {
      for (const versionId of kp.toDelete ?? []) {
        proof.deleted.push({ key, versionId, at: kp.deletedAt ?? '' });
      }
    }
  }
  return proof;
}

/** Deletes every version (and delete marker) of `key` by VersionId. */
async function deleteKey(ctx: Ctx, key: string, kp: KeyProgress): Promise<void> {
  const versions = (await ctx.deps.objects.listVersions(key)).map((v) => v.versionId);
  await deleteVersions(ctx, key, kp, versions, 'deleted-version', () => {
    kp.deletedAt ??= ctx.now();
  });
}

/**
 * Deletes `versions` of `key`, having first saved them in the key's progress (so a retry that finds
 * them gone knows they were there), then marks the key done with `stamp`.
 */
async function deleteVersions(
  ctx: Ctx,
  key: string,
  kp: KeyProgress,
  versions: readonly string[],
  step: string,
  stamp: () => void,
): Promise<void> {
  const fresh = versions.filter((v) => !(kp.toDelete ?? []).includes(v));
  if (fresh.length > 0) {
    kp.toDelete = [...(kp.toDelete ?? []), ...fresh];
    kp.done = false;
    await ctx.save();
  }
  for (const versionId of versions) {
    await ctx.deps.objects.deleteVersion(key, versionId);
    await ctx.step(step, { key, versionId });
  }
  if (!kp.done) {
    stamp();
    kp.done = true;
    await ctx.save();
  }
}

interface Prepared {
  /** No range reaches into this (shorter) file: left as it is. */
  readonly unchanged?: boolean;
  /** The version that would be redacted now (undefined: already ours, or gone). */
  readonly sourceVersionId?: string;
  readonly layout?: WavLayout;
  readonly spans?: readonly SilenceSpan[];
}

/**
 * Validates the ranges against the real audio before anything changes: the call recording's
 * duration decides; Contact Lens redacted audio gets the same ranges, clipped to its own length.
 */
async function prepareRedaction(
  ctx: Ctx,
  keys: readonly string[],
  kinds: ReadonlyMap<string, ObjectKind>,
): Promise<Map<string, Prepared>> {
  const { req } = ctx;
  const ranges: TimeRange[] = req.ranges ?? [];
  if (ranges.length === 0) throw new RequestInvalidError('a redaction needs at least one range');
  const channel: Channel = req.channel ?? 'both';
  const prepared = new Map<string, Prepared>();
  const audio = keys.filter((k) => AUDIO_KINDS.includes(kinds.get(k)!));
  // The call recording first: its duration validates the request.
  audio.sort((a, b) => Number(kinds.get(b) === 'call-recording') - Number(kinds.get(a) === 'call-recording'));
  for (const key of audio) {
    const current = await currentVersion(ctx, key);
    if (!current || current.ours) {
      prepared.set(key, {});
      continue;
    }
    let layout: WavLayout;
    try {
      layout = await readRecordingLayout(ctx.deps.objects, key, current.versionId, current.size);
    } catch (err) {
      if (err instanceof WavError)
        throw new RequestInvalidError(`${key} is not a WAV file that can be redacted: ${err.message}`);
      throw err;
    }
    const duration = layout.frames / layout.format.sampleRate;
    let applicable = ranges;
    if (kinds.get(key) === 'call-recording') {
      for (const r of ranges) {
        if (r.from >= duration || r.to > duration + END_TOLERANCE_SECONDS) {
          throw new RequestInvalidError(
            `range ${r.from}-${r.to} s goes beyond the end of the recording (${duration} s); nothing was changed`,
          );
        }
      }
    } else {
      applicable = ranges
        .filter((r) => r.from < duration)
        .map((r) => ({ from: r.from, to: Math.min(r.to, duration) }));
    }
    if (applicable.length === 0) {
      prepared.set(key, { unchanged: true });
      continue;
    }
    try {
      const plan = planSilence(layout, applicable, channel);
      prepared.set(key, { sourceVersionId: current.versionId, layout, spans: plan.spans });
    } catch (err) {
      if (err instanceof WavError) throw new RequestInvalidError(`${key}: ${err.message}`);
      throw err;
    }
  }
  return prepared;
}

interface Current {
  readonly versionId: string;
  readonly size: number;
  /** Written by this request. */
  readonly ours: boolean;
  readonly all: readonly string[];
}

async function currentVersion(ctx: Ctx, key: string): Promise<Current | undefined> {
  const { objects } = ctx.deps;
  const versions = await objects.listVersions(key);
  const latest = versions.find((v) => v.isLatest && !v.isDeleteMarker);
  if (!latest) return undefined;
  const head = await objects.head(key, latest.versionId);
  if (!head) return undefined;
  return {
    versionId: latest.versionId,
    size: head.size,
    ours: head.metadata[META_REQUEST] === ctx.req.requestId,
    all: versions.map((v) => v.versionId),
  };
}

/** Redacts `key` in place: new version written (or found), hashed, older versions deleted. */
async function redactKey(ctx: Ctx, key: string, kp: KeyProgress, prepared: Prepared): Promise<void> {
  const { objects } = ctx.deps;
  for (let round = 0; round < 4; round++) {
    const current = await currentVersion(ctx, key);
    if (!current) {
      // Gone meanwhile (or only delete markers): remove what is left.
      await deleteKey(ctx, key, kp);
      return;
    }
    if (current.ours) {
      if (kp.newVersionId !== current.versionId || !(kp.sha256 || kp.checksum)) {
        kp.newVersionId = current.versionId;
        kp.newSize = current.size;
        const parts = uploadedParts(kp, current.size);
        const stored = parts ? (await objects.head(key, current.versionId))?.checksumSHA256 : undefined;
        if (parts && stored === compositeChecksum(parts.map((p) => p.sha256))) {
          kp.parts = parts;
          kp.checksum = stored;
          kp.sha256 = undefined;
        } else {
          // No part checksums to build on, or S3's composite disagrees with them: hash what is stored.
          if (parts) ctx.deps.logger?.warn('composite checksum mismatch; hashing the object', { key });
          kp.sha256 = await objects.sha256(key, current.versionId);
          kp.parts = undefined;
          kp.checksum = undefined;
        }
        forgetUpload(kp);
        await ctx.save();
        await ctx.step('hashed', { key });
      }
      const old = current.all.filter((v) => v !== current.versionId);
      await deleteVersions(ctx, key, kp, old, 'deleted-old-version', () => {
        kp.replacedAt ??= ctx.now();
      });
      return;
    }
    if (!prepared.layout || !prepared.spans || prepared.sourceVersionId !== current.versionId) {
      // A version nobody validated (a new one appeared): stop; the retry validates it first.
      throw new Error(`${key} changed while it was being redacted (version ${current.versionId}); retry`);
    }
    if (kp.sourceVersionId !== current.versionId) {
      if (kp.uploadId) await objects.abort(key, kp.uploadId);
      kp.sourceVersionId = current.versionId;
      forgetUpload(kp);
      kp.done = false;
      await ctx.save();
    }
    await writeRedacted(ctx, key, kp, current.size, prepared.spans);
  }
  throw new Error(`${key}: the redacted version did not become the current one`);
}

/** Forgets the last multipart upload of the key, its part bounds and checksums included. */
function forgetUpload(kp: KeyProgress): void {
  kp.uploadId = undefined;
  kp.etags = undefined;
  kp.partBounds = undefined;
  kp.partSums = undefined;
}

/** Writes the redacted bytes of `kp.sourceVersionId` as a new version of `key`. */
async function writeRedacted(
  ctx: Ctx,
  key: string,
  kp: KeyProgress,
  size: number,
  spans: readonly SilenceSpan[],
): Promise<void> {
  const { objects } = ctx.deps;
  const limits = ctx.deps.partLimits ?? S3_PART_LIMITS;
  const source = kp.sourceVersionId!;
  const metadata = { [META_REQUEST]: ctx.req.requestId, [META_SOURCE_VERSION]: source };
  const plan = planRedactionParts(size, spans, limits);

  if (!plan.multipart || size < limits.minPartSize) {
    const body = await objects.getRange(key, source, 0, size);
    applySilence(body, 0, spans);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const versionId = await objects.put(key, body, metadata);
    await ctx.step('put', { key });
    kp.newVersionId = versionId;
    kp.newSize = size;
    kp.sha256 = sha256;
    kp.parts = undefined;
    kp.checksum = undefined;
    await ctx.save();
    return;
  }

  if (!kp.uploadId) {
    // Uploads of this key left by a crash before their id was stored; invisible, but not kept.
    for (const stale of await objects.listUploads(key)) await objects.abort(key, stale);
    kp.uploadId = await objects.createUpload(key, metadata);
    kp.etags = {};
    kp.partBounds = plan.parts.map((p) => [p.start, p.end]);
    kp.partSums = {};
    await ctx.save();
    await ctx.step('created-upload', { key });
  }
  const uploadId = kp.uploadId;
  kp.etags ??= {};
  kp.partSums ??= {};
  const etags = kp.etags;
  const sums = kp.partSums;
  try {
    for (const [i, part] of plan.parts.entries()) {
      const n = i + 1;
      if (etags[n]) continue;
      let result: PartResult;
      if (part.kind === 'copy') {
        result = await objects.uploadPartCopy(key, uploadId, n, source, part.start, part.end);
      } else {
        const body = await objects.getRange(key, source, part.start, part.end);
        applySilence(body, part.start, spans);
        result = await objects.uploadPart(key, uploadId, n, body);
      }
      etags[n] = result.etag;
      if (result.sha256) sums[n] = result.sha256;
      await ctx.save();
      await ctx.step('part', { key, part: n, kind: part.kind });
    }
    await objects.complete(
      key,
      uploadId,
      plan.parts.map((_, i) => ({
        partNumber: i + 1,
        etag: etags[i + 1]!,
        ...(sums[i + 1] ? { sha256: sums[i + 1] } : {}),
      })),
    );
    await ctx.step('completed', { key });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    // The upload is gone: completed by an earlier attempt, or aborted (lifecycle). The caller
    // looks at the current version again and starts a new upload if needed.
    ctx.deps.logger?.warn('multipart upload vanished', { key, requestId: ctx.req.requestId });
  }
  // The part bounds and checksums stay until the new version is found: they are its proof.
  kp.uploadId = undefined;
  kp.etags = undefined;
  await ctx.save();
}

/** The parts of the last upload with S3's checksum for each, when every part has one and they tile the object. */
function uploadedParts(kp: KeyProgress, size: number): ProofPart[] | undefined {
  const bounds = kp.partBounds;
  const sums = kp.partSums;
  if (!bounds || !sums || bounds.length === 0) return undefined;
  const parts: ProofPart[] = [];
  for (const [i, [start, end]] of bounds.entries()) {
    const sha256 = sums[i + 1];
    if (!sha256) return undefined;
    parts.push({ start, end, sha256 });
  }
  return parts.at(-1)!.end === size ? parts : undefined;
}
