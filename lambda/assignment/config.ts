/**
 * The assignment function's environment: names, the builder the ListeningService construct and the
 * simulation use, and the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { envVars, optionalText, parseEnvironment } from '../shared/config';
import {
  LISTENING_ENV,
  type ListeningResources,
  listeningEnvironment,
  listeningEnvShape,
  listeningResourcesOf,
} from '../shared/listening-config';

const assignmentVars = envVars({
  /** The recordings index; without it nothing is assigned. */
  recordingsTable: optionalText('RECORDINGS_TABLE'),
  /** Bucket of `transparency/seeds/<period>.json`; without it no seed is available, nothing is assigned. */
  transparencyBucket: optionalText('TRANSPARENCY_BUCKET'),
});

export const ASSIGNMENT_ENV = { ...LISTENING_ENV, ...assignmentVars.names };

export interface AssignmentResources extends ListeningResources {
  readonly recordingsTable?: string;
  readonly transparencyBucket?: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function assignmentEnvironment(r: AssignmentResources): Record<string, string> {
  return { ...listeningEnvironment(r), ...assignmentVars.write(r) };
}

export const assignmentEnvSchema = z.object({
  ...listeningEnvShape,
  ...assignmentVars.shape,
  ...auditEnvShape,
});

export interface AssignmentConfig extends AssignmentResources {
  readonly audit: AuditTarget;
}

export function assignmentConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AssignmentConfig {
  const e = parseEnvironment(assignmentEnvSchema, env);
  return { ...listeningResourcesOf(e), ...assignmentVars.read(e), audit: auditTargetOf(e) };
}
