/**
 * What an object key in the recordings bucket says: which contact, which kind of file.
 *
 * Layouts seen (test/fixtures/corpus/RECORDING-FORMAT.md; Amazon Connect admin guide,
 * "Output file locations for files analyzed by Contact Lens conversational analytics"):
 * - call recording:  `<prefix>/YYYY/MM/DD/<contactId>_<YYYYMMDD>T<HH:MM>_UTC.wav`
 * - Contact Lens:    `[<base>/]Analysis/Voice/YYYY/MM/DD/<contactId>_analysis_<ts>.json`
 * - redacted:        `[<base>/]Analysis/Voice/Redacted/YYYY/MM/DD/<contactId>_analysis_redacted_<ts>.json`
 *                    and `…/<contactId>_call_recording_redacted_<ts>.wav`
 *
 * AWS does not guarantee that the file name carries the contact id. When none can be derived the
 * object cannot be tied to a sampler decision, so ingest treats it as unauthorized (privacy by
 * default): it is deleted and audited, never kept on the chance that it was legitimate.
 */
import type { OBJECT_KINDS } from './requests';

export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface ParsedKey {
  readonly key: string;
  readonly kind: ObjectKind;
  /** Lower-case contact id, or undefined when the name carries none. */
  readonly contactId?: string;
}

const LEADING_UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:[_.]|$)/;

/**
 * Decodes the key of an S3 event notification: keys arrive URL-encoded the
 * application/x-www-form-urlencoded way (`+` is a space, `:` is `%3A`).
 */
export function decodeEventKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

/** Classifies a (decoded) key and extracts its contact id. */
export function parseRecordingKey(key: string): ParsedKey {
  const segments = key.split('/');
  const name = segments.at(-1) ?? '';
  const analysisAt = segments.findIndex((s, i) => s === 'Analysis' && segments[i + 1] === 'Voice');
  const lower = name.toLowerCase();
  let kind: ObjectKind;
  if (analysisAt >= 0) {
    kind = lower.endsWith('.wav') ? 'redacted-audio' : lower.endsWith('.json') ? 'analysis' : 'other';
  } else {
    kind = lower.endsWith('.wav') ? 'call-recording' : 'other';
  }
  const match = LEADING_UUID.exec(name);
  return { key, kind, ...(match ? { contactId: match[1]!.toLowerCase() } : {}) };
}
