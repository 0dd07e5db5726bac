/**
 * Request bodies of the privacy routes, validated at the edge. Each problem becomes a 400 whose
 * `details.problems` lists the field paths and what is expected — never the value sent, which
 * may hold personal data (a reason is free text).
 */
import { z } from 'zod';
import { badRequest, type HttpError } from '../shared/http';
import { CHANNELS, type Channel, type TimeRange } from '../shared/requests';

/** At most this many ranges in one redaction (the contract's `ranges.max(50)`). */
export const MAX_RANGES = 50;
export const MAX_REASON_LENGTH = 500;

const reasonSchema = z
  .string({ error: 'reason must be a string' })
  .trim()
  .min(1, { error: 'reason is required (1 to 500 characters)' })
  .max(MAX_REASON_LENGTH, { error: `reason must be at most ${MAX_REASON_LENGTH} characters` });

const seconds = (name: 'from' | 'to') =>
  z
    .number({ error: `${name} must be a number of seconds` })
    .finite({ error: `${name} must be a finite number of seconds` })
    .nonnegative({ error: `${name} must not be negative` });

const rangeSchema = z
  .strictObject({ from: seconds('from'), to: seconds('to') }, { error: 'a range is {from, to} in seconds' })
  .refine((r) => r.from < r.to, { error: 'from must be before to' });

export const deletionBodySchema = z.strictObject(
  { reason: reasonSchema },
  { error: 'body must be a JSON object {reason}' },
);

export const redactionBodySchema = z.strictObject(
  {
    ranges: z
      .array(rangeSchema, { error: 'ranges must be an array of {from, to}' })
      .min(1, { error: 'ranges must hold at least one range' })
      .max(MAX_RANGES, { error: `at most ${MAX_RANGES} ranges per request` }),
    channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }),
    reason: reasonSchema,
  },
  { error: 'body must be a JSON object {ranges, channel, reason}' },
);

export interface DeletionBody {
  readonly reason: string;
}
export interface RedactionBody {
  readonly ranges: readonly TimeRange[];
  readonly channel: Channel;
  readonly reason: string;
}

function invalid(error: z.ZodError): HttpError {
  const problems = error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
  const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return badRequest('invalid-body', `invalid request body: ${summary}`, { problems });
}

export function parseDeletionBody(body: unknown): DeletionBody {
  const parsed = deletionBodySchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

export function parseRedactionBody(body: unknown): RedactionBody {
  const parsed = redactionBodySchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

/**
 * Ranges must end within the recording when its length is known (the index holds the WAV
 * header's duration). When it is not known yet, the ranges are accepted and the executor checks
 * them when the file arrives (status `failed` with the reason if one is beyond the end).
 */
export function assertWithinRecording(
  ranges: readonly TimeRange[],
  durationSeconds: number | undefined,
): void {
  if (durationSeconds === undefined) return;
  const beyond = ranges.findIndex((r) => r.to > durationSeconds);
  if (beyond >= 0) {
    throw badRequest(
      'range-beyond-recording',
      `ranges.${beyond} ends at ${ranges[beyond]!.to} s but the recording lasts ${durationSeconds} s`,
    );
  }
}
