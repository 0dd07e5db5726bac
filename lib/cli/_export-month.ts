/**
 * `fairlisten export --month YYYY-MM --outputs cdk-outputs.json --out DIR`: the month's transparency
 * model from a deployment — the same model the simulation writes, from the real tables.
 *
 * Writes into DIR what the council checks and the model it reads:
 *  - decisions.jsonl, seeds.json and audit/ (`exportDeployment` in ./export.ts; the audit export
 *    downloaded from the audit bucket, or copied from a folder with `--audit-from`);
 *  - assignments.jsonl: the period's listens from the listening table (with their plan ids);
 *  - month.json: `readMonthModel` (lambda/shared/month-source.ts, the reader of `GET
 *    /transparency` and the monthly report) with the two verifications run here on those files:
 *    `verify --month DIR` and `audit verify DIR/audit`.
 * Then `fairlisten transparency --month-data DIR/month.json` renders the page and the CSV.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MonthData } from '../../lambda/core/transparency/model';
import { readAssignmentLines, readMonthModel } from '../../lambda/shared/month-source';
import type { ReportPolicy } from '../../lambda/shared/report-config';
import type { StackOutputs } from '../deploy/outputs';
import { jsonFile } from '../simulation/output';
import { verifyAuditExport } from '../verify/audit-export';
import { verifyMonth } from '../verify/month';

export interface MonthExportOptions {
  readonly ddb: DynamoDBDocumentClient;
  readonly s3: Pick<S3Client, 'send'> & S3Client;
  readonly outputs: Pick<
    StackOutputs,
    | 'DecisionsTableName'
    | 'SeedsTableName'
    | 'ListeningTableName'
    | 'PlansTableName'
    | 'RequestsTableName'
    | 'AuditBucketName'
  >;
  readonly period: string;
  readonly policy: ReportPolicy;
  readonly outDir: string;
  /** @default now */
  readonly generatedAt?: string;
  /** The deployment runs on simulated or test data: the report says so on every page and line. */
  readonly simulated?: boolean;
}

export interface MonthExportResult {
  readonly model: MonthData;
  readonly files: { month: string; assignments: string; decisions: string; audit: string };
}

/** The rest of the month export, once DIR holds decisions.jsonl, seeds.json and audit/. */
export async function exportMonthModel(o: MonthExportOptions): Promise<MonthExportResult> {
  const { outputs, outDir, period } = o;
  const audit = join(outDir, 'audit');

  // The listens of the period, as the simulation writes them (sorted by contact id).
  const listens = await readAssignmentLines(o.ddb, outputs.ListeningTableName, period);
  const assignments = join(outDir, 'assignments.jsonl');
  await writeFile(assignments, listens.map((l) => `${JSON.stringify(l)}\n`).join(''));

  // The council's two checks, on these files, against the publication.
  const month = verifyMonth(outDir);
  const auditReport = verifyAuditExport(audit);
  const chains = auditReport.verification.chains;
  const model = await readMonthModel(
    {
      ddb: o.ddb,
      tables: {
        decisions: outputs.DecisionsTableName,
        listening: outputs.ListeningTableName,
        plans: outputs.PlansTableName,
        requests: outputs.RequestsTableName,
      },
      s3: o.s3,
      auditBucket: outputs.AuditBucketName,
      policy: o.policy,
    },
    period,
    {
      generatedAt: o.generatedAt ?? new Date().toISOString(),
      simulated: o.simulated ?? false,
      verification: {
        decisions: { ok: month.ok, violations: month.findings.length },
        audit: {
          ok: auditReport.ok,
          chains: chains.length,
          records: chains.reduce((s, c) => s + c.records, 0),
        },
      },
    },
  );
  const file = join(outDir, 'month.json');
  await writeFile(file, jsonFile(model));
  return {
    model,
    files: { month: file, assignments, decisions: join(outDir, 'decisions.jsonl'), audit },
  };
}
