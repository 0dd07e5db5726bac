/**
 * Audit chain: appending and verifying a month-sized chain of 10,000 records (the time bound that was
 * a unit test before; timing belongs here, not in the tests). Run on its own:
 *   npx tsx bench/audit.ts
 */
import { fileURLToPath } from 'node:url';
import { type AuditRecord, appendRecord, verifyChain } from '../lambda/core/audit-chain';
import { type BenchFigure, printFigures } from './figure';

const T0 = Date.parse('2025-03-01T00:00:00.000Z');

function buildChain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      appendRecord(out[i - 1], {
        chain: 'listen-2025-03',
        kind: i % 2 === 0 ? 'listen' : 'assignment',
        at: new Date(T0 + i * 60_000).toISOString(),
        actor: `coach-${i % 7}`,
        ...(i % 3 === 0 ? { subject: `agent-${i}` } : {}),
        data: { contactId: `c-${i}`, n: i, nested: { ok: true, list: [i, 'x'] } },
      }),
    );
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchAudit(records = 10_000): Promise<BenchFigure[]> {
  const t0 = performance.now();
  const chain = buildChain(records);
  const appendMs = performance.now() - t0;
  const runs = [0, 1, 2].map(() => {
    const started = performance.now();
    const v = verifyChain(chain);
    const ms = performance.now() - started;
    if (!v.ok || v.chains[0]?.lastSeq !== records) throw new Error('the benchmark chain does not verify');
    return ms;
  });
  return [
    {
      name: `audit chain: verify ${records.toLocaleString('en-US')} records`,
      value: Math.round(median(runs)),
      unit: 'ms',
      target: { op: '<=', value: 5_000 },
      note: 'median of 3; the bound was a unit test before',
    },
    {
      name: `audit chain: append ${records.toLocaleString('en-US')} records`,
      value: Math.round(appendMs),
      unit: 'ms',
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printFigures(await benchAudit());
}
