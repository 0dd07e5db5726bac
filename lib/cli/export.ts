/**
 * `fairlisten export --out DIR (--decisions-table T --seeds-table S | --outputs cdk-outputs.json)`
 *
 * Writes decisions.jsonl (every stored decision, canonical form) and seeds.json (revealed seeds only:
 * a seed without `revealedAt`, or one that does not match its commitment, is never written) from a
 * deployment, with the SDK's default credentials, region and endpoint. The result feeds
 * `fairlisten verify`.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanAll } from '../../lambda/shared/dynamo';
import type { SeedItem } from '../../lambda/shared/seed-item';
import { readStackOutputs } from '../deploy/outputs';
import { decisionsJsonl, jsonFile, seedsFile, sortDecisions, toDecisionRecord } from '../simulation/output';
import { command, required, UsageError } from './_command';

const USAGE = `usage: fairlisten export --out DIR (--decisions-table NAME --seeds-table NAME | --outputs cdk-outputs.json) [--region R]

Scans the decisions table and the revealed seeds of a deployment into DIR/decisions.jsonl and
DIR/seeds.json (never an unrevealed seed). Credentials, region and endpoint: the SDK defaults.
  --region   the AWS region (default: the SDK's)\nExit 0 on success, 1 on failure, 2 on usage.`;

export interface ExportOptions {
  readonly ddb: DynamoDBDocumentClient;
  readonly decisionsTable: string;
  readonly seedsTable: string;
  readonly outDir: string;
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
  return { decisions: decisions.length, revealedPeriods: Object.keys(seeds), files };
}

/** Table names from `cdk deploy --outputs-file` (the stack's outputs, see lib/deploy/outputs.ts). */
export function tablesFromOutputs(file: string): { decisionsTable: string; seedsTable: string } {
  const outputs = readStackOutputs(file);
  return { decisionsTable: outputs.DecisionsTableName, seedsTable: outputs.SeedsTableName };
}

export const cli = command({
  name: 'export',
  usage: USAGE,
  options: {
    out: { type: 'string' },
    'decisions-table': { type: 'string' },
    'seeds-table': { type: 'string' },
    outputs: { type: 'string' },
    region: { type: 'string' },
  },
  async run(values) {
    const out = required(values, 'out');
    const byFlags =
      typeof values['decisions-table'] === 'string' && typeof values['seeds-table'] === 'string';
    if (!byFlags && typeof values.outputs !== 'string') {
      throw new UsageError('give --decisions-table and --seeds-table, or --outputs');
    }
    const tables = byFlags
      ? { decisionsTable: values['decisions-table'] as string, seedsTable: values['seeds-table'] as string }
      : tablesFromOutputs(values.outputs as string);
    const client = new DynamoDBClient(typeof values.region === 'string' ? { region: values.region } : {});
    try {
      const result = await exportDeployment({
        ddb: DynamoDBDocumentClient.from(client),
        ...tables,
        outDir: out,
      });
      console.log(
        `exported ${result.decisions} decisions and the revealed seeds of ${result.revealedPeriods.join(', ') || 'no period'} to ${out}`,
      );
      return 0;
    } finally {
      client.destroy();
    }
  },
});
export const run = cli.run;
