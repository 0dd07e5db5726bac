/**
 * The assignment function's environment: names, the builder the ListeningService construct and the
 * simulation use, and the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { definedEntries, optionalName, parseEnvironment } from '../shared/config';
import {
  LISTENING_ENV,
  type ListeningResources,
  listeningEnvironment,
  listeningEnvShape,
  listeningResourcesOf,
} from '../shared/listening-config';

export const ASSIGNMENT_ENV = {
  ...LISTENING_ENV,
  recordingsTable: 'RECORDINGS_TABLE',
  transparencyBucket: 'TRANSPARENCY_BUCKET',
} as const;

export interface AssignmentResources extends ListeningResources {
  /** The recordings index; without it nothing is assigned. */
  readonly recordingsTable?: string;
  /** Bucket of `transparency/seeds/<period>.json`; without it no seed is available, nothing is assigned. */
  readonly transparencyBucket?: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function assignmentEnvironment(r: AssignmentResources): Record<string, string> {
  return {
    ...listeningEnvironment(r),
    ...definedEntries({
      [ASSIGNMENT_ENV.recordingsTable]: r.recordingsTable,
      [ASSIGNMENT_ENV.transparencyBucket]: r.transparencyBucket,
    }),
  };
}

export const assignmentEnvSchema = z.object({
  ...listeningEnvShape,
  [ASSIGNMENT_ENV.recordingsTable]: optionalName,
  [ASSIGNMENT_ENV.transparencyBucket]: optionalName,
  ...auditEnvShape,
});

export interface AssignmentConfig extends AssignmentResources {
  readonly audit: AuditTarget;
}

export function assignmentConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AssignmentConfig {
  const e = parseEnvironment(assignmentEnvSchema, env);
  return {
    ...listeningResourcesOf(e),
    recordingsTable: e.RECORDINGS_TABLE,
    transparencyBucket: e.TRANSPARENCY_BUCKET,
    audit: auditTargetOf(e),
  };
}
