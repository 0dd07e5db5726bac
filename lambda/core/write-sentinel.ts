/**
 * The write sentinel's decision: which changes to an append-only table (the audit chains, the
 * sampler's decisions) are tampering.
 *
 * Both tables are written only by conditional first writes (`attribute_not_exists` on the key):
 * such a write shows on the table's stream as INSERT. Anything else on a record — a MODIFY (an
 * unconditional PutItem over an existing item, an UpdateItem) or a REMOVE — is tampering, except:
 * - a REMOVE made by DynamoDB's own TTL process: its stream record names the service
 *   (`userIdentity.type` "Service", `principalId` "dynamodb.amazonaws.com");
 * - changes to the audit table's bookkeeping partitions (`_watermark`, `_lease`: chain names
 *   starting with `_`), which the exporter rewrites on purpose and which hold no record.
 * A stream record that cannot be read is reported as tampering too: unknown is not innocent.
 *
 * Pure: takes the stream records already parsed, returns findings. Identifiers and hashes only.
 */

/** A DynamoDB attribute value as the stream delivers it (only the shapes keys and hashes use). */
export type StreamAttribute = { readonly S?: string; readonly N?: string } & Readonly<
  Record<string, unknown>
>;
export type StreamImage = Readonly<Record<string, StreamAttribute>>;

/** The fields of a DynamoDB stream record the sentinel reads. */
export interface ChangeRecord {
  readonly eventID?: string;
  readonly eventName?: string;
  readonly eventSourceARN?: string;
  readonly userIdentity?: { readonly type?: string; readonly principalId?: string };
  readonly dynamodb?: {
    readonly ApproximateCreationDateTime?: number;
    readonly Keys?: StreamImage;
    readonly OldImage?: StreamImage;
    readonly NewImage?: StreamImage;
  };
}

/** Which watched table a stream belongs to. */
export type WatchedTable = 'audit' | 'decisions';

export interface Tampering {
  readonly table: WatchedTable | 'unknown';
  /** MODIFY, REMOVE, or `unreadable` when the record could not be read. */
  readonly change: string;
  /** The item's key, as `name=value` pairs (chain and seq, or the contact id). */
  readonly key: string;
  /** Hash of the record before and after the change (audit records carry one, decisions none). */
  readonly oldHash?: string;
  readonly newHash?: string;
  readonly eventId?: string;
  /** ISO time DynamoDB saw the change (approximate, to the second). */
  readonly changedAt?: string;
}

export type Classification =
  | { readonly verdict: 'first-write' | 'ttl-expiry' | 'bookkeeping' }
  | { readonly verdict: 'tampered'; readonly tampering: Tampering };

/** The principal DynamoDB's TTL process acts as in stream records. */
export const TTL_PRINCIPAL = 'dynamodb.amazonaws.com';

const scalar = (a: StreamAttribute | undefined): string | undefined => a?.S ?? a?.N;

function keyOf(keys: StreamImage | undefined): string {
  if (!keys) return '(no key)';
  return Object.keys(keys)
    .sort()
    .map((name) => `${name}=${scalar(keys[name]) ?? '?'}`)
    .join(' ');
}

/** Table name in a stream ARN `arn:…:table/<name>/stream/<label>`. */
export function tableNameOfStream(arn: string | undefined): string | undefined {
  return arn?.match(/:table\/([^/]+)\/stream\//)?.[1];
}

/**
 * Classifies one stream record. `tables` maps physical table names to what they are; a record
 * from any other table is reported (the sentinel should not be wired to it).
 */
export function classifyChange(
  record: ChangeRecord,
  tables: Readonly<Record<string, WatchedTable>>,
): Classification {
  const name = tableNameOfStream(record.eventSourceARN);
  // Own names only: a table called `constructor` is not one of the watched tables.
  const table = name !== undefined && Object.hasOwn(tables, name) ? tables[name] : undefined;
  const dynamodb = record.dynamodb ?? {};
  const image = dynamodb.Keys;
  const key = keyOf(image);
  const at = dynamodb.ApproximateCreationDateTime ?? Number.NaN;
  const common = {
    key,
    ...(record.eventID ? { eventId: record.eventID } : {}),
    ...(Number.isFinite(at) ? { changedAt: new Date(at * 1000).toISOString() } : {}),
  };
  if (table === undefined || image === undefined) {
    return {
      verdict: 'tampered',
      tampering: { table: table ?? 'unknown', change: 'unreadable', ...common },
    };
  }
  const change = record.eventName;
  if (change === 'INSERT') return { verdict: 'first-write' };
  if (change !== 'MODIFY' && change !== 'REMOVE') {
    return { verdict: 'tampered', tampering: { table, change: 'unreadable', ...common } };
  }
  if (
    change === 'REMOVE' &&
    record.userIdentity?.type === 'Service' &&
    record.userIdentity.principalId === TTL_PRINCIPAL
  ) {
    return { verdict: 'ttl-expiry' };
  }
  if (table === 'audit' && (scalar(image.chain) ?? '').startsWith('_')) return { verdict: 'bookkeeping' };
  // Images are absent when the stream carries keys only; a decision has no hash attribute.
  const oldHash = scalar(dynamodb.OldImage?.hash);
  const newHash = scalar(dynamodb.NewImage?.hash);
  return {
    verdict: 'tampered',
    tampering: {
      table,
      change,
      ...common,
      ...(oldHash !== undefined ? { oldHash } : {}),
      ...(newHash !== undefined ? { newHash } : {}),
    },
  };
}

/** Every tampering among `records`, in stream order. */
export function findTampering(
  records: readonly ChangeRecord[],
  tables: Readonly<Record<string, WatchedTable>>,
): Tampering[] {
  const found: Tampering[] = [];
  for (const record of records) {
    const c = classifyChange(record, tables);
    if (c.verdict === 'tampered') found.push(c.tampering);
  }
  return found;
}

/** The audit chain the sentinel writes to: its own, so a tampered chain cannot hide the finding. */
export const TAMPER_CHAIN = 'audit-tampered';
export const TAMPER_KIND = 'audit-tampered';
