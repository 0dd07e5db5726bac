/**
 * The privacy function's environment: names, the builder the PrivacyApi construct uses, and the
 * parser the handler runs at module load (a missing or bad value stops the function at init with
 * a message that names it). No SDK (constructs load it).
 */
import { z } from 'zod';
import type { IdentitySettings } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { parseEnvironment, requiredName } from '../shared/config';
import { identityEnvironment, identityEnvShape, identityOf } from '../shared/identity-config';
import type { IdentityConfig } from '../shared/principal';

export const PRIVACY_ENV = {
  requestsTable: 'REQUESTS_TABLE',
  recordingsTable: 'RECORDINGS_TABLE',
  decisionsTable: 'DECISIONS_TABLE',
  executorFunctionName: 'EXECUTOR_FUNCTION_NAME',
  connectInstanceId: 'CONNECT_INSTANCE_ID',
} as const;

export interface PrivacyResources {
  readonly requestsTable: string;
  readonly recordingsTable: string;
  readonly decisionsTable: string;
  readonly executorFunctionName: string;
  readonly connectInstanceId: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function privacyEnvironment(r: PrivacyResources, identity: IdentitySettings): Record<string, string> {
  return {
    ...identityEnvironment(identity),
    [PRIVACY_ENV.requestsTable]: r.requestsTable,
    [PRIVACY_ENV.recordingsTable]: r.recordingsTable,
    [PRIVACY_ENV.decisionsTable]: r.decisionsTable,
    [PRIVACY_ENV.executorFunctionName]: r.executorFunctionName,
    [PRIVACY_ENV.connectInstanceId]: r.connectInstanceId,
  };
}

export const privacyEnvSchema = z.object({
  [PRIVACY_ENV.requestsTable]: requiredName,
  [PRIVACY_ENV.recordingsTable]: requiredName,
  [PRIVACY_ENV.decisionsTable]: requiredName,
  [PRIVACY_ENV.executorFunctionName]: requiredName,
  [PRIVACY_ENV.connectInstanceId]: requiredName,
  ...identityEnvShape,
  ...auditEnvShape,
});

export interface PrivacyConfig extends PrivacyResources {
  /** Where suspensions and requests are audited; its retention is also a request record's (1..365 days). */
  readonly audit: AuditTarget;
  readonly identity: IdentityConfig;
}

export function privacyConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PrivacyConfig {
  const e = parseEnvironment(privacyEnvSchema, env);
  return {
    requestsTable: e.REQUESTS_TABLE,
    recordingsTable: e.RECORDINGS_TABLE,
    decisionsTable: e.DECISIONS_TABLE,
    executorFunctionName: e.EXECUTOR_FUNCTION_NAME,
    connectInstanceId: e.CONNECT_INSTANCE_ID,
    audit: auditTargetOf(e),
    identity: identityOf(e),
  };
}
