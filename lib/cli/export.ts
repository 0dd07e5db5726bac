/**
 * `fairlisten export --out DIR (--decisions-table T --seeds-table S [--audit-bucket B] | --outputs cdk-outputs.json [--audit])`
 *
 * Writes decisions.jsonl (every stored decision, canonical form) and seeds.json (revealed seeds only:
 * a seed without `revealedAt`, or one that does not match its commitment, is never written) from a
 * deployment, with the SDK's default credentials, region and endpoint; with the audit bucket
 * (`--audit-bucket`, or `--audit` and the AuditBucketName output), also DIR/audit/: the chain exports and the publication with every
 * version and its creation time. The result is the folder `fairlisten verify --month` reads.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanAll } from '../../lambda/shared/dynamo';
import type { SeedItem } from '../../lambda/shared/seed-item';
import { readStackOutputs } from '../deploy/outputs';
import { decisionsJsonl, jsonFile, seedsFile, sortDecisions, toDecisionRecord } from '../simulation/output';
import { downloadAudit } from '../verify/publication';
import { command, required, UsageError } from './_command';

const USAGE = `usage: fairlisten export --out DIR (--decisions-table NAME --seeds-table NAME [--audit-bucket NAME] | --outputs cdk-outputs.json [--audit]) [--region R]

Scans the decisions table and the revealed seeds of a deployment into DIR/decisions.jsonl and
DIR/seeds.json (never an unrevealed seed) and, with the audit bucket, copies its chain exports and
its publication (every version, with its creation time) into DIR/audit/: the folder
\`fairlisten verify --month DIR\` reads. Credentials, region and endpoint: the SDK defaults.
  --audit-bucket  the audit bucket to copy into DIR/audit/
  --audit         with --outputs: copy the audit bucket named by its AuditBucketName
  --region        the AWS region (default: the SDK's)
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
  },
  async run(values) {
    const out = required(values, 'out');
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
export const run = cli.run;
