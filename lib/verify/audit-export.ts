/**
 * Reads an audit export (JSON Lines: a file, or every *.jsonl under a directory, recursively) and
 * verifies every hash chain in it; each problem names its file and line. Shared by
 * `fairlisten audit verify` and the simulated month.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type AuditIssue, type AuditVerification, verifyChain } from '../../lambda/core/audit-chain';

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
