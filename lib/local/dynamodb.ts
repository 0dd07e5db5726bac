/**
 * DynamoDB for offline tests and the local simulation: dynalite in memory on 127.0.0.1, plus
 * table creation from the shared key layouts in `lambda/shared/tables.ts`.
 *
 * dynalite limits (TOOLCHAIN.md, § Local stand-ins): no `TransactWriteItems`, no
 * `UpdateTimeToLive`. TTL attributes are therefore not enabled locally; expiry is a deployed-only
 * behaviour.
 */

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { type RecordingTables, TABLES, type TableKeys } from '../../lambda/shared/tables';
import { LOOPBACK, listenLoopback, stopper } from './net';

/** Region used by every local client: Frankfurt, where fairlisten runs. */
export const LOCAL_REGION = 'eu-central-1';

/**
 * Dummy credentials shared by every local service. dynalite and the Connect stand-in accept any;
 * s3rver only accepts its built-in key pair `S3RVER`/`S3RVER` (InvalidAccessKeyId otherwise), so
 * that pair is used everywhere and one `AWS_ACCESS_KEY_ID` works for all three.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** A client bound to the endpoint (destroyed by `stop()`). */
  readonly client: DynamoDBClient;
  /** Closes the client and the server; the data is gone afterwards. */
  stop(): Promise<void>;
}

export interface LocalDynamoOptions {
  /**
   * Serve from a worker thread of its own: the server's work (HTTP, request validation, expression
   * parsing, the in-memory store) runs on another core than the clients' (SDK middleware, signing,
   * marshalling), which a long run such as the simulated month keeps both busy with. Nothing else
   * changes: the same dynalite, the same endpoint contract, in memory.
   * @default false
   */
  readonly thread?: boolean;
}

const DYNALITE_OPTIONS = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 } as const;

/** Starts an in-memory dynalite whose tables become ACTIVE immediately. */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  if (options.thread) return startDynamoThread();
  const server = dynalite(DYNALITE_OPTIONS);
  const endpoint = await listenLoopback(server);
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return { endpoint, client, stop: stopper(client, server) };
}

/**
 * The worker's whole program (CommonJS, evaluated): dynalite on loopback, its port posted back;
 * `stop` closes the server with its keep-alive sockets and answers `stopped`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const server = require(workerData.dynalite)(workerData.options);
server.listen(0, workerData.host, () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  server.close(() => parentPort.postMessage('stopped'));
  server.closeAllConnections();
});
`;

async function startDynamoThread(): Promise<LocalDynamo> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dynalite: createRequire(import.meta.url).resolve('dynalite'),
      options: DYNALITE_OPTIONS,
      host: LOOPBACK,
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the dynalite worker exited (${code}) before listening`)));
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  let stopped = false;
  return {
    endpoint,
    client,
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      await new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      });
      await worker.terminate();
    },
  };
}

/** Maps a logical table name (`seeds`) to its physical name; identity by default. */
export type TableNamer = (logical: string) => string;

/**
 * Creates every table of `tables` (default: all of `TABLES`) with string keys and on-demand
 * billing. Idempotent: an existing table is left as it is. Returns the physical names by logical
 * name. `ttlAttribute` is ignored (dynalite cannot enable TTL).
 */
export async function createTables(
  client: DynamoDBClient,
  tables: Readonly<Record<string, TableKeys>> = TABLES,
  names: TableNamer = (logical) => logical,
): Promise<Record<string, string>> {
  const created: Record<string, string> = {};
  for (const [logical, keys] of Object.entries(tables)) {
    const TableName = names(logical);
    const KeySchema: KeySchemaElement[] = [{ AttributeName: keys.partitionKey, KeyType: 'HASH' }];
    const attributes = new Map<string, 'S' | 'N'>([[keys.partitionKey, 'S']]);
    if (keys.sortKey) {
      KeySchema.push({ AttributeName: keys.sortKey, KeyType: 'RANGE' });
      attributes.set(keys.sortKey, keys.sortKeyType ?? 'S');
    }
    const GlobalSecondaryIndexes = keys.indexes?.map((index) => {
      attributes.set(index.partitionKey, attributes.get(index.partitionKey) ?? 'S');
      const schema: KeySchemaElement[] = [{ AttributeName: index.partitionKey, KeyType: 'HASH' }];
      if (index.sortKey) {
        attributes.set(index.sortKey, attributes.get(index.sortKey) ?? 'S');
        schema.push({ AttributeName: index.sortKey, KeyType: 'RANGE' });
      }
      return { IndexName: index.name, KeySchema: schema, Projection: { ProjectionType: 'ALL' as const } };
    });
    const AttributeDefinitions: AttributeDefinition[] = [...attributes].map(
      ([AttributeName, AttributeType]) => ({
        AttributeName,
        AttributeType,
      }),
    );
    try {
      await client.send(
        new CreateTableCommand({
          TableName,
          KeySchema,
          AttributeDefinitions,
          GlobalSecondaryIndexes: GlobalSecondaryIndexes?.length ? GlobalSecondaryIndexes : undefined,
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    await waitActive(client, TableName);
    created[logical] = TableName;
  }
  return created;
}

/**
 * The recording tables out of the physical names by logical name that `createTables` returns (a
 * local stack's `tables`); names the one that is missing.
 */
export function recordingTablesOf(names: Readonly<Record<string, string>>): RecordingTables {
  const name = (logical: keyof RecordingTables): string => {
    const physical = names[logical];
    if (physical === undefined) throw new Error(`no ${logical} table among ${Object.keys(names).join(', ')}`);
    return physical;
  };
  return { recordings: name('recordings'), requests: name('requests'), decisions: name('decisions') };
}

/** Polls until the table is ACTIVE (immediate with `createTableMs: 0`, bounded otherwise). */
async function waitActive(client: DynamoDBClient, TableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${TableName} did not become ACTIVE`);
}

/**
 * Environment for code that builds its own SDK clients (handlers, bundled or spawned): the SDK v3
 * reads `AWS_ENDPOINT_URL_DYNAMODB` and sends DynamoDB calls to dynalite.
 */
export function dynamoEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    ...baseAwsEnv(),
  };
}

/** Region and dummy credentials shared by every local service env. */
export function baseAwsEnv(): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}
