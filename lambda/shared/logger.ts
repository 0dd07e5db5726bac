import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One logger per function, named for the service. Log identifiers only (contact, agent and
 * request ids): never phone numbers, names, attribute values or audio.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
