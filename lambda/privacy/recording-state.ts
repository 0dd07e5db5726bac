/**
 * Whether a recorded call is suspended right now, read back from the privacy audit chain: the
 * privacy API audits every suspension and resumption (`suspension` / `resumption`, with the
 * contact's initial contact id), and Connect offers no read of a recording's state. A transfer
 * keeps the recording of the initial contact, so the records are matched on `initialContactId`.
 *
 * The chain is read newest first, a page at a time, and the search stops at the first matching
 * record, at a record older than `since` (the decision of the leg, less the longest call), or
 * after `maxPages`: then the state is `undefined` (unknown), never guessed.
 *
 * Limit: a suspension that was done but whose audit append failed (the API acts first, audits
 * second, and logs the failure) is not seen here.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

export type LiveRecordingState = 'recording' | 'suspended';

/** The state of the recording of `initialContactId`, audited in `chain`, or undefined when unknown. */
export type RecordingStateReader = (query: {
  readonly chain: string;
  readonly initialContactId: string;
  /** Records older than this cannot concern the call. */
  readonly since: Date;
}) => Promise<LiveRecordingState | undefined>;

/** What one audit item says about a recording, if anything. */
export function stateOfRecord(
  item: Readonly<Record<string, unknown>>,
  initialContactId: string,
): LiveRecordingState | undefined {
  const data = item.data as Readonly<Record<string, unknown>> | undefined;
  if (data?.initialContactId !== initialContactId) return undefined;
  if (item.kind === 'suspension') return 'suspended';
  if (item.kind === 'resumption') return 'recording';
  return undefined;
}

export function createAuditRecordingState(options: {
  readonly ddb: DynamoDBDocumentClient;
  readonly auditTable: string;
  /** @default 5 */
  readonly maxPages?: number;
}): RecordingStateReader {
  const maxPages = options.maxPages ?? 5;
  return async ({ chain, initialContactId, since }) => {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    for (let page = 0; page < maxPages; page++) {
      const out = await options.ddb.send(
        new QueryCommand({
          TableName: options.auditTable,
          KeyConditionExpression: '#c = :c',
          ExpressionAttributeNames: { '#c': 'chain', '#k': 'kind', '#at': 'at', '#d': 'data' },
          ExpressionAttributeValues: { ':c': chain },
          ProjectionExpression: '#k, #at, #d.initialContactId',
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: 200,
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const state = stateOfRecord(item, initialContactId);
        if (state) return state;
        if (typeof item.at === 'string' && Date.parse(item.at) < since.getTime()) return 'recording';
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
      if (!ExclusiveStartKey) return 'recording';
    }
    return undefined;
  };
}
