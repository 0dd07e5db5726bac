/**
 * The whole local AWS stand-in in one call: dynalite (DynamoDB, every table of `TABLES`
 * created), s3rver (S3, the given buckets) and the Amazon Connect stand-in, all on 127.0.0.1 with
 * OS-chosen ports, plus the environment a spawned or bundled handler needs to reach them.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ConnectSeed, ConnectStandIn, type ConnectStandInOptions, connectEnv } from './connect-standin';
import {
  createTables,
  dynamoEnv,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startLocalDynamo,
  type TableNamer,
} from './dynamodb';
import { s3Env, startLocalS3 } from './s3';

export * from './connect-standin';
export * from './dynamodb';
export * from './s3';
export * from './table-stream';

export interface LocalStackOptions {
  readonly buckets: readonly string[];
  readonly connectState: ConnectSeed;
  readonly connectOptions?: ConnectStandInOptions;
  /** Physical table names (default: the logical names). */
  readonly tableNames?: TableNamer;
  /** dynalite in a worker thread of its own (`startLocalDynamo`'s `thread`). @default false */
  readonly dynamoThread?: boolean;
}

export interface LocalStack {
  readonly dynamo: { readonly endpoint: string; readonly client: DynamoDBClient };
  /** Physical table name by logical name (`seeds`, `decisions`, …). */
  readonly tables: Readonly<Record<string, string>>;
  readonly s3: { readonly endpoint: string; readonly client: S3Client };
  readonly connect: { readonly endpoint: string; readonly standIn: ConnectStandIn };
  /** `AWS_ENDPOINT_URL_*`, region, dummy credentials and S3 checksum settings for handlers. */
  readonly env: Readonly<Record<string, string>>;
  /** Stops all three (also when one of them fails to stop) and removes temporary files. */
  stop(): Promise<void>;
}

/** Starts dynalite, s3rver and the Connect stand-in; on a start failure, stops what had started. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    const results = await Promise.allSettled(stoppers.splice(0).map((stop) => stop()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    const dynamo = await startLocalDynamo({ thread: options.dynamoThread ?? false });
    stoppers.push(dynamo.stop);
    const tables = await createTables(dynamo.client, undefined, options.tableNames);
    const s3 = await startLocalS3({ buckets: options.buckets });
    stoppers.push(s3.stop);
    const standIn = new ConnectStandIn(options.connectState, options.connectOptions);
    const connect = await standIn.start();
    stoppers.push(connect.stop);
    return {
      dynamo: { endpoint: dynamo.endpoint, client: dynamo.client },
      tables,
      s3: { endpoint: s3.endpoint, client: s3.client },
      connect: { endpoint: connect.endpoint, standIn },
      env: { ...dynamoEnv(dynamo.endpoint), ...s3Env(s3.endpoint), ...connectEnv(connect.endpoint) },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}

/**
 * A DynamoDB document client and a Connect client on the running stand-ins, as the functions build
 * theirs (undefined attributes dropped). `maxAttempts` of the Connect client: 1 lets a test see
 * the stand-in's first answer. @default 2
 */
export function standInClients(
  stack: Pick<LocalStack, 'dynamo' | 'connect'>,
  options: { maxAttempts?: number } = {},
): { ddb: DynamoDBDocumentClient; connect: ConnectClient } {
  return {
    ddb: DynamoDBDocumentClient.from(stack.dynamo.client, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    connect: new ConnectClient({
      endpoint: stack.connect.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: options.maxAttempts ?? 2,
    }),
  };
}

export * from './versioned-s3';
