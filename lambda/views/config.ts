/**
 * The views function's environment: names, the builder the ListeningService construct uses, and
 * the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import type { IdentitySettings } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { envVars, json, optionalText, parseEnvironment } from '../shared/config';
import { identityEnvironment, identityEnvShape, identityOf } from '../shared/identity-config';
import {
  LISTENING_ENV,
  type ListeningResources,
  listeningEnvironment,
  listeningEnvShape,
  listeningResourcesOf,
} from '../shared/listening-config';
import type { IdentityConfig } from '../shared/principal';
import { REPORT_POLICY_ENV, type ReportPolicy, reportPolicySchema } from '../shared/report-config';

/** What the views show; each optional source that is absent is simply not shown. */
const viewsVars = envVars({
  recordingsTable: optionalText('RECORDINGS_TABLE'),
  requestsTable: optionalText('REQUESTS_TABLE'),
  decisionsTable: optionalText('DECISIONS_TABLE'),
  transparencyBucket: optionalText('TRANSPARENCY_BUCKET'),
  /** The policy summary the transparency report prints (reportPolicyOf). */
  reportPolicy: json(REPORT_POLICY_ENV, reportPolicySchema),
});

export const VIEWS_ENV = { ...LISTENING_ENV, ...viewsVars.names };

export interface ViewsResources extends ListeningResources {
  readonly recordingsTable?: string;
  readonly requestsTable?: string;
  readonly decisionsTable?: string;
  readonly transparencyBucket?: string;
  readonly reportPolicy: ReportPolicy;
}

export function viewsEnvironment(r: ViewsResources, identity: IdentitySettings): Record<string, string> {
  return { ...listeningEnvironment(r), ...viewsVars.write(r), ...identityEnvironment(identity) };
}

export const viewsEnvSchema = z.object({
  ...listeningEnvShape,
  ...viewsVars.shape,
  ...identityEnvShape,
  // Reads of the stored monthly report are audited (AuditLog.bindWriter sets these).
  ...auditEnvShape,
});

export interface ViewsConfig extends ViewsResources {
  readonly identity: IdentityConfig;
  readonly audit: AuditTarget;
}

export function viewsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ViewsConfig {
  const e = parseEnvironment(viewsEnvSchema, env);
  return {
    ...listeningResourcesOf(e),
    ...viewsVars.read(e),
    identity: identityOf(e),
    audit: auditTargetOf(e),
  };
}
