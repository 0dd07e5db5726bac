/**
 * Finds the current leg of a transferred contact in the decisions table: the sampler stores one
 * decision per contact leg an agent is connected to (the whisper flow runs on every agent leg),
 * with the leg's InitialContactId and agentId.
 *
 * The decisions table has no index on `initialContactId` (the sampler stores `null` there for a
 * first leg, which a DynamoDB index key cannot hold), so this is a filtered Scan, bounded by
 * `maxPages`. It only runs on the rare retry after a transfer. Follow-up (needs the table layout in
 * lambda/shared/tables.ts and the sampler): a sparse `byInitialContact` index written only for
 * transferred legs would make it one Query.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LegFinder } from './recording-control';

export function createDecisionsLegFinder(options: {
  readonly ddb: DynamoDBDocumentClient;
  readonly decisionsTable: string;
  /** @default 20 (20 MB of decisions read at most) */
  readonly maxPages?: number;
}): LegFinder {
  const maxPages = options.maxPages ?? 20;
  return async ({ initialContactId, agentId, staleLeg }) => {
    const legs: { contactId: string; decidedAt: string }[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    for (let page = 0; page < maxPages; page++) {
      const out = await options.ddb.send(
        new ScanCommand({
          TableName: options.decisionsTable,
          FilterExpression: 'initialContactId = :initial AND agentId = :agent AND contactId <> :stale',
          ExpressionAttributeValues: { ':initial': initialContactId, ':agent': agentId, ':stale': staleLeg },
          ProjectionExpression: 'contactId, decidedAt',
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) {
        if (typeof item.contactId === 'string') {
          legs.push({ contactId: item.contactId, decidedAt: String(item.decidedAt ?? '') });
        }
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
      if (!ExclusiveStartKey) break;
    }
    legs.sort((a, b) => (a.decidedAt < b.decidedAt ? 1 : a.decidedAt > b.decidedAt ? -1 : 0));
    return legs[0]?.contactId;
  };
}
