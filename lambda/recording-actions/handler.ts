/**
 * Recording actions entry point: `{ requestId }`, invoked asynchronously by the privacy API after
 * it stored the request (and retried by Lambda on an error). Thin adapter over `applyRequest`.
 */
import { z } from 'zod';
import { type ApplyOutcome, applyRequest } from '../shared/apply-request';
import { actionDepsFromEnv } from '../shared/recording-deps';

export const actionEventSchema = z.object({ requestId: z.uuid() });

const deps = actionDepsFromEnv('fairlisten-recording-actions', 'function:recording-actions');

export async function handler(event: unknown): Promise<ApplyOutcome> {
  const { requestId } = actionEventSchema.parse(event);
  // Errors (lease held by another invocation, S3 or DynamoDB failures) propagate: Lambda retries
  // the asynchronous invocation and every step continues where the last attempt stopped.
  return applyRequest(deps, requestId);
}
