/**
 * The states of a deletion or redaction request: pure, so the core (the transparency report
 * counts requests by state) and the shared request contract use one list.
 */
export const REQUEST_STATUSES = [
  /** Accepted; the recording is not (yet) in the bucket: applied on arrival by ingest. */
  'waiting-for-recording',
  /** Being applied (idempotent steps; a retry continues). */
  'in-progress',
  'done',
  /** Could not be applied (e.g. ranges beyond the recording's end); `error` says why. */
  'failed',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
