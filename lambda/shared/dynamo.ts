import {
  type DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type ScanCommandInput,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/** Every item of a query, all pages (the SDK paginator follows LastEvaluatedKey). */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}

/** Every item of a scan, all pages. Use on small tables or with a selective filter only. */
export async function scanAll(
  client: DynamoDBDocumentClient,
  input: ScanCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}

/** Whether a write failed only because its condition did not hold (by name: any SDK copy, any mock). */
export const isConditionFailure = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

/** Sends a conditional write: false when its `ConditionExpression` does not hold, instead of an error. */
export async function writeIf(
  client: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand | DeleteCommand,
): Promise<boolean> {
  try {
    // biome-ignore lint/suspicious/noExplicitAny: the three write commands share one client overload set
    await client.send(command as any);
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Puts the item unless its `ConditionExpression` fails: false then, instead of an error. */
export const putIfAbsent = (client: DynamoDBDocumentClient, input: PutCommandInput): Promise<boolean> =>
  writeIf(client, new PutCommand(input));
