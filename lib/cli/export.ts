/**
 * `fairlisten export --out DIR (--decisions-table T --seeds-table S [--audit-bucket B] | --outputs cdk-outputs.json [--audit])`
 *
 * Writes decisions.jsonl (every stored decision, canonical form) and seeds.json (revealed seeds only:
 * a seed without `revealedAt`, or one that does not match its commitment, is never written) from a
 * deployment, with the SDK's default credentials, region and endpoint; with the audit bucket
 * (`--audit-bucket`, or `--audit` and the AuditBucketName output), also DIR/audit/: the chain exports and the publication with every
 * version and its creation time. The result is the folder `fairlisten verify --month` reads.
 */

import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isPeriod } from '../../lambda/core/period';
import { MonthDataError } from '../../lambda/core/transparency/model';
import { scanAll } from '../../lambda/shared/dynamo';
import { MonthNotAvailableError } from '../../lambda/shared/month-source';
import { reportPolicyOf } from '../../lambda/shared/report-config';
import type { SeedItem } from '../../lambda/shared/seed-item';
import { readStackOutputs } from '../deploy/outputs';
import { loadPolicy, PolicyError } from '../policy/load';
import { decisionsJsonl, jsonFile, seedsFile, sortDecisions, toDecisionRecord } from '../simulation/output';
import { downloadAudit } from '../verify/publication';
import { command, required, UsageError, type Values } from './_command';
import { exportMonthModel, type MonthExportOptions, type MonthExportResult } from './_export-month';

const USAGE = `usage: fairlisten export --out DIR (--decisions-table NAME --seeds-table NAME [--audit-bucket NAME] | --outputs cdk-outputs.json [--audit]) [--region R]
       fairlisten export --month YYYY-MM --outputs cdk-outputs.json --out DIR [--policy recording-policy.json] [--audit-from AUDIT_DIR] [--generated-at ISO] [--simulated] [--region R]

Scans the decisions table and the revealed seeds of a deployment into DIR/decisions.jsonl and
DIR/seeds.json (never an unrevealed seed) and, with the audit bucket, copies its chain exports and
its publication (every version, with its creation time) into DIR/audit/: the folder
\`fairlisten verify --month DIR\` reads. Credentials, region and endpoint: the SDK defaults.
  --audit-bucket  the audit bucket to copy into DIR/audit/
  --audit         with --outputs: copy the audit bucket named by its AuditBucketName
  --region        the AWS region (default: the SDK's)
With --month, also the month's transparency model from the deployed tables: DIR/assignments.jsonl
(the period's listens), then \`verify --month DIR\` and \`audit verify DIR/audit\` run on these
files, and DIR/month.json, the model \`fairlisten transparency --month-data\` renders (the same
reader as GET /transparency and the monthly report). The audit bucket is always copied.
  --policy        the recording policy in force (default: recording-policy.json)
  --audit-from    copy this audit export folder instead of downloading the audit bucket
  --generated-at  the instant the model says it was made (default: now)
  --simulated     the deployment holds simulated data: every page and CSV line says so
Exit 0 on success, 1 on failure, 2 on usage.`;

export interface ExportOptions {
  readonly ddb: DynamoDBDocumentClient;
  readonly decisionsTable: string;
  readonly seedsTable: string;
  readonly outDir: string;
  /** The audit bucket and a client for it. @default - no DIR/audit/ */
  readonly audit?: { readonly s3: S3Client; readonly bucket: string };
}

export interface ExportResult {
  decisions: number;
  revealedPeriods: string[];
  files: string[];
}

export async function exportDeployment(o: ExportOptions): Promise<ExportResult> {
  const decisions = sortDecisions(
    (await scanAll(o.ddb, { TableName: o.decisionsTable, ConsistentRead: true })).map(toDecisionRecord),
  );
  const seeds = seedsFile(
    (await scanAll(o.ddb, { TableName: o.seedsTable, ConsistentRead: true })) as unknown as SeedItem[],
  );
  await mkdir(o.outDir, { recursive: true });
  const files = [join(o.outDir, 'decisions.jsonl'), join(o.outDir, 'seeds.json')];
  await writeFile(files[0]!, decisionsJsonl(decisions));
  await writeFile(files[1]!, jsonFile(seeds));
  if (o.audit) {
    await downloadAudit(o.audit.s3, o.audit.bucket, join(o.outDir, 'audit'));
    files.push(join(o.outDir, 'audit'));
  }
  return { decisions: decisions.length, revealedPeriods: Object.keys(seeds), files };
}

/** The decisions, seeds and audit export, then the month's model (./_export-month.ts). */
export async function exportMonth(
  o: MonthExportOptions & { readonly auditFrom?: string },
): Promise<MonthExportResult> {
  await exportDeployment({
    ddb: o.ddb,
    decisionsTable: o.outputs.DecisionsTableName,
    seedsTable: o.outputs.SeedsTableName,
    outDir: o.outDir,
    ...(o.auditFrom ? {} : { audit: { s3: o.s3, bucket: o.outputs.AuditBucketName } }),
  });
  if (o.auditFrom) await cp(o.auditFrom, join(o.outDir, 'audit'), { recursive: true });
  return exportMonthModel(o);
}

/** Table names from `cdk deploy --outputs-file` (the stack's outputs, see lib/deploy/outputs.ts). */
export function tablesFromOutputs(file: string): {
  decisionsTable: string;
  seedsTable: string;
  auditBucket: string;
} {
  const outputs = readStackOutputs(file);
  return {
    decisionsTable: outputs.DecisionsTableName,
    seedsTable: outputs.SeedsTableName,
    auditBucket: outputs.AuditBucketName,
  };
}

export const cli = command({
  name: 'export',
  usage: USAGE,
  options: {
    out: { type: 'string' },
    'decisions-table': { type: 'string' },
    'seeds-table': { type: 'string' },
    outputs: { type: 'string' },
    'audit-bucket': { type: 'string' },
    audit: { type: 'boolean', default: false },
    region: { type: 'string' },
    month: { type: 'string' },
    policy: { type: 'string' },
    'audit-from': { type: 'string' },
    'generated-at': { type: 'string' },
    simulated: { type: 'boolean', default: false },
  },
  async run(values) {
    const out = required(values, 'out');
    if (typeof values.month === 'string') return runMonthExport(values, out);
    for (const flag of ['policy', 'audit-from', 'generated-at'] as const)
      if (typeof values[flag] === 'string') throw new UsageError(`--${flag} needs --month`);
    const byFlags =
      typeof values['decisions-table'] === 'string' && typeof values['seeds-table'] === 'string';
    if (!byFlags && typeof values.outputs !== 'string') {
      throw new UsageError('give --decisions-table and --seeds-table, or --outputs');
    }
    const { auditBucket: fromOutputs, ...tables } = byFlags
      ? {
          decisionsTable: values['decisions-table'] as string,
          seedsTable: values['seeds-table'] as string,
          auditBucket: undefined,
        }
      : tablesFromOutputs(values.outputs as string);
    if (values.audit === true && !fromOutputs && typeof values['audit-bucket'] !== 'string') {
      throw new UsageError('--audit needs --outputs (its AuditBucketName), or give --audit-bucket NAME');
    }
    const auditBucket =
      typeof values['audit-bucket'] === 'string'
        ? values['audit-bucket']
        : values.audit === true
          ? fromOutputs
          : undefined;
    const region = typeof values.region === 'string' ? { region: values.region } : {};
    const client = new DynamoDBClient(region);
    const s3 = new S3Client(region);
    try {
      const result = await exportDeployment({
        ddb: DynamoDBDocumentClient.from(client),
        ...tables,
        outDir: out,
        ...(auditBucket ? { audit: { s3, bucket: auditBucket } } : {}),
      });
      console.log(
        `exported ${result.decisions} decisions and the revealed seeds of ${result.revealedPeriods.join(', ') || 'no period'} to ${out}`,
      );
      if (auditBucket)
        console.log(
          `copied the audit exports and the publication of ${auditBucket} to ${join(out, 'audit')}`,
        );
      return 0;
    } finally {
      client.destroy();
      s3.destroy();
    }
  },
});
async function runMonthExport(values: Values, out: string): Promise<number> {
  const period = values.month as string;
  if (!isPeriod(period)) throw new UsageError(`--month must be YYYY-MM, got ${JSON.stringify(period)}`);
  if (typeof values.outputs !== 'string') throw new UsageError('--month needs --outputs cdk-outputs.json');
  const generatedAt = values['generated-at'];
  if (typeof generatedAt === 'string' && Number.isNaN(Date.parse(generatedAt)))
    throw new UsageError(`--generated-at must be an ISO instant, got ${JSON.stringify(generatedAt)}`);
  let policy: ReturnType<typeof loadPolicy>;
  try {
    policy = typeof values.policy === 'string' ? loadPolicy(values.policy) : loadPolicy();
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    console.error(`fairlisten export: ${err.message}`);
    return 1;
  }
  const outputs = readStackOutputs(values.outputs);
  const region = typeof values.region === 'string' ? { region: values.region } : {};
  const client = new DynamoDBClient(region);
  const s3 = new S3Client({
    ...region,
    ...(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  });
  try {
    const result = await exportMonth({
      ddb: DynamoDBDocumentClient.from(client),
      s3,
      outputs,
      period,
      policy: reportPolicyOf(policy),
      outDir: out,
      ...(typeof values['audit-from'] === 'string' ? { auditFrom: values['audit-from'] } : {}),
      ...(typeof generatedAt === 'string' ? { generatedAt: new Date(generatedAt).toISOString() } : {}),
      simulated: values.simulated === true,
    });
    const v = result.model.verification;
    console.log(result.files.month);
    console.log(
      `${period}: ${result.model.calls.total.calls} calls, ${result.model.assignments.length} listens; verify --month ${v?.decisions.ok ? 'OK' : 'FAILED'}, audit verify ${v?.audit.ok ? 'OK' : 'FAILED'}`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof MonthNotAvailableError || err instanceof MonthDataError)) throw err;
    console.error(`fairlisten export: ${err.message}`);
    return 1;
  } finally {
    client.destroy();
    s3.destroy();
  }
}

export const run = cli.run;
