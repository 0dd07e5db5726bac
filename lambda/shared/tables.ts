/**
 * Key layout of every DynamoDB table, shared by the constructs that create the tables, the
 * handlers that use them and the local harness that recreates them on dynalite — one definition,
 * so the three can never disagree. Tables are separate where access differs, so IAM can say who
 * reads what (the seeds table, readable only by the sampler and the seed function, is the
 * clearest case).
 */
export interface TableKeys {
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Attribute holding the epoch-seconds expiry (DynamoDB TTL). */
  readonly ttlAttribute?: string;
}

export const TABLES = {
  /** One item per period: secret seed, its commitment, commit and reveal times. */
  seeds: { partitionKey: 'period' },
  /** One item per contact leg: the sampler's decision (recorded or not) and its draw. */
  decisions: { partitionKey: 'contactId', ttlAttribute: 'expiresAt' },
  /** One item per agent and period: recordings reserved so far, and by which contacts. */
  quotas: { partitionKey: 'agentId', sortKey: 'period', ttlAttribute: 'expiresAt' },
} as const satisfies Record<string, TableKeys>;

export type TableName = keyof typeof TABLES;
