import { z } from 'zod';
import { REQUEST_STATUSES } from '../core/request-status';

/**
 * Deletion and redaction requests (C9): the contract between the privacy API, which accepts
 * them, and the recording actions, which carry them out — on request, or when the file arrives
 * if the request came first. Stored in the `requests` table.
 */

export const CHANNELS = ['both', 'agent', 'customer'] as const;
export type Channel = (typeof CHANNELS)[number];

export { REQUEST_STATUSES, type RequestStatus } from '../core/request-status';

export const timeRangeSchema = z
  .strictObject({ from: z.number().finite().nonnegative(), to: z.number().finite().positive() })
  .refine((r) => r.from < r.to, { error: 'range from must be before to' });
export type TimeRange = z.infer<typeof timeRangeSchema>;

/** What was removed or replaced, for the requester and the audit (never audio). */
export const proofSchema = z.strictObject({
  deleted: z.array(z.strictObject({ key: z.string(), versionId: z.string(), at: z.string() })),
  replaced: z.array(
    z.strictObject({
      key: z.string(),
      newVersionId: z.string(),
      /** SHA-256 (hex) of the whole new version: objects written with one PutObject. */
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
      /** S3's composite checksum of a multipart version (`<base64>-<parts>`), with its parts. */
      checksumSHA256: z.string().optional(),
      parts: z
        .array(
          z.strictObject({
            start: z.number().int().nonnegative(),
            end: z.number().int().positive(),
            sha256: z.string(),
          }),
        )
        .optional(),
      removedVersionIds: z.array(z.string()),
      at: z.string(),
    }),
  ),
});
export type Proof = z.infer<typeof proofSchema>;

export const requestRecordSchema = z.strictObject({
  requestId: z.uuid(),
  kind: z.enum(['deletion', 'redaction']),
  contactId: z.uuid(),
  /** `agent:<connectUserId>` or `dpo:<subject>`. */
  requestedBy: z.string().min(1),
  reason: z.string().min(1).max(500),
  ranges: z.array(timeRangeSchema).max(50).optional(),
  channel: z.enum(CHANNELS).optional(),
  status: z.enum(REQUEST_STATUSES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().optional(),
  proof: proofSchema.optional(),
  error: z.string().optional(),
  /**
   * Whether the request came before the recording file (applied on arrival) or after it: the
   * transparency report's request speeds are per arrival order.
   */
  arrival: z.enum(['request-first', 'file-first']).optional(),
  /** Epoch seconds (TTL): audit retention. */
  expiresAt: z.number().int(),
});
export type RequestRecord = z.infer<typeof requestRecordSchema>;

/**
 * The recordings index (`recordings` table). Per contact one `#contact` item, and one
 * `object#<key>` item per S3 object Connect wrote for it (call recording, Contact Lens analysis,
 * redacted audio) with the versions seen.
 */
export const CONTACT_SK = '#contact';
export const objectSk = (key: string): string => `object#${key}`;

/**
 * `deleted`: on request (agent or DPO); `unauthorized-deleted`: made outside the policy, deleted by
 * ingest; `expired`: every version removed by the retention sweeper at the end of the retention.
 * Only `kept` and `redacted` recordings are assigned or played.
 */
export const RECORDING_STATES = ['kept', 'redacted', 'deleted', 'unauthorized-deleted', 'expired'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];

export const contactItemSchema = z.strictObject({
  contactId: z.uuid(),
  sk: z.literal(CONTACT_SK),
  agentId: z.string(),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  state: z.enum(RECORDING_STATES),
  /** Seconds of audio of the call recording, once known (from its WAV header). */
  durationSeconds: z.number().nonnegative().optional(),
  updatedAt: z.iso.datetime(),
  expiresAt: z.number().int(),
});
export type ContactItem = z.infer<typeof contactItemSchema>;

export const OBJECT_KINDS = ['call-recording', 'analysis', 'redacted-audio', 'other'] as const;

export const objectItemSchema = z.strictObject({
  contactId: z.uuid(),
  sk: z.string().startsWith('object#'),
  key: z.string(),
  kind: z.enum(OBJECT_KINDS),
  versionIds: z.array(z.string()),
  size: z.number().int().nonnegative(),
  updatedAt: z.iso.datetime(),
  expiresAt: z.number().int(),
});
export type ObjectItem = z.infer<typeof objectItemSchema>;
