/**
 * `fairlisten export --month` from the tables of a simulated month: the council gets, from the
 * tables, the same model — byte for byte — and the same page as the simulation wrote. The export
 * runs through the real command, with an outputs file pointing at the local tables (dynalite) and
 * the S3 stand-in through endpoint overrides, as an operator runs it against a deployment.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseMonthData } from '../../../lambda/core/transparency/model';
import { run } from '../../../lib/cli/export';
import { STACK_OUTPUTS } from '../../../lib/deploy/outputs';
import { defaultPolicy } from '../../../lib/policy/load';
import { runMonth } from '../../../lib/simulation/month';
import { renderTransparencyHtml } from '../../../lib/transparency-report';
import { captureConsole } from '../../support/console';
import { withEnv } from '../../support/local';
import { sharedBundles } from '../../support/simulation';

const PERIOD = '2026-10';
const root = mkdtempSync(join(tmpdir(), 'fairlisten-export-month-'));
const simDir = join(root, 'sim');
const exportDir = join(root, 'export');
let exitCode: number | undefined;
let printed: string[] = [];
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  await runMonth({
    agents: 6,
    teams: 2,
    coaches: 2,
    calls: 100,
    month: PERIOD,
    seed: 's3',
    policy: defaultPolicy(),
    outDir: simDir,
    prebuiltBundles: sharedBundles(),
    async withLiveTables(stack, { generatedAt }) {
      const outputs = join(root, 'cdk-outputs.json');
      writeFileSync(
        outputs,
        JSON.stringify({
          Fairlisten: {
            ...Object.fromEntries(Object.keys(STACK_OUTPUTS).map((k) => [k, `deployed-${k}`])),
            DecisionsTableName: stack.tables.decisions,
            SeedsTableName: stack.tables.seeds,
            ListeningTableName: stack.tables.listening,
            PlansTableName: stack.tables.plans,
            RequestsTableName: stack.tables.requests,
            // The public seed objects live in the S3 stand-in's bucket of the simulated month.
            AuditBucketName: 'transparency',
          },
        }),
      );
      const lines = captureConsole();
      try {
        exitCode = await withEnv(stack.env, () =>
          run([
            '--month',
            PERIOD,
            '--outputs',
            outputs,
            '--out',
            exportDir,
            '--policy',
            join(simDir, 'policy.json'),
            '--audit-from',
            join(simDir, 'audit'),
            '--generated-at',
            generatedAt,
            '--simulated',
          ]),
        );
      } finally {
        vi.restoreAllMocks();
        printed = lines;
      }
    },
  });
}, 300_000);

describe('fairlisten export --month from the tables of a simulated month', () => {
  it('exits 0 and says where the model is', () => {
    expect(printed.join('\n')).toContain(join(exportDir, 'month.json'));
    expect(exitCode).toBe(0);
  });

  it('writes the model the simulation wrote, byte for byte', () => {
    const exported = readFileSync(join(exportDir, 'month.json'), 'utf8');
    const simulated = readFileSync(join(simDir, 'month.json'), 'utf8');
    expect(exported).toBe(simulated);
    // Not an empty month: calls, listens, requests and a verified month.
    const m = parseMonthData(JSON.parse(exported));
    expect(m.calls.total.calls).toBeGreaterThan(50);
    expect(m.assignments.length).toBeGreaterThan(0);
    expect(m.requests.length).toBeGreaterThan(0);
    expect(m.verification).toMatchObject({ decisions: { ok: true }, audit: { ok: true } });
  });

  it('gives the same page and the same listens file', () => {
    const m = parseMonthData(JSON.parse(readFileSync(join(exportDir, 'month.json'), 'utf8')));
    for (const [lang, file] of [
      ['fr', `transparency-${PERIOD}.html`],
      ['en', `transparency-${PERIOD}.en.html`],
    ] as const) {
      expect(renderTransparencyHtml(m, { lang })).toBe(readFileSync(join(simDir, file), 'utf8'));
    }
    expect(readFileSync(join(exportDir, 'assignments.jsonl'), 'utf8')).toBe(
      readFileSync(join(simDir, 'assignments.jsonl'), 'utf8'),
    );
  });
});
