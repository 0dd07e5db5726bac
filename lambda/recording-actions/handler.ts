/**
 * Recording actions entry point: `{ requestId }`, invoked asynchronously by the privacy API after
 * it stored the request (and retried by Lambda on an error). Thin adapter over `applyRequest`.
 */
import { type ApplyOutcome, applyRequest } from '../shared/apply-request';
import { actionDepsFromEnv } from '../shared/recording-deps';
import { type Rejection, reject } from '../shared/rejected-event';
import { actionEventSchema } from './schema';

const deps = actionDepsFromEnv('fairlisten-recording-actions', 'function:recording-actions');

export async function handler(event: unknown): Promise<ApplyOutcome | Rejection> {
  const parsed = actionEventSchema.safeParse(event);
  // Not `{ requestId }`: retrying cannot help; logged (the alarm's line) and dropped.
  if (!parsed.success) return reject(deps.logger, parsed.error);
  const { requestId } = parsed.data;
  // Errors (lease held by another invocation, S3 or DynamoDB failures) propagate: Lambda retries
  // the asynchronous invocation and every step continues where the last attempt stopped; after
  // the retries the event goes to the dead-letter queue.
  return applyRequest(deps, requestId);
}
