/**
 * The recordings index side of a retention expiry: once the retention sweeper removes every
 * version of a key, the index must stop offering it (playback signs the indexed version, the
 * assignment draws from kept and redacted contacts). Done the way a deletion request leaves the
 * index (lambda/shared/apply-request.ts): the object item keeps no version, and the contact item
 * gets a state that is neither kept nor redacted — here `expired`, so the agent's view tells an
 * expiry from a deletion they asked for.
 *
 * Both writes are conditional updates of items that exist: the sweeper never creates an index
 * item (a key nobody indexed stays unindexed), never touches `expiresAt` (the item's expiry stays
 * counted from the call), and never overwrites a deletion state (`deleted`,
 * `unauthorized-deleted` say more than `expired`). Idempotent: a second run changes nothing.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from './dynamo';
import { CONTACT_SK, objectSk } from './requests';

export interface RetentionIndex {
  /**
   * Marks `key` of `contactId` as gone: its object item without versions, the contact `expired`
   * (when it was kept or redacted). Returns what changed.
   */
  markExpired(
    contactId: string,
    key: string,
    at: Date,
  ): Promise<{ readonly objectEmptied: boolean; readonly contactExpired: boolean }>;
}

export function createRetentionIndex(client: DynamoDBDocumentClient, table: string): RetentionIndex {
  return {
    async markExpired(contactId, key, at) {
      const updatedAt = at.toISOString();
      const objectEmptied = await writeIf(
        client,
        new UpdateCommand({
          TableName: table,
          Key: { contactId, sk: objectSk(key) },
          UpdateExpression: 'SET versionIds = :none, #size = :zero, updatedAt = :u',
          ConditionExpression: 'attribute_exists(contactId) AND size(versionIds) > :zero',
          ExpressionAttributeNames: { '#size': 'size' },
          ExpressionAttributeValues: { ':none': [], ':zero': 0, ':u': updatedAt },
        }),
      );
      const contactExpired = await writeIf(
        client,
        new UpdateCommand({
          TableName: table,
          Key: { contactId, sk: CONTACT_SK },
          UpdateExpression: 'SET #s = :expired, updatedAt = :u',
          ConditionExpression: 'attribute_exists(contactId) AND (#s = :kept OR #s = :redacted)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: {
            ':expired': 'expired',
            ':kept': 'kept',
            ':redacted': 'redacted',
            ':u': updatedAt,
          },
        }),
      );
      return { objectEmptied, contactExpired };
    },
  };
}
