/** Shared set-up of the sampler tests: local stack, clients, a committed seed, events. */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { commitment } from '../../lambda/core/lottery';
import { periodBounds } from '../../lambda/core/period';
import type { SamplerConfig, SamplerPolicy } from '../../lambda/sampler/config';
import { createSampler, type SamplerDeps, type SamplerLogger } from '../../lambda/sampler/sampler';
import { createSeedLoader } from '../../lambda/sampler/seed-loader';
import { type LocalStack, standInClients } from '../../lib/local';

export const INSTANCE_ID = '9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa';
export const INSTANCE_ARN = `arn:aws:connect:eu-central-1:000000000000:instance/${INSTANCE_ID}`;
export const AGENT_ID = '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
export const agentArn = (id = AGENT_ID) => `${INSTANCE_ARN}/agent/${id}`;

export const POLICY: SamplerPolicy = {
  version: 'test-1',
  timezone: 'Europe/Paris',
  samplingRate: 0.3,
  maxRecordingsPerAgentPerMonth: 8,
  excludedAgents: [],
  excludedQueues: [],
  auditRetentionDays: 365,
};

export const SEED = new Uint8Array(32).fill(7);

export function event(
  contactId: string,
  opts: { agentId?: string; initialContactId?: string; objected?: boolean } = {},
) {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: { fairlistenCallerObjected: opts.objected ? 'true' : 'false' },
        Channel: 'VOICE',
        ContactId: contactId,
        ...(opts.initialContactId ? { InitialContactId: opts.initialContactId } : {}),
        InstanceARN: INSTANCE_ARN,
        Queue: null,
      },
      Parameters: { agentArn: agentArn(opts.agentId) },
    },
  };
}

export function clients(stack: LocalStack) {
  return standInClients(stack, { maxAttempts: 1 });
}

export function config(stack: LocalStack, policy: SamplerPolicy = POLICY): SamplerConfig {
  return {
    policy,
    decisionsTable: stack.tables.decisions!,
    quotasTable: stack.tables.quotas!,
    reservationsTable: stack.tables.reservations!,
    seedsTable: stack.tables.seeds!,
    instanceId: INSTANCE_ID,
  };
}

export async function putSeed(
  ddb: DynamoDBDocumentClient,
  table: string,
  period: string,
  opts: { committed?: boolean; committedAt?: string; seed?: Uint8Array } = {},
) {
  const seed = opts.seed ?? SEED;
  const start = periodBounds(period, POLICY.timezone).start.getTime();
  await ddb.send(
    new PutCommand({
      TableName: table,
      Item: {
        period,
        seed: Buffer.from(seed).toString('hex'),
        commitment: commitment(seed),
        createdAt: new Date(start - 2 * 86_400_000).toISOString(),
        ...(opts.committed === false
          ? {}
          : { committedAt: opts.committedAt ?? new Date(start - 86_400_000).toISOString() }),
      },
    }),
  );
}

export const silentLogger = (): SamplerLogger & { lines: unknown[][] } => {
  const lines: unknown[][] = [];
  const rec = (...args: unknown[]) => {
    lines.push(args);
  };
  return { info: rec, warn: rec, error: rec, lines } as unknown as SamplerLogger & { lines: unknown[][] };
};

export function sampler(stack: LocalStack, at: () => Date, overrides: Partial<SamplerDeps> = {}) {
  const { ddb, connect } = clients(stack);
  const cfg = overrides.config ?? config(stack);
  return createSampler({
    ddb,
    connect,
    config: cfg,
    loadSeed: createSeedLoader({ ddb, table: cfg.seedsTable, timezone: cfg.policy.timezone }),
    now: at,
    logger: silentLogger(),
    ...overrides,
  });
}
