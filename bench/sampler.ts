/**
 * The sampler as deployed: handler latency against dynalite + the Connect stand-in (the bundled
 * handler, one invocation at a time), bundle size (minified, SDK external) and module init time in a
 * fresh `node` process. Run on its own:  npx tsx bench/sampler.ts
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { commitment } from '../lambda/core/lottery';
import { nextPeriod, periodOf } from '../lambda/core/period';
import { samplerPolicyEnvironment } from '../lambda/sampler/config';
import { startLocalStack } from '../lib/local';
import { defaultPolicy } from '../lib/policy/load';
import { bundleHandler } from '../lib/simulation/bundle';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  target?: number;
  peer?: number;
  ratio?: number;
}

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

    // Module init in a fresh process: import of the bundle, nothing else.
    const inits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const t=performance.now();await import(${JSON.stringify(pathToFileURL(bundle.file).href)});console.log(performance.now()-t)`,
        ],
        { env: { ...process.env, ...env }, encoding: 'utf8' },
      );
      inits.push(Number(out.trim()));
    }
    inits.sort((a, b) => a - b);

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
        target: 50,
      },
      {
        name: 'sampler bundle size (minified, AWS SDK external)',
        value: round(statSync(bundle.file).size / 1024),
        unit: 'KB',
        target: 100,
      },
      {
        name: 'sampler module init (import in a fresh node, median of 5)',
        value: round(inits[2]!),
        unit: 'ms',
        target: 50,
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
  const figures = await benchSampler();
  const rows = figures.map((f) => [
    f.name,
    f.value.toLocaleString('en-US'),
    f.unit,
    f.target === undefined ? '' : `${f.value <= f.target ? 'ok' : 'ABOVE'} (target ≤ ${f.target})`,
  ]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(
      r.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  '),
    );
}
