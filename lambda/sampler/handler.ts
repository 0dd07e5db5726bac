/**
 * The sampler Lambda, invoked by the agent whisper flow. Thin adapter: configuration, clients,
 * logger and seed cache are built once per execution environment; the logic is in `sampler.ts`.
 * The answer is always the flat string map `{record: "true"|"false", reason}`.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLogger } from '../shared/logger';
import { samplerConfigFromEnv } from './config';
import { createSampler, type InvocationContext, type SamplerAnswer } from './sampler';
import { createSeedLoader } from './seed-loader';

const config = samplerConfigFromEnv();
const logger = createLogger('fairlisten-sampler');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true },
});
// One retry at most: the flow waits 3 s and the function times out at 2 s.
const connect = new ConnectClient({ maxAttempts: 2 });

const sampler = createSampler({
  ddb,
  connect,
  config,
  loadSeed: createSeedLoader({ ddb, table: config.seedsTable, timezone: config.policy.timezone }),
  now: () => new Date(),
  logger,
});

export const handler = (event: unknown, context?: InvocationContext): Promise<SamplerAnswer> =>
  sampler.handle(event, context);
