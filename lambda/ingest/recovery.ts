/**
 * Completing a decision the sampler never stored. The sampler reserves a
 * drawn decision before StartContactRecording (lambda/shared/reservations.ts); when it died after
 * Connect started the recording and before the decision was stored, ingest receives a recording
 * with no decision. If the contact has a reservation holding a drawn decision, that decision is
 * audited (`decision-recovered`, chain `privacy/<period>`, the whole decision in the record) and
 * stored as the contact's decision — exactly the item the sampler would have stored, so
 * `fairlisten verify` recomputes it from the revealed seed like any other. Without a reservation,
 * or with one that is not a drawn decision, nothing is recovered and the recording is deleted.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { putIfAbsent } from '../shared/dynamo';
import { drawnDecisionOf, type ReservedDecision } from '../shared/reservations';

/** The audit kind of a decision completed from a reservation. */
export const DECISION_RECOVERED = 'decision-recovered';

export interface DecisionRecovery {
  /** The drawn decision reserved for the contact, or undefined (none, or not a drawn one). */
  reservedDecision(contactId: string): Promise<ReservedDecision | undefined>;
  /** Stores the decision unless the contact has one; false when one was there already. */
  storeDecision(decision: ReservedDecision): Promise<boolean>;
}

export function createDecisionRecovery(
  client: DynamoDBDocumentClient,
  tables: { readonly reservations: string; readonly decisions: string },
): DecisionRecovery {
  return {
    async reservedDecision(contactId) {
      const out = await client.send(
        new GetCommand({ TableName: tables.reservations, Key: { contactId }, ConsistentRead: true }),
      );
      return drawnDecisionOf(out.Item, contactId);
    },
    storeDecision: (decision) =>
      putIfAbsent(client, {
        TableName: tables.decisions,
        Item: decision,
        ConditionExpression: 'attribute_not_exists(contactId)',
      }),
  };
}
