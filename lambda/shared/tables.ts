/**
 * Key layout of every DynamoDB table, shared by the constructs that create the tables, the
 * handlers that use them and the local harness that recreates them on dynalite — one definition,
 * so the three can never disagree. Tables are separate where access differs, so IAM can say who
 * reads what (the seeds table, readable only by the sampler and the seed function, is the
 * clearest case).
 */
export type KeyType = 'S' | 'N';

export interface IndexKeys {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableKeys {
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** @default 'S' */
  readonly sortKeyType?: KeyType;
  /** Attribute holding the epoch-seconds expiry (DynamoDB TTL). */
  readonly ttlAttribute?: string;
  /** Global secondary indexes (string keys, all attributes projected). */
  readonly indexes?: readonly IndexKeys[];
  /**
   * Items are only ever written once, conditionally (`attribute_not_exists` on the key): the table
   * gets a resource policy denying every other change and a stream watched by the write sentinel.
   * @default false
   */
  readonly appendOnly?: boolean;
}

export const TABLES = {
  /** Secret: one item per period with its seed, commitment, commit and reveal times. */
  seeds: { partitionKey: 'period', ttlAttribute: 'expiresAt' },
  /** One item per contact leg: the sampler's decision (recorded or not) and its draw. */
  decisions: { partitionKey: 'contactId', ttlAttribute: 'expiresAt', appendOnly: true },
  /**
   * One item per contact the sampler is about to record: the drawn decision, written right before
   * StartContactRecording, so ingest recognises the recording if the decision was never stored
   * (lambda/shared/reservations.ts). Written by the sampler, read by ingest.
   */
  reservations: { partitionKey: 'contactId', ttlAttribute: 'expiresAt' },
  /** One item per agent and period: recordings reserved so far, and by which contacts. */
  quotas: { partitionKey: 'agentId', sortKey: 'period', ttlAttribute: 'expiresAt' },
  /**
   * Recordings index: per contact, one `#contact` item (state, agent, pending requests) and one
   * item per S3 object key (versions seen). Written by ingest, read by privacy, playback, views.
   */
  recordings: {
    partitionKey: 'contactId',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [{ name: 'byAgent', partitionKey: 'agentId', sortKey: 'period' }],
  },
  /** Deletion and redaction requests with their status and proof. */
  requests: {
    partitionKey: 'requestId',
    ttlAttribute: 'expiresAt',
    indexes: [{ name: 'byContact', partitionKey: 'contactId', sortKey: 'createdAt' }],
  },
  /** Listen assignments, coach and agent counters, evaluations: `period` + `sk`. */
  listening: {
    partitionKey: 'period',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [
      { name: 'byAgent', partitionKey: 'agentId', sortKey: 'period' },
      { name: 'byCoach', partitionKey: 'coachId', sortKey: 'period' },
    ],
  },
  /** Coaching plans (proposed, approved, expired). */
  plans: {
    partitionKey: 'planId',
    ttlAttribute: 'expiresAt',
    indexes: [{ name: 'byAgent', partitionKey: 'agentId', sortKey: 'endsAt' }],
  },
  /** The audit hash chains: one item per record, `seq` numeric so the head is a reverse query. */
  audit: {
    partitionKey: 'chain',
    sortKey: 'seq',
    sortKeyType: 'N',
    ttlAttribute: 'expiresAt',
    appendOnly: true,
  },
} as const satisfies Record<string, TableKeys>;

export type TableName = keyof typeof TABLES;

/** Where a recording's life is written: its index, the privacy requests about it, the sampler's decisions. */
export interface RecordingTables {
  readonly recordings: string;
  readonly requests: string;
  readonly decisions: string;
}
