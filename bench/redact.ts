/**
 * Redaction benchmark (concern C9): core throughput, whole-process CLI time against ffmpeg, peak
 * memory on a 115 MB and a 1 GB recording, and the bytes an S3 in-place redaction rewrites.
 *
 * `npx tsx bench/redact.ts` prints a table; `benchRedact()` returns the figures for bench/run.ts.
 * The CLI measured is the packaged command (package.json `bin`: bin/fairlisten.mjs, run by `node`
 * as the shebang does), built by its first use.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { planRedactionParts } from '../lambda/core/redaction-plan';
import { type Channel, createSilenceTransform, planSilence, readWavLayout } from '../lambda/core/wav';
import { connectWavHeader } from '../lib/simulation/month/wav';
import { type BenchFigure, printFigures } from './figure';

export interface BenchRedactOptions {
  /** Length of the Connect-format recording. @default 3600 */
  readonly seconds?: number;
  /** Size of the large-file memory check; 0 skips it. @default 1e9 */
  readonly bigFileBytes?: number;
  /** Timed repetitions; the median is reported. @default 5 */
  readonly runs?: number;
  readonly log?: (line: string) => void;
}

const RATE = 8000;
const BLOCK = 4; // stereo s16le
const MB = 1e6;
const MiB = 1024 * 1024;
const BIN = fileURLToPath(new URL('../bin/fairlisten.mjs', import.meta.url));
const TSX_CLI = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/cli/', import.meta.url));

/** Bytes of the bundle files `redact` loads: the entry, the redact chunk and what it imports. */
function redactBundleBytes(): number {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(DIST, file), 'utf8');
    for (const m of text.matchAll(/from\s*"\.\/(chunk-\w+\.mjs)"/g)) visit(m[1]!);
  };
  visit('fairlisten.mjs');
  const entry = readFileSync(join(DIST, 'fairlisten.mjs'), 'utf8');
  const chunk = /redact:\s*\{[^}]*?import\("\.\/(chunk-\w+\.mjs)"\)/.exec(entry)?.[1];
  if (!chunk) throw new Error('no redact chunk in dist/cli/fairlisten.mjs');
  visit(chunk);
  return [...seen].reduce((sum, f) => sum + statSync(join(DIST, f)).size, 0);
}

/** Writes a Connect-format WAV (8 kHz stereo s16le) of `dataBytes` with non-silent content. */
export function writeConnectWav(path: string, dataBytes: number): void {
  // 4 MiB of two detuned tones plus deterministic noise, repeated: never silent, cheap to write.
  const pattern = Buffer.alloc(4 * MiB);
  let seed = 12_345;
  for (let i = 0; i < pattern.length / BLOCK; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    const noise = ((seed >>> 16) & 0x3ff) - 512;
    pattern.writeInt16LE(Math.round(9000 * Math.sin(i * 0.0713)) + noise, i * BLOCK);
    pattern.writeInt16LE(Math.round(7000 * Math.sin(i * 0.0241)) - noise, i * BLOCK + 2);
  }
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, connectWavHeader(dataBytes));
    for (let left = dataBytes; left > 0; ) {
      const n = Math.min(left, pattern.length);
      writeSync(fd, pattern, 0, n);
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time of a whole process; `output` is removed first so both tools create a new file. */
function timeProcess(cmd: string, args: string[], output: string, env = process.env): number {
  rmSync(output, { force: true });
  // Start each run with no dirty pages from the previous one, so neither tool pays for the other.
  spawnSync('sync');
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

/** CPU time (user + system, ms) of a whole process, by GNU time; undefined without it. */
function cpuOfProcess(cmd: string, args: string[], output: string): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  rmSync(output, { force: true });
  spawnSync('sync');
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', cmd, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined;
}

/** Peak RSS (MiB) of `node <args>`: GNU time if present, else a preload that reports maxRSS. */
function peakRssMiB(nodeArgs: string[], reporter: string): number {
  if (existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...nodeArgs], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`redact failed: ${r.stderr}`);
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    if (m) return Number(m[1]) / 1024;
  }
  const r = spawnSync(process.execPath, ['--import', reporter, ...nodeArgs], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redact failed: ${r.stderr}`);
  const m = /maxRSS=(\d+)/.exec(r.stderr);
  if (!m) throw new Error('no maxRSS reported');
  return Number(m[1]) / 1024;
}

async function transformThroughput(
  file: string,
  channel: Channel,
  from: number,
  to: number,
): Promise<number> {
  const fh = await open(file, 'r');
  const size = (await fh.stat()).size;
  const { layout } = await readWavLayout(async (o, l) => {
    const b = Buffer.alloc(l);
    await fh.read(b, 0, l, o);
    return b;
  }, size);
  await fh.close();
  const { spans } = planSilence(layout, [{ from, to }], channel);
  const t0 = performance.now();
  await pipeline(
    createReadStream(file, { highWaterMark: MiB }),
    createSilenceTransform(spans),
    new Writable({
      write(_c, _e, cb) {
        cb();
      },
    }),
  );
  return size / MB / ((performance.now() - t0) / 1000);
}

export async function benchRedact(opts: BenchRedactOptions = {}): Promise<BenchFigure[]> {
  const seconds = opts.seconds ?? 3600;
  const bigBytes = opts.bigFileBytes ?? 1e9;
  const runs = opts.runs ?? 5;
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'fairlisten-bench-redact-'));
  const figures: BenchFigure[] = [];
  try {
    const hour = join(dir, 'hour.wav');
    writeConnectWav(hour, seconds * RATE * BLOCK);
    const size = statSync(hour).size;
    log(`generated ${hour} (${size} bytes)`);
    const [from, to] = [seconds / 6, seconds / 2]; // 20 minutes of a 1-hour file

    const copyBandwidth = bufferCopyBandwidth(size);
    for (const channel of ['both', 'agent'] as const) {
      await transformThroughput(hour, channel, from, to); // warm the page cache and the JIT
      const samples: number[] = [];
      for (let r = 0; r < runs; r++) samples.push(await transformThroughput(hour, channel, from, to));
      const mbps = median(samples);
      figures.push({
        name: `core streaming transform (${channel})`,
        value: round(mbps),
        unit: 'MB/s',
        peer: round(copyBandwidth),
        peerName: 'Buffer copy bandwidth',
        ratio: round(mbps / copyBandwidth),
        note: 'the share of plain memory-copy speed the silence transform reaches',
      });
    }

    // First use builds dist/cli when it is missing or stale; the timed runs below start warm.
    const built = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`fairlisten --help failed: ${built.stderr}`);
    const reporter = join(dir, 'rss.mjs');
    await build({
      stdin: {
        contents: `process.on('exit', () => process.stderr.write('maxRSS=' + process.resourceUsage().maxRSS + '\\n'));`,
        loader: 'js',
      },
      platform: 'node',
      format: 'esm',
      outfile: reporter,
      logLevel: 'silent',
    });
    figures.push({
      name: 'packaged CLI: bundle code `redact` loads',
      value: round(redactBundleBytes() / 1024),
      unit: 'KiB',
      note: 'the entry, the redact chunk and its imports; no AWS SDK, zod or CDK',
    });

    const out = join(dir, 'out.wav');
    const cliArgs = [BIN, 'redact', hour, out, '--range', `${from}-${to}`];
    const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
    const ffOut = join(dir, 'ff.wav');
    const ffArgs = ['-nostdin', '-y', '-v', 'error', '-i', hour];
    ffArgs.push('-af', `volume=enable='between(t,${from},${to})':volume=0`, ffOut);
    const agentArgs = [...cliArgs, '--channel', 'agent'];
    const hashArgs = [...cliArgs, '--sha256'];
    timeProcess(process.execPath, cliArgs, out);
    // Alternate the tools so drifting machine load affects each alike; the load is noted beside.
    const cliTimes: number[] = [];
    const ffTimes: number[] = [];
    const agentTimes: number[] = [];
    const hashTimes: number[] = [];
    // Node reads a NODE_EXTRA_CA_CERTS bundle at start-up, before any of the command's code runs
    // (tens of ms of CPU on this machine); measured also without it, as on a machine without one.
    const { NODE_EXTRA_CA_CERTS: extraCa, ...plainEnv } = process.env;
    const plainTimes: number[] = [];
    const loadBefore = loadavg()[0]!;
    for (let r = 0; r < runs; r++) {
      cliTimes.push(timeProcess(process.execPath, cliArgs, out));
      if (hasFfmpeg) ffTimes.push(timeProcess('ffmpeg', ffArgs, ffOut));
      agentTimes.push(timeProcess(process.execPath, agentArgs, out));
      hashTimes.push(timeProcess(process.execPath, hashArgs, out));
      if (extraCa !== undefined) plainTimes.push(timeProcess(process.execPath, cliArgs, out, plainEnv));
    }
    const load = `load average ${round(loadBefore)} → ${round(loadavg()[0]!)} (1 min) on ${cpus().length} cores`;
    rmSync(ffOut, { force: true });
    const cliMs = median(cliTimes);
    const ffMs = hasFfmpeg ? median(ffTimes) : undefined;
    const vsFfmpeg = (ms: number) =>
      ffMs !== undefined ? { peer: round(ffMs), peerName: 'ffmpeg', ratio: round(ffMs / ms) } : {};
    figures.push({
      name: `CLI whole process (\`fairlisten redact\`), ${round((to - from) / 60)}-min range, ${round(size / MB)} MB`,
      value: round(cliMs),
      unit: 'ms',
      target: { op: '>=', value: 2, on: 'ratio' },
      note: `ratio = ffmpeg time / CLI time (times faster than ffmpeg); median of ${runs}, alternated; no hash; ${load}`,
      ...vsFfmpeg(cliMs),
    });
    if (plainTimes.length > 0) {
      figures.push({
        name: `CLI whole process, the same without NODE_EXTRA_CA_CERTS, ${round(size / MB)} MB`,
        value: round(median(plainTimes)),
        unit: 'ms',
        note: "this machine's environment sets a CA bundle that node parses at start-up; here it is left out",
        ...vsFfmpeg(median(plainTimes)),
      });
    }
    figures.push({
      name: `CLI whole process, agent channel only, ${round(size / MB)} MB`,
      value: round(median(agentTimes)),
      unit: 'ms',
      note: 'peer: the same ffmpeg run (both channels)',
      ...vsFfmpeg(median(agentTimes)),
    });
    figures.push({
      name: `CLI whole process with \`--sha256\` (both channels), ${round(size / MB)} MB`,
      value: round(median(hashTimes)),
      unit: 'ms',
      note: 'the output hashed from the blocks as they are written, on the main thread',
      ...vsFfmpeg(median(hashTimes)),
    });
    // CPU time, which the load inflates far less than wall time: what each run costs the machine.
    const cpuRuns = (cmd: string, args: string[], output: string) => {
      const xs = Array.from({ length: runs }, () => cpuOfProcess(cmd, args, output));
      return xs.every((x) => x !== undefined) ? median(xs as number[]) : undefined;
    };
    const ffCpu = hasFfmpeg ? cpuRuns('ffmpeg', ffArgs, ffOut) : undefined;
    for (const [what, args] of [
      ['both channels', cliArgs],
      ['agent channel only', agentArgs],
      ['with `--sha256`', hashArgs],
    ] as const) {
      const cpu = cpuRuns(process.execPath, [...args], out);
      if (cpu === undefined) continue;
      figures.push({
        name: `CLI CPU time (user + system), ${what}, ${round(size / MB)} MB`,
        value: round(cpu),
        unit: 'ms',
        note: 'GNU time, 10-ms resolution; median',
        ...(ffCpu !== undefined ? { peer: round(ffCpu), peerName: 'ffmpeg', ratio: round(ffCpu / cpu) } : {}),
      });
    }
    rmSync(ffOut, { force: true });
    // Before the packaged bin: the same command through tsx (`npx tsx bin/fairlisten.ts redact …`).
    const tsxArgs = [TSX_CLI, join(DIST, '..', '..', 'lib', 'cli', '_run.ts'), ...cliArgs.slice(1)];
    const tsxMs = median(
      Array.from({ length: Math.min(runs, 3) }, () => timeProcess(process.execPath, tsxArgs, out)),
    );
    figures.push({
      name: `before: the same redaction through tsx (source, no bundle), ${round(size / MB)} MB`,
      value: round(tsxMs),
      unit: 'ms',
      ...vsFfmpeg(tsxMs),
    });
    const smallRss = peakRssMiB(cliArgs, reporter);
    figures.push({ name: `CLI peak RSS, ${round(size / MB)} MB file`, value: round(smallRss), unit: 'MiB' });
    rmSync(out, { force: true });

    if (bigBytes > 0) {
      const big = join(dir, 'big.wav');
      const dataBytes = Math.floor(bigBytes / BLOCK) * BLOCK;
      writeConnectWav(big, dataBytes);
      const bigSeconds = dataBytes / BLOCK / RATE;
      const bigArgs = [
        BIN,
        'redact',
        big,
        out,
        '--range',
        `${Math.floor(bigSeconds / 6)}-${Math.floor(bigSeconds / 2)}`,
      ];
      const bigRss = peakRssMiB(bigArgs, reporter);
      figures.push({
        name: `CLI peak RSS, ${round(statSync(big).size / MB)} MB file (both)`,
        value: round(bigRss),
        unit: 'MiB',
      });
      figures.push({
        name: 'CLI peak RSS growth from 115 MB to 1 GB file',
        value: round(bigRss - smallRss),
        unit: 'MiB',
        target: { op: '<=', value: 16 },
      });
      figures.push({
        name: `CLI peak RSS, ${round(statSync(big).size / MB)} MB file (agent)`,
        value: round(peakRssMiB([...bigArgs, '--channel', 'agent'], reporter)),
        unit: 'MiB',
      });
      rmSync(big, { force: true });
      rmSync(out, { force: true });
    }

    const fh = await open(hour, 'r');
    const { layout } = await readWavLayout(async (o, l) => {
      const b = Buffer.alloc(l);
      await fh.read(b, 0, l, o);
      return b;
    }, size);
    await fh.close();
    const { spans } = planSilence(layout, [{ from: seconds / 3, to: seconds / 3 + 10 }], 'both');
    const plan = planRedactionParts(size, spans);
    figures.push({
      name: `S3 plan: bytes rewritten for a 10-s range in ${round(size / MB)} MB (${plan.parts.length} parts)`,
      value: round(plan.rewriteBytes / MiB),
      unit: 'MiB',
      target: { op: '<=', value: 16 },
    });
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

// No top-level await: bench/run.ts (or a CommonJS loader) can import this module.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchRedact({ log: (l) => console.error(l) }).then(printFigures, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

/** Memory-copy speed on this machine: the bound any byte-touching transform is compared with. */
function bufferCopyBandwidth(bytes: number): number {
  const src = Buffer.alloc(bytes, 1);
  const dst = Buffer.allocUnsafe(bytes);
  src.copy(dst); // warm
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    src.copy(dst);
    samples.push(bytes / MB / ((performance.now() - t0) / 1000));
  }
  return median(samples);
}
