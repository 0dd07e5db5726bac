/**
 * The request sweeper's environment: names, the builder the RecordingActions construct uses, and
 * the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { parseEnvironment, requiredName } from '../shared/config';

export const SWEEPER_ENV = {
  requestsTable: 'REQUESTS_TABLE',
  executorFunctionName: 'EXECUTOR_FUNCTION_NAME',
} as const;

export interface SweeperConfig {
  readonly requestsTable: string;
  /** The recording-actions executor the stalled requests are handed to again. */
  readonly executorFunctionName: string;
}

export function sweeperEnvironment(r: SweeperConfig): Record<string, string> {
  return {
    [SWEEPER_ENV.requestsTable]: r.requestsTable,
    [SWEEPER_ENV.executorFunctionName]: r.executorFunctionName,
  };
}

export const sweeperEnvSchema = z.object({
  [SWEEPER_ENV.requestsTable]: requiredName,
  [SWEEPER_ENV.executorFunctionName]: requiredName,
});

export function sweeperConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SweeperConfig {
  const e = parseEnvironment(sweeperEnvSchema, env);
  return { requestsTable: e.REQUESTS_TABLE, executorFunctionName: e.EXECUTOR_FUNCTION_NAME };
}
