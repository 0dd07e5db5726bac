/**
 * `fairlisten audit verify --export <dir|file> [--expect-head chain=hash]… [--json]`
 *
 * Reads a JSON Lines export (a file, or every *.jsonl under a directory, recursively), verifies
 * every hash chain in it and prints each problem with file:line, then one summary line per chain
 * (records, first/last seq, head hash). Exit 0 = all chains intact, 1 = any problem (including
 * malformed lines, out-of-order lines and an empty export), 2 = usage error.
 */
import { existsSync } from 'node:fs';
import { formatLocation } from '../../lambda/core/audit-chain';
import { verifyExport } from '../verify/audit-export';
import { command, group, required, UsageError } from './_command';

const VERIFY_USAGE = `usage: fairlisten audit verify --export <dir|file> [--expect-head <chain>=<hash>]... [--json]
  Verifies the hash chains of an audit export (JSON Lines, one record per line; a directory is read
  recursively): every problem with file:line, then one line per chain with its head hash.
  --expect-head  the head a chain must end at (e.g. a published head), repeatable
  --json         the result as JSON
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

const verify = command({
  name: 'audit verify',
  usage: VERIFY_USAGE,
  options: {
    export: { type: 'string' },
    'expect-head': { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
  },
  async run(values) {
    const path = required(values, 'export');
    const heads = parseHeads((values['expect-head'] as string[] | undefined) ?? []);
    if (typeof heads === 'string') throw new UsageError(heads);
    if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
    const json = values.json === true;
    const { verification, files, issues } = verifyExport(path, heads);
    if (json) {
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
        const where =
          issue.locations.length > 0 ? ` [${issue.locations.map(formatLocation).join(', ')}]` : '';
        console.log(`${issue.severity.toUpperCase()} ${issue.kind}: ${issue.message}${where}`);
      }
      for (const c of verification.chains) {
        console.log(
          `chain ${c.chain}: ${c.ok ? 'OK' : 'FAILED'} records=${c.records} seq=${c.firstSeq}..${c.lastSeq} head=${c.headHash}`,
        );
      }
      const errors = issues.filter((i) => i.severity === 'error').length;
      console.log(
        `${files.length} file(s), ${verification.chains.length} chain(s), ${errors} error(s), ${issues.length - errors} warning(s)`,
      );
    }
    if (verification.chains.length === 0) {
      if (!json) console.log('no audit records found');
      return 1;
    }
    return issues.length === 0 ? 0 : 1;
  },
});

export const cli = group({
  name: 'audit',
  summary: 'the tamper-evident audit log',
  subcommands: { verify: { summary: 'verify the hash chains of an audit export', command: verify } },
});
export const run = cli.run;
