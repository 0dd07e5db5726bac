/**
 * What an asynchronously invoked function does with an event it cannot read: it rejects it —
 * logs `rejected event` with the reason (schema paths and issue codes, never the values, which
 * may hold identifiers) and returns normally, so Lambda does not retry what can never succeed.
 * A metric filter on that line raises an alarm. Events that fail for another reason throw, are
 * retried by Lambda and end in the function's dead-letter queue (lib/constructs/failure-queue.ts).
 */
import type { z } from 'zod';

/** The log message the rejected-event metric filter matches. */
export const REJECTED_EVENT_MESSAGE = 'rejected event';

export interface Rejection {
  readonly rejected: true;
  /** `path: code` per schema issue, without the offending values. */
  readonly reasons: readonly string[];
}

/** The reasons a schema refused `event`, without any of the event's values. */
export function rejectionOf(error: z.ZodError): Rejection {
  const reasons = error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(event)'}: ${i.code}`);
  return { rejected: true, reasons };
}

/** Logs the rejection (the alarm's line) and returns it as the invocation's result. */
export function reject(
  logger: { warn(message: string, extra?: Record<string, unknown>): void } | undefined,
  error: z.ZodError,
): Rejection {
  const rejection = rejectionOf(error);
  logger?.warn(REJECTED_EVENT_MESSAGE, { reasons: rejection.reasons });
  return rejection;
}
