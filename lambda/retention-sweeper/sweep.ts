/**
 * The daily retention sweep (C3): lists every version and delete marker under the recording
 * prefixes, asks the core which keys are past their limit counted from the call
 * (lambda/core/retention.ts), takes each of those keys out of the recordings index (the contact
 * `expired`, the object without versions: lambda/shared/retention-index.ts), deletes every version,
 * then records the deletion in the audit log (`retention-expired`, chain `privacy/<month of the call>`).
 *
 * The index goes first: while a version may still exist the index never offers a recording the
 * next moment may remove, and a run that fails after it is retried from the start (the key is still
 * listed). An index that cannot be written does not hold the audio back: the versions are deleted
 * anyway and the key counts as failed (the alarm fires; the index then still names versions that
 * no longer exist, which playback cannot sign into audio). Deleting comes before the audit record,
 * as in ingest: audio past its limit is not kept waiting for the audit log.
 * A key that failed (delete or audit) is retried by the next run; the run then fails, so the
 * function's error alarm tells the operator. A key deleted whose record then failed cannot be
 * recorded again by the next run (nothing is left to find): its log line names the deleted version
 * ids instead — retention wins over the record, as in ingest. Keys that name no date are kept and reported (log
 * line and the `unreadable` figure), never deleted blind and never a crash.
 */
import { DeleteObjectCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { DAY_MS, decideRetention, type RetentionRule, type StoredVersion } from '../core/retention';
import type { AuditSink } from '../shared/audit-sink';
import { parseRecordingKey } from '../shared/recording-keys';
import type { RetentionIndex } from '../shared/retention-index';

export interface SweepLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface RetentionSweepDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefixes: readonly string[];
  readonly rule: RetentionRule;
  readonly audit: AuditSink;
  /** The recordings index, told about every key removed. */
  readonly index: RetentionIndex;
  readonly now: () => Date;
  /** @default 'function:retention-sweeper' */
  readonly actor?: string;
  readonly logger?: SweepLogger;
}

export interface RetentionSweepReport {
  readonly listed: number;
  readonly expiredKeys: number;
  readonly deletedVersions: number;
  readonly kept: number;
  /** Keys naming no (or a future) date: kept, reported. */
  readonly unreadable: readonly string[];
  /** Keys whose deletion or audit record failed (the next run retries them). */
  readonly failed: readonly string[];
}

/** Every version and delete marker under `prefix` (paginated). */
export async function listAllVersions(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<StoredVersion[]> {
  const out: StoredVersion[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, VersionIdMarker }),
    );
    for (const v of page.Versions ?? [])
      if (v.Key && v.VersionId) out.push({ key: v.Key, versionId: v.VersionId, isDeleteMarker: false });
    for (const m of page.DeleteMarkers ?? [])
      if (m.Key && m.VersionId) out.push({ key: m.Key, versionId: m.VersionId, isDeleteMarker: true });
    KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (KeyMarker);
  return out;
}

export async function sweepRetention(deps: RetentionSweepDeps): Promise<RetentionSweepReport> {
  const now = deps.now();
  const versions: StoredVersion[] = [];
  const seen = new Set<string>();
  for (const prefix of deps.prefixes) {
    for (const v of await listAllVersions(deps.s3, deps.bucket, prefix)) {
      // Prefixes do not overlap (ingest's notifications forbid it), but a key is never handled twice.
      const id = `${v.key}\u0000${v.versionId}`;
      if (seen.has(id)) continue;
      seen.add(id);
      versions.push(v);
    }
  }
  const decision = decideRetention(versions, now, deps.rule);
  const failed: string[] = [];
  let deletedVersions = 0;
  for (const key of decision.expired) {
    const deleted: string[] = [];
    const contactId = parseRecordingKey(key.key).contactId;
    try {
      let indexError: unknown;
      if (contactId) {
        try {
          await deps.index.markExpired(contactId, key.key, now);
        } catch (err) {
          indexError = err;
        }
      }
      for (const v of key.versions) {
        await deps.s3.send(
          new DeleteObjectCommand({ Bucket: deps.bucket, Key: key.key, VersionId: v.versionId }),
        );
        deleted.push(v.versionId);
        deletedVersions++;
      }
      await deps.audit.append({
        chain: `privacy/${key.callAt.toISOString().slice(0, 7)}`,
        kind: 'retention-expired',
        actor: deps.actor ?? 'function:retention-sweeper',
        ...(contactId ? { subject: contactId } : {}),
        at: now,
        data: {
          key: key.key,
          ...(contactId ? { contactId } : {}),
          callOn: key.callAt.toISOString(),
          retentionDays: deps.rule.retentionDays,
          deletedVersionIds: key.versions.filter((v) => !v.isDeleteMarker).map((v) => v.versionId),
          deletedMarkerIds: key.versions.filter((v) => v.isDeleteMarker).map((v) => v.versionId),
        },
      });
      if (indexError !== undefined) throw indexError;
    } catch (err) {
      failed.push(key.key);
      // Deleted but not audited (or not unindexed): the log line keeps what the record would have said (ids only).
      deps.logger?.warn('retention sweep could not finish a key', {
        key: key.key,
        deletedVersionIds: deleted,
        allDeleted: deleted.length === key.versions.length,
        error: (err as Error).message,
      });
    }
  }
  const unreadable = decision.unreadable.map((u) => u.key);
  if (unreadable.length > 0) {
    // The alarm's line: a key the sweeper cannot date is only bounded by the lifecycle.
    deps.logger?.warn('retention sweep kept keys it cannot date', {
      count: unreadable.length,
      keys: unreadable.slice(0, 50),
      reasons: [...new Set(decision.unreadable.map((u) => u.reason))],
    });
  }
  const report: RetentionSweepReport = {
    listed: versions.length,
    expiredKeys: decision.expired.length,
    deletedVersions,
    kept: decision.kept,
    unreadable,
    failed,
  };
  deps.logger?.info('retention sweep done', {
    ...report,
    unreadable: unreadable.length,
    failed: failed.length,
  });
  return report;
}

/** The rule of a sweeper that runs every `intervalHours`. */
export function sweepRule(retentionDays: number, intervalHours: number): RetentionRule {
  return { retentionDays, sweepIntervalMs: (intervalHours * DAY_MS) / 24 };
}
