/**
 * `fairlisten audit verify --export <dir|file> [--expect-head chain=hash]… [--json]`
 *
 * Reads a JSON Lines export (a file, or every *.jsonl under a directory, recursively), verifies
 * every hash chain in it and prints each problem with file:line, then one summary line per chain
 * (records, first/last seq, head hash). Exit 0 = all chains intact, 1 = any problem (including
 * malformed lines, out-of-order lines and an empty export), 2 = usage error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AuditIssue,
  type AuditVerification,
  formatLocation,
  verifyChain,
} from '../../lambda/core/audit-chain';
import { parseOrUsage } from './_usage';

const USAGE = `usage: fairlisten audit verify --export <dir|file> [--expect-head <chain>=<hash>]... [--json]
  verifies the hash chains of an audit export (JSON Lines, one record per line)
  exit codes: 0 intact, 1 problems found, 2 usage error`;

export interface LoadedExport {
  records: unknown[];
  sources: { file: string; line: number }[];
  /** lines that are not JSON at all */
  unparsable: AuditIssue[];
  files: string[];
}

/** Every *.jsonl file under `path` (recursively, sorted), or `path` itself when it is a file. */
export function listExportFiles(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.jsonl')) out.push(p);
    }
  };
  walk(path);
  return out;
}

/** Reads the export; unparsable lines become `malformed` issues (never an exception). */
export function loadExport(path: string): LoadedExport {
  const root = resolve(path);
  const isDir = statSync(root).isDirectory();
  const files = listExportFiles(root);
  const result: LoadedExport = { records: [], sources: [], unparsable: [], files: [] };
  for (const abs of files) {
    const file = isDir ? relative(root, abs) : path;
    result.files.push(file);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (err) {
      result.unparsable.push({
        kind: 'malformed',
        severity: 'error',
        locations: [{ index: -1, file }],
        message: `${file}: cannot read: ${(err as Error).message}`,
      });
      continue;
    }
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') return;
      try {
        result.records.push(JSON.parse(line));
        result.sources.push({ file, line: i + 1 });
      } catch (err) {
        result.unparsable.push({
          kind: 'malformed',
          severity: 'error',
          locations: [{ index: -1, file, line: i + 1 }],
          message: `${file}:${i + 1}: not JSON: ${(err as Error).message}`,
        });
      }
    });
  }
  return result;
}

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

export interface AuditVerifyReport {
  verification: AuditVerification;
  files: string[];
  issues: AuditIssue[];
}

/** Loads and verifies an export (used by `run`, exported for tests and other tools). */
export function verifyExport(path: string, expectedHeads: Record<string, string> = {}): AuditVerifyReport {
  const loaded = loadExport(path);
  const verification = verifyChain(loaded.records, { sources: loaded.sources, expectedHeads });
  const issues = [...loaded.unparsable, ...verification.issues];
  return { verification, files: loaded.files, issues };
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
