/** Scheduled: re-runs deletion and redaction requests that stopped moving. Thin adapter over `sweep`. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLambdaExecutorInvoker } from '../shared/executor-invoker';
import { createLogger } from '../shared/logger';
import { sweeperConfigFromEnv } from './config';
import { type SweepReport, sweep } from './sweep';

const config = sweeperConfigFromEnv();
const logger = createLogger('fairlisten-request-sweeper');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const requestsTable = config.requestsTable;
const executor = createLambdaExecutorInvoker({ functionName: config.executorFunctionName });

export async function handler(): Promise<SweepReport> {
  const report = await sweep({ ddb, requestsTable, executor, now: () => new Date() });
  if (report.rerun.length > 0 || report.failed.length > 0) {
    // Ids only: which requests were stuck, so an operator can follow them up.
    logger.warn('stale privacy requests re-run', { rerun: report.rerun, failed: report.failed });
  }
  if (report.failed.length > 0) throw new Error(`could not re-run ${report.failed.length} stale requests`);
  return report;
}
