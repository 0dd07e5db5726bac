/**
 * Recording ingest entry point: S3 event notifications of the recordings bucket (Connect call
 * recordings, Contact Lens output). Thin adapter over `ingestObject`; a failing record fails the
 * invocation after the others were processed, so Lambda re-delivers and ingest (idempotent)
 * finishes it — or, after the retries, sends the event to the dead-letter queue. An event that is
 * not an S3 notification is rejected (logged, not retried).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { actionDepsFromEnv } from '../shared/recording-deps';
import { type Rejection, reject } from '../shared/rejected-event';
import { ingestConfigFromEnv } from './config';
import { parseCreatedObjects } from './event';
import { type IngestDeps, type IngestOutcome, ingestObject } from './ingest';
import { createDecisionRecovery } from './recovery';

const config = ingestConfigFromEnv();
const deps: IngestDeps = {
  ...actionDepsFromEnv('fairlisten-ingest', 'function:ingest'),
  recovery: createDecisionRecovery(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    reservations: config.reservationsTable,
    decisions: config.decisionsTable,
  }),
};

export async function handler(event: unknown): Promise<IngestOutcome[] | Rejection> {
  const parsed = parseCreatedObjects(event);
  // Not an S3 notification: retrying cannot help; logged (the alarm's line) and dropped.
  if ('error' in parsed) return reject(deps.logger, parsed.error);
  const outcomes: IngestOutcome[] = [];
  const errors: unknown[] = [];
  for (const object of parsed.objects) {
    if (object.bucket !== deps.objects.bucket) {
      errors.push(new Error(`event for bucket ${object.bucket}, expected ${deps.objects.bucket}`));
      continue;
    }
    try {
      outcomes.push(await ingestObject(deps, object));
    } catch (err) {
      deps.logger?.warn('ingest failed', { key: object.key, error: (err as Error).message });
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} objects failed to ingest`);
  return outcomes;
}
