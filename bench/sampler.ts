/**
 * The sampler as deployed: handler latency against dynalite + the Connect stand-in (the bundled
 * handler, one invocation at a time), bundle size (minified, SDK external) and module init time in a
 * fresh `node` process. Run on its own:  npx tsx bench/sampler.ts
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { commitment } from '../lambda/core/lottery';
import { nextPeriod, periodOf } from '../lambda/core/period';
import { samplerPolicyEnvironment } from '../lambda/sampler/config';
import { startLocalStack } from '../lib/local';
import { defaultPolicy } from '../lib/policy/load';
import { bundleHandler } from '../lib/simulation/bundle';
import { type BenchFigure, printFigures } from './figure';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function benchSampler(opts: { invocations?: number } = {}): Promise<BenchFigure[]> {
  const n = opts.invocations ?? 400;
  const policy = defaultPolicy();
  const instanceId = randomUUID();
  const bundle = await bundleHandler('sampler');
  const stack = await startLocalStack({ buckets: [], connectState: { instanceId } });
  const saved = { ...process.env };
  try {
    const ddb = DynamoDBDocumentClient.from(stack.dynamo.client);
    const now = periodOf(new Date(), policy.timezone);
    for (const period of [now, nextPeriod(now)]) {
      const seed = Buffer.alloc(32, period.length);
      await ddb.send(
        new PutCommand({
          TableName: 'seeds',
          Item: {
            period,
            seed: seed.toString('hex'),
            commitment: commitment(seed),
            createdAt: '2000-01-01T00:00:00.000Z',
            committedAt: '2000-01-01T00:00:00.000Z',
          },
        }),
      );
    }
    const env: Record<string, string> = {
      ...stack.env,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      FAIRLISTEN_POLICY: samplerPolicyEnvironment(policy),
      DECISIONS_TABLE: 'decisions',
      QUOTAS_TABLE: 'quotas',
      SEEDS_TABLE: 'seeds',
      CONNECT_INSTANCE_ID: instanceId,
    };
    Object.assign(process.env, env);

    // Module init in a fresh process: import of the bundle, nothing else. A second series preloads
    // the AWS SDK packages the bundle leaves external (the Lambda runtime ships them), to show what
    // fairlisten's own code costs apart from the SDK.
    const url = JSON.stringify(pathToFileURL(bundle.file).href);
    const sdk = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-connect'];
    const initOf = (preloadSdk: boolean): number => {
      const preload = preloadSdk ? sdk.map((m) => `await import(${JSON.stringify(m)});`).join('') : '';
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `${preload}const t=performance.now();await import(${url});console.log(performance.now()-t)`,
        ],
        { cwd: dirname(bundle.file), env: { ...process.env, ...env }, encoding: 'utf8' },
      );
      return Number(out.trim());
    };
    const inits = Array.from({ length: 5 }, () => initOf(false)).sort((a, b) => a - b);
    const ownInits = Array.from({ length: 5 }, () => initOf(true)).sort((a, b) => a - b);

    const { handler } = (await import(pathToFileURL(bundle.file).href)) as {
      handler: (e: unknown, c: unknown) => Promise<Record<string, string>>;
    };
    const arn = `arn:aws:connect:eu-central-1:000000000000:instance/${instanceId}`;
    const agents = Array.from({ length: 40 }, () => randomUUID());
    const times: number[] = [];
    for (let i = 0; i < n + 50; i++) {
      const contactId = randomUUID();
      const agent = agents[i % agents.length]!;
      stack.connect.standIn.addContact({ id: contactId, agentId: agent });
      const event = {
        Name: 'ContactFlowEvent',
        Details: {
          ContactData: { ContactId: contactId, Channel: 'VOICE', InstanceARN: arn, Attributes: {} },
          Parameters: { agentArn: `${arn}/agent/${agent}` },
        },
      };
      const t0 = performance.now();
      const answer = await handler(event, { getRemainingTimeInMillis: () => 2000 });
      if (i >= 50) times.push(performance.now() - t0); // the first 50 warm up clients and JIT
      if (answer.reason === 'error') throw new Error('the sampler answered error during the benchmark');
    }
    times.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 100) / 100;
    return [
      {
        name: 'sampler handler latency p50 (dynalite + Connect stand-in)',
        value: round(quantile(times, 0.5)),
        unit: 'ms',
      },
      {
        name: 'sampler handler latency p99 (dynalite + Connect stand-in)',
        value: round(quantile(times, 0.99)),
        unit: 'ms',
        target: { op: '<=', value: 50 },
      },
      {
        name: 'sampler bundle size (minified, AWS SDK external)',
        value: round(statSync(bundle.file).size / 1024),
        unit: 'KB',
        target: { op: '<=', value: 100 },
      },
      {
        name: 'sampler module init (import in a fresh node, median of 5)',
        value: round(inits[2]!),
        unit: 'ms',
        target: { op: '<=', value: 50 },
        note: `AWS SDK import included; fairlisten's own code: ${round(ownInits[2]!)} ms`,
      },
      {
        name: 'sampler module init without the AWS SDK import (SDK preloaded, median of 5)',
        value: round(ownInits[2]!),
        unit: 'ms',
      },
    ];
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await stack.stop();
    if (bundle.tempDir) await rm(bundle.tempDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printFigures(await benchSampler());
}
