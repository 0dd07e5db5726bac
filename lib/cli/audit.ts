/**
 * `fairlisten audit verify --export <dir|file> [--expect-head chain=hash]… [--json]`
 *
 * Reads a JSON Lines export (a file, or every *.jsonl under a directory, recursively), verifies
 * every hash chain in it and prints each problem with file:line, then one summary line per chain
 * (records, first/last seq, head hash). Exit 0 = all chains intact, 1 = any problem (including
 * malformed lines, out-of-order lines and an empty export), 2 = usage error.
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatLocation } from '../../lambda/core/audit-chain';
import { verifyExport } from '../verify/audit-export';
import { parseOrUsage } from './_usage';

const USAGE = `usage: fairlisten audit verify --export <dir|file> [--expect-head <chain>=<hash>]... [--json]
  verifies the hash chains of an audit export (JSON Lines, one record per line)
  exit codes: 0 intact, 1 problems found, 2 usage error`;

function parseHeads(values: string[]): Record<string, string> | string {
  const heads: Record<string, string> = {};
  for (const v of values) {
    const eq = v.lastIndexOf('=');
    if (eq <= 0 || !/^[0-9a-f]{64}$/.test(v.slice(eq + 1))) {
      return `--expect-head ${JSON.stringify(v)}: expected <chain>=<64 lowercase hex>`;
    }
    heads[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return heads;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOrUsage(
    () =>
      parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          export: { type: 'string' },
          'expect-head': { type: 'string', multiple: true, default: [] },
          json: { type: 'boolean', default: false },
          help: { type: 'boolean', default: false },
        },
      }),
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { positionals, values } = parsed;
  if (positionals[0] !== 'verify' || positionals.length > 1 || !values.export) {
    console.error(USAGE);
    return 2;
  }
  const heads = parseHeads(values['expect-head'] ?? []);
  if (typeof heads === 'string') {
    console.error(`${heads}\n${USAGE}`);
    return 2;
  }
  try {
    statSync(values.export);
  } catch {
    console.error(`fairlisten audit: no such file or directory: ${values.export}`);
    return 2;
  }

  const report = verifyExport(values.export, heads);
  const { verification, files, issues } = report;
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          ok: issues.length === 0 && verification.chains.length > 0,
          files,
          issues,
          chains: verification.chains,
        },
        null,
        2,
      ),
    );
  } else {
    for (const issue of issues) {
      const where = issue.locations.length > 0 ? ` [${issue.locations.map(formatLocation).join(', ')}]` : '';
      console.log(`${issue.severity.toUpperCase()} ${issue.kind}: ${issue.message}${where}`);
    }
    for (const c of verification.chains) {
      console.log(
        `chain ${c.chain}: ${c.ok ? 'OK' : 'FAILED'} records=${c.records} seq=${c.firstSeq}..${c.lastSeq} head=${c.headHash}`,
      );
    }
    const errors = issues.filter((i) => i.severity === 'error').length;
    const warnings = issues.length - errors;
    console.log(
      `${files.length} file(s), ${verification.chains.length} chain(s), ${errors} error(s), ${warnings} warning(s)`,
    );
  }
  if (verification.chains.length === 0) {
    if (!values.json) console.log('no audit records found');
    return 1;
  }
  return issues.length === 0 ? 0 : 1;
}
