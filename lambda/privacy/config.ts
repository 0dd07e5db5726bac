/**
 * The privacy function's environment: names, the builder the PrivacyApi construct uses, and the
 * parser the handler runs at module load (a missing or bad value stops the function at init with
 * a message that names it). No SDK (constructs load it).
 */
import { z } from 'zod';
import type { IdentitySettings } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { envVars, parseEnvironment, text } from '../shared/config';
import { identityEnvironment, identityEnvShape, identityOf } from '../shared/identity-config';
import type { IdentityConfig } from '../shared/principal';

const privacyVars = envVars({
  requestsTable: text('REQUESTS_TABLE'),
  recordingsTable: text('RECORDINGS_TABLE'),
  decisionsTable: text('DECISIONS_TABLE'),
  executorFunctionName: text('EXECUTOR_FUNCTION_NAME'),
  connectInstanceId: text('CONNECT_INSTANCE_ID'),
});

export const PRIVACY_ENV = privacyVars.names;

export interface PrivacyResources {
  readonly requestsTable: string;
  readonly recordingsTable: string;
  readonly decisionsTable: string;
  readonly executorFunctionName: string;
  readonly connectInstanceId: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function privacyEnvironment(r: PrivacyResources, identity: IdentitySettings): Record<string, string> {
  return { ...identityEnvironment(identity), ...privacyVars.write(r) };
}

export const privacyEnvSchema = z.object({ ...privacyVars.shape, ...identityEnvShape, ...auditEnvShape });

export interface PrivacyConfig extends PrivacyResources {
  /** Where suspensions and requests are audited; its retention is also a request record's (1..365 days). */
  readonly audit: AuditTarget;
  readonly identity: IdentityConfig;
}

export function privacyConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PrivacyConfig {
  const e = parseEnvironment(privacyEnvSchema, env);
  return { ...privacyVars.read(e), audit: auditTargetOf(e), identity: identityOf(e) };
}
