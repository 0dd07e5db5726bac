/**
 * The monthly report function's environment: names, the builder the ListeningService construct
 * uses, and the parser the handler runs at module load. No SDK (constructs load it). The audit
 * variables are set by `AuditLog.bindWriter`.
 */
import { z } from 'zod';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { envVars, json, optionalText, parseEnvironment, text } from '../shared/config';
import { REPORT_POLICY_ENV, type ReportPolicy, reportPolicySchema } from '../shared/report-config';

const reportVars = envVars({
  decisionsTable: text('DECISIONS_TABLE'),
  listeningTable: text('LISTENING_TABLE'),
  plansTable: text('PLANS_TABLE'),
  requestsTable: optionalText('REQUESTS_TABLE'),
  /** The audit bucket: the public seed objects are read there, the reports stored there. */
  auditBucket: text('AUDIT_BUCKET'),
  reportPolicy: json(REPORT_POLICY_ENV, reportPolicySchema),
});

export const MONTHLY_REPORT_ENV = reportVars.names;

export interface MonthlyReportResources {
  readonly decisionsTable: string;
  readonly listeningTable: string;
  readonly plansTable: string;
  /** @default - none: privacy requests are not counted */
  readonly requestsTable?: string;
  readonly auditBucket: string;
  readonly reportPolicy: ReportPolicy;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export const monthlyReportEnvironment = (r: MonthlyReportResources): Record<string, string> =>
  reportVars.write(r);

export const monthlyReportEnvSchema = z.object({ ...reportVars.shape, ...auditEnvShape });

export interface MonthlyReportConfig extends MonthlyReportResources {
  readonly audit: AuditTarget;
}

export function monthlyReportConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MonthlyReportConfig {
  const e = parseEnvironment(monthlyReportEnvSchema, env);
  return { ...reportVars.read(e), audit: auditTargetOf(e) };
}
