/**
 * The ingest function's environment: the one it shares with the recording-actions executor
 * (lambda/shared/recording-config.ts), plus the sampler's reservations table, which only ingest
 * reads. No SDK (constructs load it).
 */
import { z } from 'zod';
import { envVars, parseEnvironment, text } from '../shared/config';
import { type RecordingConfig, recordingConfigFromEnv, recordingEnvSchema } from '../shared/recording-config';

export * from '../shared/recording-config';

const ingestVars = envVars({
  /** The sampler's reservations (lambda/shared/reservations.ts): a drawn decision per contact. */
  reservationsTable: text('RESERVATIONS_TABLE'),
});

/** What ingest reads beside the shared recording environment. */
export const INGEST_ENV = ingestVars.names;

export interface IngestResources {
  readonly reservationsTable: string;
}

/** Ingest's own variables (the shared ones come with `RecordingActions.bindApplier`). */
export const ingestEnvironment = (r: IngestResources): Record<string, string> => ingestVars.write(r);

/** Every variable ingest reads: the shared recording environment and its own. */
export const ingestEnvSchema = z.object({ ...recordingEnvSchema.shape, ...ingestVars.shape });

export function ingestConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RecordingConfig & IngestResources {
  const e = parseEnvironment(ingestEnvSchema, env);
  return { ...recordingConfigFromEnv(env), ...ingestVars.read(e) };
}
