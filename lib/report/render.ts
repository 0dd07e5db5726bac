/** The report as JSON (for machines), Markdown (for pull requests) and self-contained HTML (for the CSE). */
import { CONCERN_DESCRIPTIONS } from './concerns';
import { type CheckResult, CONCERNS, type ComplianceReport, type Concern, type Evidence } from './types';

/** What the council (or the CNIL) asked, in a few words, for the "By concern" table. */
const asked = (c: Concern) => CONCERN_DESCRIPTIONS.find((d) => d.id === c)?.asked ?? '';

/**
 * The checks of each concern (C1–C10, CNIL, platform) that has any, in the report's order: those that belong to
 * it, then those that answer it in part (so C10 shows the assignment rule, which belongs to C8).
 */
export function byConcern(report: ComplianceReport): Array<[Concern, CheckResult[]]> {
  return CONCERNS.map((c): [Concern, CheckResult[]] => [
    c,
    [
      ...report.checks.filter((x) => x.concern === c),
      ...report.checks.filter((x) => x.concern !== c && x.alsoConcerns?.includes(c)),
    ],
  ]).filter(([, list]) => list.length > 0);
}

const MAX_VALUE_CHARS = 600;

export function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const s = text === undefined ? 'undefined' : text;
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}… (${s.length} chars)` : s;
}

const where = (e: Evidence) => `${e.stack ? `${e.stack}/` : ''}${e.logicalId}`;

export function renderJson(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export function renderMarkdown(report: ComplianceReport): string {
  const s = report.summary;
  const lines = [
    `# ${report.title}`,
    '',
    `**${s.status.toUpperCase()}** — ${s.passed} of ${s.total} checks pass, ${s.failed} fail` +
      (s.notApplicable > 0 ? `, ${s.notApplicable} not applicable yet` : '') +
      `; ${s.acknowledgements} cdk-nag acknowledgements.`,
    '',
    'Computed from the synthesized CloudFormation templates (what will be deployed), not from the policy file.',
    '',
    '| Stack | Account | Region | Policy | Template sha256 | Fingerprint (account set aside) |',
    '|---|---|---|---|---|---|',
    ...report.stacks.map(
      (st) =>
        `| ${st.name} | ${st.account} | ${st.region} | ${st.policyVersion ?? '—'} | \`${st.templateSha256.slice(0, 16)}…\` | \`${st.templateFingerprint}\` |`,
    ),
    '',
    '## Checks',
    '',
    '| Status | Check | Concern | Title | Detail |',
    '|---|---|---|---|---|',
    ...report.checks.map(
      (c) =>
        `| ${c.status === 'pass' ? '✅ pass' : '❌ FAIL'} | \`${c.id}\` | ${c.concern} | ${mdCell(c.title)} | ${mdCell(c.detail ?? '')} |`,
    ),
    '',
    '## By concern',
    '',
    '| Concern | Asked | Checks |',
    '|---|---|---|',
    ...byConcern(report).map(
      ([concern, list]) =>
        `| ${concern} | ${mdCell(asked(concern))} | ${list.map((c) => `${c.status === 'pass' ? '✅' : '❌'} \`${c.id}\``).join(', ')} |`,
    ),
    '',
  ];
  if (report.notApplicable.length > 0) {
    lines.push(
      '## Not applicable yet',
      '',
      ...report.notApplicable.map((n) => `- \`${n.id}\` (${n.concern}) ${n.title}: ${n.reason}`),
      '',
    );
  }
  lines.push('## Evidence', '');
  for (const c of report.checks) {
    lines.push(`### ${c.id} — ${c.status}`, '');
    if (c.detail) lines.push(...c.detail.split('\n').map((d) => `> ${d}`), '');
    for (const e of c.evidence) {
      lines.push(
        `- \`${where(e)}\` \`${e.property}\`${e.note ? ` (${e.note})` : ''}: \`${formatValue(e.value).replace(/`/g, "'")}\``,
      );
    }
    lines.push('');
  }
  lines.push('## cdk-nag acknowledgements', '', '| Resource | Rule | Reason | Source |', '|---|---|---|---|');
  for (const a of report.acknowledgements) {
    lines.push(`| \`${a.logicalId}\` | \`${mdCell(a.ruleId)}\` | ${mdCell(a.reason)} | ${a.source} |`);
  }
  lines.push('');
  return lines.join('\n');
}

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{margin-bottom:.2rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #c8c8c8;padding:.4rem .55rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em}
pre{white-space:pre-wrap;word-break:break-all;margin:.2rem 0;background:#f7f7f7;padding:.3rem}
.pass{background:#e3f4e1;color:#14521a;font-weight:600}.fail{background:#fbe0e0;color:#8a1111;font-weight:600}
.banner{padding:.7rem 1rem;border-radius:.3rem;font-size:1.15rem;margin:1rem 0}
.detail{white-space:pre-line}details{margin:.2rem 0}summary{cursor:pointer}
`;

export function renderHtml(report: ComplianceReport): string {
  const s = report.summary;
  const evidence = (list: readonly Evidence[]) =>
    list.length === 0
      ? '<em>none</em>'
      : `<details><summary>${list.length} item(s)</summary><ul>${list
          .map(
            (e) =>
              `<li><code>${esc(where(e))}</code> <code>${esc(e.property)}</code>${e.note ? ` — ${esc(e.note)}` : ''}<pre>${esc(formatValue(e.value))}</pre></li>`,
          )
          .join('')}</ul></details>`;
  const rows = report.checks
    .map(
      (c) =>
        `<tr><td class="${c.status}">${c.status === 'pass' ? 'pass' : 'FAIL'}</td><td><code>${esc(c.id)}</code></td><td>${esc(c.concern)}</td>` +
        `<td>${esc(c.title)}</td><td class="detail">${esc(c.detail ?? '')}</td><td>${evidence(c.evidence)}</td></tr>`,
    )
    .join('\n');
  const concerns = byConcern(report)
    .map(
      ([concern, list]) =>
        `<tr><td>${esc(concern)}</td><td>${esc(asked(concern))}</td><td>${list.map((c) => `<code class="${c.status}">${esc(c.id)}</code>`).join(' ')}</td></tr>`,
    )
    .join('');
  const na = report.notApplicable
    .map((n) => `<li><code>${esc(n.id)}</code> (${esc(n.concern)}) ${esc(n.title)}: ${esc(n.reason)}</li>`)
    .join('');
  const acks = report.acknowledgements
    .map(
      (a) =>
        `<tr><td><code>${esc(a.logicalId)}</code></td><td><code>${esc(a.ruleId)}</code></td><td>${esc(a.reason)}</td><td>${esc(a.source)}</td></tr>`,
    )
    .join('\n');
  const stacks = report.stacks
    .map(
      (st) =>
        `<tr><td>${esc(st.name)}</td><td>${esc(st.account)}</td><td>${esc(st.region)}</td><td>${esc(st.policyVersion ?? '—')}</td><td><code>${esc(st.templateSha256)}</code></td><td><code>${esc(st.templateFingerprint)}</code></td></tr>`,
    )
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(report.title)}</h1>
<p>Computed from the synthesized CloudFormation templates — what will be deployed — not from the policy file or the source.</p>
<p class="banner ${s.status}">${s.status === 'pass' ? 'PASS' : 'FAIL'}: ${s.passed} of ${s.total} checks pass, ${s.failed} fail${s.notApplicable > 0 ? `, ${s.notApplicable} not applicable yet` : ''}.</p>
<h2>Stacks</h2>
<table><thead><tr><th>Stack</th><th>Account</th><th>Region</th><th>Policy version</th><th>Template sha256</th><th>Fingerprint (account set aside)</th></tr></thead><tbody>${stacks}</tbody></table>
<h2>Checks</h2>
<table><thead><tr><th>Status</th><th>Check</th><th>Concern</th><th>What is checked</th><th>Detail</th><th>Evidence (template values)</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>By concern</h2>
<table><thead><tr><th>Concern</th><th>Asked</th><th>Checks</th></tr></thead><tbody>${concerns}</tbody></table>
${na ? `<h2>Not applicable yet</h2><ul>${na}</ul>` : ''}
<h2>cdk-nag acknowledgements (${report.acknowledgements.length})</h2>
<table><thead><tr><th>Resource</th><th>Rule</th><th>Reason</th><th>Source</th></tr></thead><tbody>
${acks}
</tbody></table>
</body>
</html>
`;
}
