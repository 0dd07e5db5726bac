/**
 * A big centre's month: `fairlisten verify --month` and `fairlisten audit verify` on one million
 * decisions and their one million audit records (generated into a temporary folder, removed
 * afterwards), with peak memory at 100,000 and at 1,000,000 to show it flat in the input size; and
 * the audit exporter's records per second against dynalite, with the projected time of a
 * one-million-decision month against the function's timeout. Run on its own:
 *   npx tsx bench/big-month.ts [--decisions 1000000] [--exporter 20000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { exportAudit } from '../lambda/audit-export/export';
import { directoryExportTarget } from '../lambda/audit-export/targets';
import { createTables, startLocalDynamo } from '../lib/local';
import { generateBigMonth } from './big-month-data';
import type { BenchFigure } from './figure';
import { printFigures } from './figure';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The audit export function's timeout (lib/constructs/audit-log.ts). */
const EXPORT_TIMEOUT_MIN = 10;

interface Measured {
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakMiB: number;
  readonly ok: boolean;
  readonly out: string;
}

/** The packaged `fairlisten` command, under /usr/bin/time: wall, user+sys CPU and peak RSS. */
function fairlisten(args: string[]): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', 'node', 'bin/fairlisten.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing for fairlisten ${args.join(' ')}: ${r.stderr.slice(-2000)}`);
  return {
    wallS: Number(m[1]),
    cpuS: Number(m[2]) + Number(m[3]),
    peakMiB: Number(m[4]) / 1024,
    ok: r.status === 0,
    out: r.stdout.trim().split('\n').at(-1) ?? '',
  };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchVerify(decisions: number): Promise<BenchFigure[]> {
  const work = mkdtempSync(join(tmpdir(), 'fairlisten-big-month-'));
  try {
    const small = Math.max(1000, Math.round(decisions / 10));
    const sizes = [small, decisions];
    const results = new Map<number, { month: Measured; audit: Measured; mib: number }>();
    fairlisten(['--help']); // the packaged command built once, outside the measures
    for (const n of sizes) {
      const dir = join(work, `m${n}`);
      process.stderr.write(`big-month: generating ${n.toLocaleString('en-US')} decisions …\n`);
      const month = await generateBigMonth(dir, n);
      const mib = (month.bytes.decisions + month.bytes.audit) / 2 ** 20;
      process.stderr.write(`big-month: verify --month, audit verify on ${n.toLocaleString('en-US')} …\n`);
      const verified = fairlisten(['verify', '--month', dir]);
      const audited = fairlisten(['audit', 'verify', '--export', join(dir, 'audit')]);
      if (!verified.ok || !audited.ok) {
        throw new Error(`the generated month does not verify: ${verified.out} / ${audited.out}`);
      }
      results.set(n, { month: verified, audit: audited, mib });
      rmSync(dir, { recursive: true, force: true });
    }
    const big = results.get(decisions)!;
    const little = results.get(small)!;
    const label = (n: number) => n.toLocaleString('en-US');
    const figures: BenchFigure[] = [];
    for (const [name, key, grows] of [
      ['`fairlisten verify --month`', 'month', 'the 16-byte-a-contact duplicate set and per-agent counts'],
      ['`fairlisten audit verify`', 'audit', 'the list of file names'],
    ] as const) {
      const b = big[key];
      const l = little[key];
      figures.push(
        {
          name: `${name}, ${label(decisions)} decisions (${Math.round(big.mib)} MiB of input)`,
          value: round(b.wallS, 1),
          unit: 's',
          target: { op: '<=', value: 10 },
          note: `wall clock; CPU (user+sys) ${round(b.cpuS, 1)} s — what a quiet core would roughly take`,
        },
        {
          name: `${name}: peak RSS, ${label(small)} → ${label(decisions)}`,
          value: round(b.peakMiB, 1),
          unit: 'MiB',
          peer: round(l.peakMiB, 1),
          peerName: `at ${label(small)}`,
          ratio: round(b.peakMiB / l.peakMiB),
          note: `input ×${round(big.mib / little.mib, 1)}; memory ×${round(b.peakMiB / l.peakMiB)} (${grows} grow, nothing else)`,
        },
      );
    }
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The exporter against dynalite: `n` settled decisions appended to their chain and exported. */
export async function benchExporter(n: number): Promise<BenchFigure[]> {
  const dynamo = await startLocalDynamo();
  const work = mkdtempSync(join(tmpdir(), 'fairlisten-export-bench-'));
  try {
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const tables = await createTables(dynamo.client);
    const start = Date.UTC(2026, 10, 1);
    for (let i = 0; i < n; i += 25) {
      const items = [];
      for (let k = i; k < Math.min(n, i + 25); k++) {
        const id = `00000000-0000-4000-a000-${String(k).padStart(12, '0')}`;
        items.push({
          PutRequest: {
            Item: {
              contactId: id,
              initialContactId: null,
              agentArn: `arn:aws:connect:eu-central-1:000000000000:instance/i-1/agent/a-${k % 400}`,
              agentId: `a-${k % 400}`,
              queue: 'q-1',
              period: '2026-11',
              decidedAt: new Date(start + k * 2000).toISOString(),
              u: (k % 97) / 97,
              rate: 0.2,
              lotterySelected: k % 97 < 19,
              recorded: k % 97 < 10,
              reason: k % 97 < 10 ? 'drawn' : k % 97 < 19 ? 'agent-cap-reached' : 'not-drawn',
              policyVersion: '2027-01',
              policyHash: 'a'.repeat(64),
              algorithmVersion: 'fairlisten-lottery-v1',
              expiresAt: 1_900_000_000,
            },
          },
        });
      }
      await doc.send(new BatchWriteCommand({ RequestItems: { [tables.decisions!]: items } }));
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await exportAudit({
      dynamo: doc,
      auditTable: tables.audit!,
      decisionsTable: tables.decisions!,
      target: directoryExportTarget(join(work, 'audit')),
      retentionDays: 365,
      clock: () => new Date(Date.UTC(2026, 11, 2)),
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (result.decisions.appended !== n || !result.complete || result.errors.length > 0) {
      throw new Error(`the exporter did not export the ${n} decisions: ${JSON.stringify(result.decisions)}`);
    }
    const perSecond = n / seconds;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const projectedMin = 1_000_000 / perSecond / 60;
    return [
      {
        name: `audit exporter against dynalite: ${n.toLocaleString('en-US')} decisions appended and exported`,
        value: Math.round(perSecond),
        unit: 'records/s',
        note: `${round(seconds, 1)} s wall, ${round(cpuSeconds, 1)} s CPU for exporter and dynalite together (one process)`,
      },
      {
        name: 'audit exporter: projected time of a one-million-decision month in one go',
        value: round(projectedMin, 1),
        unit: 'min',
        target: { op: '<=', value: EXPORT_TIMEOUT_MIN },
        peer: EXPORT_TIMEOUT_MIN,
        peerName: 'the function’s timeout',
        ratio: round(projectedMin / EXPORT_TIMEOUT_MIN),
        note: `at the rate above; beyond one run, each run stops a minute before its timeout and the next resumes (tested: test/lambda/audit-export/export-resume.test.ts); the hourly schedule makes a month ~1,400 decisions a run`,
      },
    ];
  } finally {
    await dynamo.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchBigMonth(
  options: { decisions?: number; exporter?: number } = {},
): Promise<BenchFigure[]> {
  return [
    ...(await benchExporter(options.exporter ?? 20_000)),
    ...(await benchVerify(options.decisions ?? 1_000_000)),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { decisions: { type: 'string' }, exporter: { type: 'string' } } });
  benchBigMonth({
    ...(values.decisions ? { decisions: Number(values.decisions) } : {}),
    ...(values.exporter ? { exporter: Number(values.exporter) } : {}),
  }).then(printFigures, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
