/**
 * The monthly report (issue: the council gets, every month, from the real tables, the report the
 * simulation shows): once the previous period's listens are assigned, read its model from the
 * tables (lambda/shared/month-source.ts), render the French and English page and CSV with the
 * renderers the CLI uses (lambda/core/transparency/render/) and store them, written once, in the
 * audit bucket under `transparency/reports/<P>/`; `GET /transparency/{period}` serves them.
 *
 * Run daily; acts once per period: nothing before the period's assignment run is complete, nothing
 * once its report is stored (a put with If-None-Match never replaces a stored report). The
 * publication is audited (chain `transparency/<P>`, with the SHA-256 of each file).
 */
import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { periodOf, previousPeriod } from '../core/period';
import { REPORT_CONTENT_TYPES, renderReportFiles, reportKey } from '../core/transparency/render/files';
import { LANGS } from '../core/transparency/render/i18n';
import type { AuditSink } from '../shared/audit-sink';
import { RUN_SK, type RunItem } from '../shared/listening-items';
import {
  MonthNotAvailableError,
  type MonthSource,
  readListeningItem,
  readMonthModel,
} from '../shared/month-source';

export const REPORT_ACTOR = 'system:monthly-report';

export interface MonthlyReportDeps {
  readonly source: MonthSource;
  readonly s3: Pick<S3Client, 'send'>;
  readonly audit: AuditSink;
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
}

export type MonthlyReportOutcome =
  | { period: string; outcome: 'stored'; keys: string[] }
  | { period: string; outcome: 'already-stored' | 'not-ready' | 'no-data' };

const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};
const isTaken = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412;
};

export async function publishMonthlyReport(
  deps: MonthlyReportDeps,
  requested?: string,
): Promise<MonthlyReportOutcome> {
  const { source, s3, logger } = deps;
  const now = deps.now();
  const period = requested ?? previousPeriod(periodOf(now, source.policy.timezone));
  const run = await readListeningItem<RunItem>(source, period, RUN_SK);
  if (run?.status !== 'complete') {
    logger.info('monthly report not yet: the period’s listens are not assigned', { period });
    return { period, outcome: 'not-ready' };
  }
  try {
    await s3.send(
      new HeadObjectCommand({ Bucket: source.auditBucket, Key: reportKey(period, 'fr', 'html') }),
    );
    return { period, outcome: 'already-stored' };
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  let model: Awaited<ReturnType<typeof readMonthModel>>;
  try {
    model = await readMonthModel(source, period, { generatedAt: now.toISOString() });
  } catch (err) {
    if (!(err instanceof MonthNotAvailableError)) throw err;
    logger.warn('no monthly report: no seed commitment published for the period', { period });
    return { period, outcome: 'no-data' };
  }
  const files = LANGS.flatMap((lang) => {
    const rendered = renderReportFiles(model, lang);
    return (['html', 'csv'] as const).map((format) => ({
      key: reportKey(period, lang, format),
      contentType: REPORT_CONTENT_TYPES[format],
      body: rendered[format].body,
    }));
  });
  // Audit first: a stored report always has its record (with each file's hash).
  await deps.audit.append({
    chain: `transparency/${period}`,
    kind: 'report-published',
    actor: REPORT_ACTOR,
    subject: period,
    at: now,
    data: {
      files: files.map((f) => ({ key: f.key, sha256: createHash('sha256').update(f.body).digest('hex') })),
    },
  });
  for (const f of files) {
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: source.auditBucket,
          Key: f.key,
          Body: f.body,
          ContentType: f.contentType,
          IfNoneMatch: '*',
        }),
      );
    } catch (err) {
      if (!isTaken(err)) throw err;
      logger.warn('report file already stored: kept as it was', { key: f.key });
    }
  }
  logger.info('monthly report stored', { period, files: files.length });
  return { period, outcome: 'stored', keys: files.map((f) => f.key) };
}
