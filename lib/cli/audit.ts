/**
 * `fairlisten audit verify --export DIR [--witness FILE] [--json]`
 * `fairlisten audit witness --export DIR --witness FILE`
 *
 * `verify` reads an audit export (`DIR/<chain>/<from>-<to>.jsonl`, with the publication in
 * `DIR/published/` and `DIR/published-versions.json`), verifies every hash chain, every file's
 * name against its content, the signed heads (signature, and that the export still holds every
 * head they name), and the witness file if given. Each finding is printed on its own line.
 * Exit 0 = everything checks out, 1 = any finding, 2 = usage error.
 *
 * `witness` runs the same verification (with the witness file) and, only when it is clean,
 * appends to the witness file the heads, commitments and policy documents it sees: the next
 * `verify --witness` then fails if the export no longer extends them.
 */
import { appendFileSync } from 'node:fs';
import {
  type AuditExportReport,
  newWitnessEntries,
  readWitness,
  verifyAuditExportOnTwoThreads,
  type WitnessEntry,
} from '../verify/audit-export';
import { command, existingDirectory, group, required, UsageError, type Values } from './_command';

const VERIFY_USAGE = `usage: fairlisten audit verify --export DIR [--witness FILE] [--json]
  Checks the audit export in DIR (a month's audit/ folder) against its hash chains, its file names,
  the signed heads published under Object Lock and, with --witness, the heads you witnessed earlier.
  --witness  your witness file (fairlisten audit witness)
  --json     the result as JSON
  exit codes: 0 everything checks out, 1 findings (one per line), 2 usage error`;

const WITNESS_USAGE = `usage: fairlisten audit witness --export DIR --witness FILE
  Verifies DIR as audit verify --witness FILE does; when it checks out, appends to FILE the heads,
  seed commitments and policy documents it sees. Keep FILE yourself: later exports must extend it.
  exit codes: 0 witnessed, 1 findings (nothing appended), 2 usage error`;

function exportDir(values: Values): string {
  return existingDirectory(required(values, 'export'));
}

function witnessOf(file: string | undefined, options: { startsEmpty?: boolean } = {}): WitnessEntry[] {
  if (file === undefined) return [];
  try {
    return readWitness(file, options);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function print(report: AuditExportReport, json: boolean): void {
  if (json) {
    console.log(
      JSON.stringify(
        {
          ok: report.ok,
          files: report.files.length,
          findings: report.findings,
          chains: Object.fromEntries(
            [...report.chains].map(([c, st]) => [c, { lastSeq: st.lastSeq, lastHash: st.lastHash }]),
          ),
          signedHeads: report.heads.length,
        },
        null,
        2,
      ),
    );
    return;
  }
  for (const f of report.findings) console.log(`FAILED: ${f.message}`);
  console.log(
    `${report.ok ? 'OK' : 'FAILED'}: ${report.files.length} file(s), ${report.chains.size} chain(s), ${report.heads.length} signed heads object(s), ${report.findings.length} finding(s)`,
  );
}

const verify = command({
  name: 'audit verify',
  usage: VERIFY_USAGE,
  options: {
    export: { type: 'string' },
    witness: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(values) {
    const dir = exportDir(values);
    const report = await verifyAuditExportOnTwoThreads(dir, witnessOf(values.witness as string | undefined));
    print(report, values.json === true);
    return report.ok ? 0 : 1;
  },
});

const witness = command({
  name: 'audit witness',
  usage: WITNESS_USAGE,
  options: {
    export: { type: 'string' },
    witness: { type: 'string' },
  },
  async run(values) {
    const dir = exportDir(values);
    const file = required(values, 'witness');
    const known = witnessOf(file, { startsEmpty: true });
    const report = await verifyAuditExportOnTwoThreads(dir, known);
    print(report, false);
    if (!report.ok) return 1;
    const added = newWitnessEntries(report, known, new Date().toISOString());
    if (added.length > 0) appendFileSync(file, added.map((w) => `${JSON.stringify(w)}\n`).join(''));
    console.log(`witnessed: ${added.length} new entr${added.length === 1 ? 'y' : 'ies'} in ${file}`);
    return 0;
  },
});

export const cli = group({
  name: 'audit',
  summary: 'the tamper-evident audit log',
  subcommands: {
    verify: {
      summary: 'check an audit export against its signed heads and your witness file',
      command: verify,
    },
    witness: { summary: 'append the heads of a verified export to your witness file', command: witness },
  },
});
export const run = cli.run;
