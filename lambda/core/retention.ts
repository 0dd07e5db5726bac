/**
 * Retention counted from the call (C3): which stored versions of the recordings bucket are past
 * their limit, whatever S3's lifecycle says.
 *
 * S3's lifecycle counts from each version's creation and rounds to the next midnight UTC, so a
 * version written after the call (a redaction on day 89, a late Contact Lens file) would outlive
 * the limit by up to the whole retention. The retention sweeper runs this decision every day and
 * deletes what it returns: every version and delete marker of a key whose **call** is older than
 * the limit minus one sweep interval, so the next run would already be too late.
 *
 * The call's time comes from the key, never from LastModified (which a rewrite resets):
 * - the date folder `…/YYYY/MM/DD/…` Connect and Contact Lens write under (UTC dates, read as
 *   00:00 UTC of that day: the earliest the call can have been);
 * - the time in the file name (`_YYYYMMDDTHH:MM_UTC`, `_YYYY-MM-DDTHH:MM:SSZ`), when earlier.
 * A key naming no date is kept and reported (the sweeper cannot prove its age; the lifecycle still
 * bounds it from its creation), and a date in the future is treated the same way.
 *
 * Pure: no SDK, no clock (the time is an argument).
 */

export const DAY_MS = 86_400_000;

/** A DynamoDB TTL: the epoch second `days` days after the instant `ms` (epoch milliseconds), whole second down. */
export const ttlAfterDays = (ms: number, days: number): number =>
  Math.floor(ms / 1000) + days * (DAY_MS / 1000);

/** One entry of a ListObjectVersions answer (version or delete marker). */
export interface StoredVersion {
  readonly key: string;
  readonly versionId: string;
  readonly isDeleteMarker: boolean;
}

export interface RetentionRule {
  /** Days a recording may exist, counted from the call (the policy's `retentionDays`). */
  readonly retentionDays: number;
  /** Time between two sweeps: a key is deleted once waiting one more sweep would pass the limit. */
  readonly sweepIntervalMs: number;
  /** Slack for a late or slow sweep run. @default one hour */
  readonly slackMs?: number;
}

export type Unreadable = 'no-date' | 'future-date';

export interface KeyVerdict {
  readonly key: string;
  /** The earliest the call can have started, per the key; undefined when the key names no date. */
  readonly callAt?: Date;
  /** Every version and delete marker of the key (all go when the key is past its limit). */
  readonly versions: readonly StoredVersion[];
}

export interface RetentionDecision {
  /** Keys whose call is past the limit, with every version to delete, oldest call first. */
  readonly expired: readonly (KeyVerdict & { readonly callAt: Date })[];
  /** Keys the decision cannot date: kept, and reported. */
  readonly unreadable: readonly (KeyVerdict & { readonly reason: Unreadable })[];
  /** Keys within their limit. */
  readonly kept: number;
}

const FOLDER_DATE = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\//;
/** Connect's call recording name: `<contactId>_20261203T10:15_UTC.wav`. */
const COMPACT_TIME = /_(\d{4})(\d{2})(\d{2})T(\d{2}):?(\d{2})(?::?(\d{2}))?_UTC/;
/** Contact Lens names: `<contactId>_analysis_2026-12-03T10:20:00Z.json`. */
const ISO_TIME = /_(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?Z/;

function utc(y: string, mo: string, d: string, h = '00', mi = '00', s = '00'): Date | undefined {
  const at = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  // Date.UTC rolls 2026-02-31 over to March (and maps years 0–99 to 1900–1999): a date is real only
  // if it reads back as written. The patterns give 4-digit years and 2-digit fields.
  const real = at.toISOString() === `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`;
  return real ? at : undefined;
}

/**
 * The earliest time the call of `key` can have started, per what the key names: the date folder
 * (00:00 UTC) or the time in the file name, whichever is earlier. Undefined when it names neither.
 */
export function callTimeOfKey(key: string): Date | undefined {
  const candidates: Date[] = [];
  const folder = FOLDER_DATE.exec(key);
  if (folder) {
    const at = utc(folder[1]!, folder[2]!, folder[3]!);
    if (at) candidates.push(at);
  }
  const name = key.slice(key.lastIndexOf('/') + 1);
  for (const pattern of [COMPACT_TIME, ISO_TIME]) {
    const m = pattern.exec(name);
    if (!m) continue;
    const at = utc(m[1]!, m[2]!, m[3]!, m[4], m[5], m[6]);
    if (at) candidates.push(at);
  }
  if (candidates.length === 0) return undefined;
  return new Date(Math.min(...candidates.map((d) => d.getTime())));
}

/** The age (from the call) at which a key is deleted: the limit minus one interval and the slack. */
export function deleteAfterMs(rule: RetentionRule): number {
  return rule.retentionDays * DAY_MS - rule.sweepIntervalMs - (rule.slackMs ?? 3_600_000);
}

/** Validates a rule; the message names the bad value. */
export function checkRule(rule: RetentionRule): void {
  if (!Number.isInteger(rule.retentionDays) || rule.retentionDays < 1)
    throw new Error(`retentionDays must be a whole number ≥ 1, got ${rule.retentionDays}`);
  if (!Number.isFinite(rule.sweepIntervalMs) || rule.sweepIntervalMs <= 0)
    throw new Error(`sweepIntervalMs must be positive, got ${rule.sweepIntervalMs}`);
}

/**
 * Groups `versions` by key and decides each key: past its limit (every version goes), unreadable
 * (kept, reported), or kept. The key is the unit: a version cannot be younger than its call.
 */
export function decideRetention(
  versions: readonly StoredVersion[],
  now: Date,
  rule: RetentionRule,
): RetentionDecision {
  checkRule(rule);
  const byKey = new Map<string, StoredVersion[]>();
  for (const v of versions) {
    const list = byKey.get(v.key);
    if (list) list.push(v);
    else byKey.set(v.key, [v]);
  }
  const limit = deleteAfterMs(rule);
  const expired: (KeyVerdict & { callAt: Date })[] = [];
  const unreadable: (KeyVerdict & { reason: Unreadable })[] = [];
  let kept = 0;
  for (const [key, list] of byKey) {
    const callAt = callTimeOfKey(key);
    if (!callAt) {
      unreadable.push({ key, versions: list, reason: 'no-date' });
    } else if (callAt.getTime() > now.getTime() + DAY_MS) {
      // A date folder is 00:00 of a day that may be "tomorrow" in UTC: more than that is a lie.
      unreadable.push({ key, callAt, versions: list, reason: 'future-date' });
    } else if (now.getTime() - callAt.getTime() >= limit) {
      expired.push({ key, callAt, versions: list });
    } else {
      kept++;
    }
  }
  expired.sort((a, b) => a.callAt.getTime() - b.callAt.getTime() || a.key.localeCompare(b.key));
  unreadable.sort((a, b) => a.key.localeCompare(b.key));
  return { expired, unreadable, kept };
}

/**
 * The earliest the call behind a stored object can have started: the earliest of what the key
 * names (callTimeOfKey), the sampler's decision time, and the time the object was created (a call
 * starts before its recording exists). Invalid inputs are skipped; the creation time always counts.
 */
export function callStartOf(key: string, decidedAt: string | undefined, createdAt: Date): Date {
  const candidates = [createdAt.getTime()];
  const fromKey = callTimeOfKey(key);
  if (fromKey) candidates.push(fromKey.getTime());
  // An absent or unreadable decision time parses to NaN, which the filter below drops.
  candidates.push(Date.parse(decidedAt ?? ''));
  const finite = candidates.filter(Number.isFinite);
  if (finite.length === 0) throw new Error(`no valid time for the call of ${key}`);
  return new Date(Math.min(...finite));
}

/**
 * Epoch seconds (DynamoDB TTL) at which every recordings index item of a call expires: the call's
 * start plus `retentionDays`. Counted from the call, never from a write: a later write (a
 * redaction, a late Contact Lens file, an executor's progress) keeps the call's expiry, so the
 * index never outlives the recording it describes.
 */
export function indexExpiresAt(callAt: Date, retentionDays: number): number {
  const ms = callAt.getTime();
  if (!Number.isFinite(ms)) throw new Error('indexExpiresAt needs a valid call time');
  if (!Number.isInteger(retentionDays) || retentionDays < 1)
    throw new Error(`retentionDays must be a whole number ≥ 1, got ${retentionDays}`);
  return ttlAfterDays(ms, retentionDays);
}
