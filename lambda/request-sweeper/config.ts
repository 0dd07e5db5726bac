/**
 * The request sweeper's environment: names, the builder the RecordingActions construct uses, and
 * the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { envVars, parseEnvironment, text } from '../shared/config';

const sweeperVars = envVars({
  requestsTable: text('REQUESTS_TABLE'),
  /** The recording-actions executor the stalled requests are handed to again. */
  executorFunctionName: text('EXECUTOR_FUNCTION_NAME'),
});

export const SWEEPER_ENV = sweeperVars.names;

export interface SweeperConfig {
  readonly requestsTable: string;
  readonly executorFunctionName: string;
}

export const sweeperEnvironment = (r: SweeperConfig): Record<string, string> => sweeperVars.write(r);

export const sweeperEnvSchema = z.object(sweeperVars.shape);

export function sweeperConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SweeperConfig {
  return sweeperVars.read(parseEnvironment(sweeperEnvSchema, env));
}
