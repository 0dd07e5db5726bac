/**
 * Export phase: the audit export, as the hourly function runs it, into DIR/audit/ (a directory
 * target instead of the Object Lock bucket), its signed heads published in the audit bucket; then
 * the publication is downloaded into DIR/audit/ with its versions and creation times, as a council
 * member downloads it.
 */
import { rm } from 'node:fs/promises';
import { exportAudit } from '../../../lambda/audit-export/export';
import { directoryExportTarget } from '../../../lambda/audit-export/targets';
import { periodBounds } from '../../../lambda/core/period';
import { downloadPublication } from '../../verify/publication';
import { DAY, type MonthPhase } from './month-run';

export const exportAuditLog: MonthPhase = async (m, ctx) => {
  const { stack, clock, policy } = ctx;
  await m.options.beforeAuditExport?.(stack, { ddb: m.services!.ddb });
  clock.set(periodBounds(m.next, m.timezone).start.getTime() + 24 * DAY);
  m.generatedAt = new Date().toISOString();
  await rm(m.auditDir, { recursive: true, force: true });
  const t = performance.now();
  const exported = await exportAudit({
    dynamo: m.services!.ddb,
    auditTable: stack.tables.audit!,
    decisionsTable: stack.tables.decisions!,
    target: directoryExportTarget(m.auditDir),
    retentionDays: policy.auditRetentionDays,
    clock: () => new Date(),
    maxRecordsPerFile: 5000,
    // The month is in memory already: one scan of the decisions table, not one per 20,000.
    maxDecisionsPerScan: Number.MAX_SAFE_INTEGER,
    publication: { publisher: m.publication.publisher, signer: m.publication.signer },
  });
  await downloadPublication(m.publication.bucket.client, m.publication.bucketName, m.auditDir);
  m.lap('audit-export', t);
  m.stats.exportedFiles = exported.files.length;
  m.exportErrors.push(...exported.errors, ...exported.integrityIssues);
  m.log(
    `  audit export: ${exported.decisions.appended} decisions into their chains, ${exported.files.length} files`,
  );
};
