import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../lib/cli/report';
import { captureConsole } from '../../support/console';
import { awaitingIds } from '../../support/report-awaiting';
import { loadAssembly, synthAssembly } from '../../support/report-fixture';

const good = synthAssembly();
const work = mkdtempSync(join(tmpdir(), 'fairlisten-report-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('fairlisten report', () => {
  it('exits 0 on the real assembly (1 while a construct change is awaited) and writes md, json and self-contained html', async () => {
    const pending = awaitingIds(loadAssembly(good));
    const out = captureConsole();
    const dir = join(work, 'ok');
    expect(await run(['--cdk-out', good, '--out', dir])).toBe(pending.length === 0 ? 0 : 1);
    for (const ext of ['md', 'json', 'html'])
      expect(existsSync(join(dir, `compliance-report.${ext}`))).toBe(true);
    expect(out.join('\n')).toMatch(
      pending.length === 0 ? /^PASS: \d+\/\d+ checks pass/m : /^FAIL: \d+\/\d+ checks pass/m,
    );
    for (const id of pending) expect(out.join('\n')).toMatch(new RegExp(`^FAIL ${id} `, 'm'));
    expect(out.join('\n')).toContain(join(dir, 'compliance-report.html'));
    const json = JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8'));
    expect(json.summary.failed).toBe(pending.length);
    expect(json.checks[0]).toEqual(
      expect.objectContaining({ id: 'REGION-EU', concern: 'C3', status: 'pass' }),
    );
    const html = readFileSync(join(dir, 'compliance-report.html'), 'utf8');
    expect(html).toMatch(/<html lang="en">/);
    // Self-contained: nothing loads from elsewhere (URLs may appear as evidence text, e.g. the JWT issuer).
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b|\b(src|href|action)\s*=|url\(/i);
    expect(html).toContain('<h2>By concern</h2>');
    // Each concern says what the council asked, so the page reads without the opinion beside it.
    expect(html).toMatch(
      /<tr><td data-label="Concern">C4<\/td><td data-label="Asked">a 50 % recording rate[^<]*<\/td><td data-label="Checks"><code class="pass">SAMPLING-RATE<\/code>/,
    );
    expect(readFileSync(join(dir, 'compliance-report.md'), 'utf8')).toMatch(
      /^\| C10 \| cross-listening: a coach evaluates another team’s agents \| .*`ASSIGNMENT-RULE`/m,
    );
  });

  it('exits 1 and names the failing check on a mutated assembly', async () => {
    const bad = join(work, 'bad-assembly');
    cpSync(good, bad, { recursive: true });
    const file = join(bad, 'Fairlisten.template.json');
    const t = JSON.parse(readFileSync(file, 'utf8'));
    const id = Object.keys(t.Resources).find(
      (k) => t.Resources[k].Metadata?.['fairlisten:role'] === 'bucket:recordings',
    )!;
    t.Resources[id].Properties.LifecycleConfiguration.Rules[0].ExpirationInDays = 120;
    writeFileSync(file, JSON.stringify(t));
    const out = captureConsole();
    const dir = join(work, 'bad');
    expect(await run(['--cdk-out', bad, '--out', dir])).toBe(1);
    expect(out.join('\n')).toMatch(/FAIL REC-RETENTION \(C3\): .*120 days/);
    const json = JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8'));
    expect(json.summary.status).toBe('fail');
    expect(readFileSync(join(dir, 'compliance-report.html'), 'utf8')).toContain('class="fail"');
  });

  it('exits 1 when there is no assembly', async () => {
    const out = captureConsole();
    expect(await run(['--cdk-out', join(work, 'nothing'), '--out', join(work, 'none')])).toBe(1);
    expect(out.join('\n')).toMatch(/manifest.json not found/);
  });

  it('exits 2 on an unknown option', async () => {
    captureConsole();
    expect(await run(['--nope'])).toBe(2);
  });
});
