/**
 * A stand-in for a DynamoDB stream (NEW_AND_OLD_IMAGES) on dynalite, which has none: each
 * `poll()` scans the table and turns what changed since the last poll into the stream records
 * DynamoDB would have delivered — INSERT, MODIFY (old and new image) or REMOVE — with the
 * table's stream ARN. Like DynamoDB, a write that changes nothing yields no record. TTL
 * deletions do not happen locally; `expire(keys)` deletes an item and reports it the way the
 * TTL process shows up in a stream (`userIdentity` of the DynamoDB service).
 *
 * Only a stand-in: it sees the net change between two polls (two writes to one item in between
 * show as one MODIFY), which is all the sentinel's verdict depends on.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import type { ChangeRecord, StreamImage } from '../../lambda/core/write-sentinel';
import type { TableKeys } from '../../lambda/shared/tables';
import { LOCAL_REGION } from './dynamodb';

type Item = Record<string, AttributeValue>;

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

export class LocalTableStream {
  private readonly items = new Map<string, Item>();
  private sequence = 0;
  readonly streamArn: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly keys: TableKeys,
  ) {
    this.streamArn = `arn:aws:dynamodb:${LOCAL_REGION}:000000000000:table/${tableName}/stream/local`;
  }

  private keyOf(item: Item): Item {
    const key: Item = { [this.keys.partitionKey]: item[this.keys.partitionKey]! };
    if (this.keys.sortKey) key[this.keys.sortKey] = item[this.keys.sortKey]!;
    return key;
  }

  private async scan(): Promise<Map<string, Item>> {
    const now = new Map<string, Item>();
    for await (const page of paginateScan(
      { client: this.client },
      { TableName: this.tableName, ConsistentRead: true },
    )) {
      for (const item of page.Items ?? []) now.set(canonical(this.keyOf(item)), item);
    }
    return now;
  }

  private record(
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    key: Item,
    images: { OldImage?: Item; NewImage?: Item },
    userIdentity?: ChangeRecord['userIdentity'],
  ): ChangeRecord {
    this.sequence += 1;
    return {
      eventID: `local-${this.sequence}`,
      eventName,
      eventSourceARN: this.streamArn,
      ...(userIdentity ? { userIdentity } : {}),
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: key as StreamImage,
        ...(images.OldImage ? { OldImage: images.OldImage as StreamImage } : {}),
        ...(images.NewImage ? { NewImage: images.NewImage as StreamImage } : {}),
      },
    };
  }

  /** Records the table as it is now, without reporting anything (the stream starts here). */
  async start(): Promise<this> {
    this.items.clear();
    for (const [k, v] of await this.scan()) this.items.set(k, v);
    return this;
  }

  /** The stream records for everything that changed since the last poll (or `start`). */
  async poll(): Promise<ChangeRecord[]> {
    const now = await this.scan();
    const out: ChangeRecord[] = [];
    for (const [k, item] of now) {
      const before = this.items.get(k);
      if (!before) out.push(this.record('INSERT', this.keyOf(item), { NewImage: item }));
      else if (canonical(before) !== canonical(item))
        out.push(this.record('MODIFY', this.keyOf(item), { OldImage: before, NewImage: item }));
    }
    for (const [k, item] of this.items) {
      if (!now.has(k)) out.push(this.record('REMOVE', this.keyOf(item), { OldImage: item }));
    }
    this.items.clear();
    for (const [k, v] of now) this.items.set(k, v);
    return out;
  }

  /** Deletes the item as DynamoDB's TTL process would, and returns that stream record. */
  async expire(key: Item): Promise<ChangeRecord> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: key }));
    const k = canonical(key);
    const before = this.items.get(k);
    this.items.delete(k);
    return this.record('REMOVE', key, before ? { OldImage: before } : {}, {
      type: 'Service',
      principalId: 'dynamodb.amazonaws.com',
    });
  }
}
