/**
 * The arithmetic of S3 lifecycle rounding, shared by the recordings bucket (which picks its
 * lifecycle days from it) and the compliance report (which recomputes the worst case from the
 * template with it): one spelling for both sides.
 *
 * S3 counts a lifecycle action from the version's creation (current expiration) or from the moment
 * it became noncurrent (noncurrent expiration), adds the days, and rounds **up to the next
 * midnight UTC**. On a versioned bucket, expiring the current version only adds a delete marker; the
 * audio is removed when that version, now noncurrent, expires in turn. So a version created at `t`
 * with `ExpirationInDays` E and `NoncurrentDays` N is gone at the latest
 *   t + (E + 1) days           (delete marker, after rounding)
 *     + (N + 1) days           (noncurrent expiration, after rounding)
 * = t + E + N + 2 days — before S3's own processing delay, which AWS does not bound.
 */

/** Days of rounding S3 may add to each lifecycle action (to the next midnight UTC). */
export const LIFECYCLE_ROUNDING_DAYS = 1;

/** The noncurrent expiration the recordings bucket uses (S3's minimum). */
export const RECORDING_NONCURRENT_DAYS = 1;

/** Latest removal of a version's bytes, in days after its creation, under E and N. */
export function lifecycleWorstCaseDays(expirationDays: number, noncurrentDays: number): number {
  return expirationDays + LIFECYCLE_ROUNDING_DAYS + noncurrentDays + LIFECYCLE_ROUNDING_DAYS;
}

/**
 * The largest `ExpirationInDays` whose worst case stays within `retentionDays` (at least 1, S3's
 * minimum: below 4 days of retention the lifecycle cannot hold the limit alone, the sweeper does).
 */
export function recordingExpirationDays(retentionDays: number): number {
  return Math.max(1, retentionDays - RECORDING_NONCURRENT_DAYS - 2 * LIFECYCLE_ROUNDING_DAYS);
}

/** The smallest worst case any lifecycle can give (E = N = 1). */
export const SHORTEST_LIFECYCLE_WORST_CASE = lifecycleWorstCaseDays(1, 1);
