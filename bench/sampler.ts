/**
 * The sampler as deployed: handler latency against dynalite + the Connect stand-in (the bundled
 * handler, one invocation at a time), bundle size (minified, pinned SDK bundled, as deployed) and
 * module init time in a fresh `node` process, as deployed and with the SDK left external. Run on its own:  npx tsx bench/sampler.ts
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ALGORITHM_V2 } from '../lambda/core/fair-lottery';
import { commitment } from '../lambda/core/lottery';
import { nextPeriod, periodOf } from '../lambda/core/period';
import { samplerEnvironment } from '../lambda/sampler/config';
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
  const externalSdk = await bundleHandler('sampler', { sdkExternal: true });
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
      ...samplerEnvironment(
        {
          decisionsTable: 'decisions',
          quotasTable: 'quotas',
          reservationsTable: 'reservations',
          seedsTable: 'seeds',
          instanceId,
        },
        policy,
      ),
    };
    Object.assign(process.env, env);

    // Module init in a fresh process: import of the bundle, nothing else. As deployed (pinned SDK
    // bundled), then with the SDK left external (what the runtime's SDK would cost), then with that
    // external SDK preloaded, to show what fairlisten's own code costs apart from the SDK.
    const sdk = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-connect'];
    /** Wall and CPU time (user + system, all threads) of the import, in ms. */
    const initOf = (file: string, preloadSdk: boolean): { ms: number; cpu: number } => {
      const url = JSON.stringify(pathToFileURL(file).href);
      const preload = preloadSdk ? sdk.map((m) => `await import(${JSON.stringify(m)});`).join('') : '';
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `${preload}const c=process.cpuUsage();const t=performance.now();await import(${url});` +
            'const ms=performance.now()-t;const d=process.cpuUsage(c);' +
            'console.log(JSON.stringify({ms,cpu:(d.user+d.system)/1000}))',
        ],
        { cwd: dirname(file), env: { ...process.env, ...env }, encoding: 'utf8' },
      );
      return JSON.parse(out.trim()) as { ms: number; cpu: number };
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Alternated, so drifting load affects the bundled and the external SDK alike.
    const bundled: { ms: number; cpu: number }[] = [];
    const external: { ms: number; cpu: number }[] = [];
    const own: { ms: number; cpu: number }[] = [];
    const loadBefore = loadavg()[0]!;
    for (let r = 0; r < 5; r++) {
      bundled.push(initOf(bundle.file, false));
      external.push(initOf(externalSdk.file, false));
      own.push(initOf(externalSdk.file, true));
    }
    const initLoad = `load average ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)} (1 min) on ${cpus().length} cores`;
    const init = median(bundled.map((x) => x.ms));
    const initCpu = median(bundled.map((x) => x.cpu));
    const externalInit = median(external.map((x) => x.ms));
    const externalInitCpu = median(external.map((x) => x.cpu));
    const ownInit = median(own.map((x) => x.ms));

    type Handler = (e: unknown, c: unknown) => Promise<Record<string, string>>;
    const arn = `arn:aws:connect:eu-central-1:000000000000:instance/${instanceId}`;
    /** Latencies of n invocations (after 50 of warm-up), 40 agents in turn, one at a time. */
    const latencies = async (handler: Handler): Promise<number[]> => {
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
      return times.sort((a, b) => a - b);
    };
    const { handler } = (await import(pathToFileURL(bundle.file).href)) as { handler: Handler };
    const times = await latencies(handler);
    // Version 2: the same bundle, a second module instance that read a policy choosing it.
    process.env.FAIRLISTEN_POLICY = samplerEnvironment(
      {
        decisionsTable: 'decisions',
        quotasTable: 'quotas',
        reservationsTable: 'reservations',
        seedsTable: 'seeds',
        instanceId,
      },
      { ...policy, algorithmVersion: ALGORITHM_V2 },
    ).FAIRLISTEN_POLICY!;
    const fair = (await import(`${pathToFileURL(bundle.file).href}?v2`)) as { handler: Handler };
    const fairTimes = await latencies(fair.handler);
    process.env.FAIRLISTEN_POLICY = env.FAIRLISTEN_POLICY!;
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
        name: 'sampler handler latency p50, version 2 (quota counts every eligible call)',
        value: round(quantile(fairTimes, 0.5)),
        unit: 'ms',
        peer: round(quantile(times, 0.5)),
        peerName: 'version 1 p50',
      },
      {
        name: 'sampler handler latency p99, version 2',
        value: round(quantile(fairTimes, 0.99)),
        unit: 'ms',
        target: { op: '<=', value: 50 },
        peer: round(quantile(times, 0.99)),
        peerName: 'version 1 p99',
      },
      {
        name: 'sampler bundle size (minified, pinned AWS SDK bundled, as deployed)',
        value: round(statSync(bundle.file).size / 1024),
        unit: 'KB',
      },
      {
        name: 'sampler bundle size without the AWS SDK (SDK external)',
        value: round(statSync(externalSdk.file).size / 1024),
        unit: 'KB',
        target: { op: '<=', value: 100 },
      },
      {
        name: 'sampler module init, as deployed (SDK bundled; import in a fresh node, median of 5)',
        value: round(init),
        unit: 'ms',
        target: { op: '<=', value: 100 },
        note: `wall time; with the SDK external instead: ${round(externalInit)} ms; alternated; ${initLoad}`,
      },
      {
        name: 'sampler module init, as deployed: CPU time of the import (user + system, median of 5)',
        value: round(initCpu),
        unit: 'ms',
        peer: round(externalInitCpu),
        peerName: 'SDK external',
        ratio: round(externalInitCpu / initCpu),
        note: 'close to the wall time on a core of its own, and far less sensitive to the load than the wall time; ratio = external ÷ bundled',
      },
      {
        name: 'sampler module init with the AWS SDK external (loaded from node_modules, median of 5)',
        value: round(externalInit),
        unit: 'ms',
      },
      {
        name: "sampler module init of fairlisten's own code (external SDK preloaded, median of 5)",
        value: round(ownInit),
        unit: 'ms',
      },
    ];
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await stack.stop();
    for (const b of [bundle, externalSdk])
      if (b.tempDir) await rm(b.tempDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printFigures(await benchSampler());
}
