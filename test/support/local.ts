/** Test helpers for the local stand-ins (lib/local). */
import { connect } from 'node:net';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../lib/local';

/** Whether something accepts TCP connections at an `http://host:port` endpoint. */
export function acceptsConnections(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sets environment variables for the duration of `fn`, then restores the previous values. */
export { withEnv } from '../../lib/simulation/env';

/**
 * dynalite for one test file: started before its tests, stopped after them, with a document client
 * on it (undefined attributes dropped if asked, as the functions build theirs). Call it at the top of
 * the file; its fields are there once the tests (and later `beforeAll` hooks) run.
 */
export function localDynamoPerFile(options: { removeUndefinedValues?: boolean } = {}): {
  readonly dynamo: LocalDynamo;
  readonly doc: DynamoDBDocumentClient;
} {
  const db: { dynamo?: LocalDynamo; doc?: DynamoDBDocumentClient } = {};
  beforeAll(async () => {
    db.dynamo = await startLocalDynamo();
    db.doc = options.removeUndefinedValues
      ? DynamoDBDocumentClient.from(db.dynamo.client, { marshallOptions: { removeUndefinedValues: true } })
      : DynamoDBDocumentClient.from(db.dynamo.client);
  });
  afterAll(async () => {
    await db.dynamo?.stop();
  });
  return db as { readonly dynamo: LocalDynamo; readonly doc: DynamoDBDocumentClient };
}
