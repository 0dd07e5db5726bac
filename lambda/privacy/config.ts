/**
 * The privacy function's configuration, read once at module load from the environment the
 * PrivacyApi construct writes; a missing or bad value stops the function at init with a message
 * that names it.
 */
import { requireEnv, requireNumberEnv } from '../shared/env';
import { type IdentityConfig, identityConfigFromEnv } from '../shared/principal';

export interface PrivacyConfig {
  readonly requestsTable: string;
  readonly recordingsTable: string;
  readonly decisionsTable: string;
  readonly executorFunctionName: string;
  readonly connectInstanceId: string;
  readonly auditTable: string;
  /** Days an audit record — and a request record with its proof — is kept (1..365). */
  readonly auditRetentionDays: number;
  readonly identity: IdentityConfig;
}

export function privacyConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PrivacyConfig {
  const auditRetentionDays = requireNumberEnv('AUDIT_RETENTION_DAYS', env);
  if (!Number.isInteger(auditRetentionDays) || auditRetentionDays < 1 || auditRetentionDays > 365) {
    throw new Error(
      `environment variable AUDIT_RETENTION_DAYS must be a whole number 1..365, got ${auditRetentionDays}`,
    );
  }
  return {
    requestsTable: requireEnv('REQUESTS_TABLE', env),
    recordingsTable: requireEnv('RECORDINGS_TABLE', env),
    decisionsTable: requireEnv('DECISIONS_TABLE', env),
    executorFunctionName: requireEnv('EXECUTOR_FUNCTION_NAME', env),
    connectInstanceId: requireEnv('CONNECT_INSTANCE_ID', env),
    auditTable: requireEnv('AUDIT_TABLE', env),
    auditRetentionDays,
    identity: identityConfigFromEnv(env),
  };
}
