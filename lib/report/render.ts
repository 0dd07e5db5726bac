/** The report as JSON (for machines), Markdown (for pull requests) and self-contained HTML (for the CSE). */
import { CONCERN_DESCRIPTIONS } from './concerns';
import { EVALUATOR_LIMITS } from './limits';
import {
  type Acknowledgement,
  type CheckResult,
  CONCERNS,
  type ComplianceReport,
  type Concern,
  type Evidence,
} from './types';

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

/** The acknowledgements that share one reason: what a reviewer reads once, not once per resource. */
export interface AcknowledgementGroup {
  readonly reason: string;
  /** Distinct rules, their finding suffix (`[Resource::*]`) set aside, sorted. */
  readonly rules: readonly string[];
  readonly count: number;
  /** Every acknowledgement of the group, by stack, logical id and rule. */
  readonly items: readonly Acknowledgement[];
}

const ruleBase = (ruleId: string) => ruleId.replace(/\[.*$/, '');

/** Acknowledgements grouped by reason, the largest group first (then by reason, for a stable order). */
export function acknowledgementGroups(acks: readonly Acknowledgement[]): AcknowledgementGroup[] {
  const groups = new Map<string, Acknowledgement[]>();
  for (const a of acks) {
    const list = groups.get(a.reason);
    if (list) list.push(a);
    else groups.set(a.reason, [a]);
  }
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...groups.entries()]
    .map(([reason, items]) => ({
      reason,
      rules: [...new Set(items.map((a) => ruleBase(a.ruleId)))].sort(cmp),
      count: items.length,
      items: [...items].sort(
        (a, b) => cmp(a.stack, b.stack) || cmp(a.logicalId, b.logicalId) || cmp(a.ruleId, b.ruleId),
      ),
    }))
    .sort((a, b) => b.count - a.count || cmp(a.reason, b.reason));
}

const resourcesOf = (g: AcknowledgementGroup) =>
  new Set(g.items.map((a) => `${a.stack}/${a.logicalId}`)).size;

const where = (e: Evidence) => `${e.stack ? `${e.stack}/` : ''}${e.logicalId}`;

/** The report with the evaluator's limits beside the checks, as the page and the Markdown state them. */
export function renderJson(report: ComplianceReport): string {
  return `${JSON.stringify({ ...report, evaluatorLimits: EVALUATOR_LIMITS }, null, 2)}\n`;
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
  lines.push(
    '## What the IAM evaluator does not cover',
    '',
    'The access checks ("who may read recordings") rest on an evaluator of the template’s policies. It leaves out:',
    '',
    ...EVALUATOR_LIMITS.map((l) => `- **${l.what}.** ${l.consequence}`),
    '',
  );
  const groups = acknowledgementGroups(report.acknowledgements);
  lines.push(
    `## cdk-nag acknowledgements: ${report.acknowledgements.length}, for ${groups.length} reasons`,
    '',
    '| Rules | Reason | Count | Resources |',
    '|---|---|---|---|',
  );
  for (const g of groups) {
    const resources = [...new Set(g.items.map((a) => `\`${a.logicalId}\``))];
    lines.push(
      `| ${g.rules.map((r) => `\`${mdCell(r)}\``).join(' ')} | ${mdCell(g.reason)} | ${g.count} | ` +
        `<details><summary>${resources.length} resource(s)</summary>${resources.join(' ')}</details> |`,
    );
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

/**
 * Fits its box at any width: fixed table layouts whose long values (hashes, ARNs, logical ids) wrap
 * anywhere, and below 48rem (a phone, an A4 page) each table row becomes a card whose cells name their
 * column. The acknowledgements are grouped by reason, their resources folded.
 */
const STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#1a1a1a;line-height:1.45;overflow-wrap:anywhere}
h1{margin-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:1rem 0;table-layout:fixed}
th,td{border:1px solid #c8c8c8;padding:.4rem .55rem;text-align:left;vertical-align:top;overflow-wrap:anywhere;min-width:0}
th{background:#f0f0f0}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
pre{white-space:pre-wrap;word-break:break-all;margin:.2rem 0;background:#f7f7f7;padding:.3rem;max-width:100%}
ul{padding-left:1.2rem;margin:.3rem 0}
.pass{background:#e3f4e1;color:#14521a;font-weight:600}.fail{background:#fbe0e0;color:#8a1111;font-weight:600}
.banner{padding:.7rem 1rem;border-radius:.3rem;font-size:1.15rem;margin:1rem 0}
.detail{white-space:pre-line}details{margin:.2rem 0}summary{cursor:pointer}
.n{text-align:right;font-variant-numeric:tabular-nums}
.limits li{margin:.35rem 0}
@media (max-width:48rem){
  body{margin:1rem auto}
  table,thead,tbody,tr,th,td{display:block;width:auto}
  table{border:0}
  thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  tr{border:1px solid #c8c8c8;border-radius:.3rem;margin:0 0 .8rem;padding:.2rem 0}
  td{border:0;border-bottom:1px solid #eee;padding:.3rem .55rem}
  td:last-child{border-bottom:0}
  td[data-label]::before{content:attr(data-label);display:block;font-size:.8em;font-weight:600;color:#555}
  .n{text-align:left}
}
@media print{body{margin:0;max-width:none}details{break-inside:avoid}}
`;

/** A cell's HTML, or its HTML and a class for its `<td>`. */
type Cell = string | { readonly html: string; readonly cls: string };

/** A table of `rows` under `cols` headers; each cell names its column (`data-label`) for the card layout. */
function htmlTable(
  cols: ReadonlyArray<{ label: string; width?: string; numeric?: boolean }>,
  rows: Cell[][],
  testid: string,
): string {
  const head = cols
    .map((c) => `<th scope="col"${c.numeric ? ' class="n"' : ''}>${esc(c.label)}</th>`)
    .join('');
  const colgroup = cols.map((c) => (c.width ? `<col style="width:${c.width}">` : '<col>')).join('');
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells
          .map((cell, i) => {
            const c = cols[i]!;
            const [html, cls] = typeof cell === 'string' ? [cell, ''] : [cell.html, cell.cls];
            const classes = [c.numeric ? 'n' : '', cls].filter(Boolean).join(' ');
            return `<td data-label="${esc(c.label)}"${classes ? ` class="${classes}"` : ''}>${html}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table data-testid="${testid}"><colgroup>${colgroup}</colgroup><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

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
  const checks = htmlTable(
    [
      { label: 'Status', width: '5.5rem' },
      { label: 'Check', width: '12rem' },
      { label: 'Concern', width: '6.5rem' },
      { label: 'What is checked', width: '22%' },
      { label: 'Detail' },
      { label: 'Evidence (template values)', width: '24%' },
    ],
    report.checks.map((c) => [
      { html: c.status === 'pass' ? 'pass' : 'FAIL', cls: c.status },
      `<code>${esc(c.id)}</code>`,
      esc(c.concern),
      esc(c.title),
      { html: esc(c.detail ?? ''), cls: 'detail' },
      evidence(c.evidence),
    ]),
    'checks',
  );
  const concerns = htmlTable(
    [{ label: 'Concern', width: '6rem' }, { label: 'Asked', width: '40%' }, { label: 'Checks' }],
    byConcern(report).map(([concern, list]) => [
      esc(concern),
      esc(asked(concern)),
      list.map((c) => `<code class="${c.status}">${esc(c.id)}</code>`).join(' '),
    ]),
    'concerns',
  );
  const na = report.notApplicable
    .map((n) => `<li><code>${esc(n.id)}</code> (${esc(n.concern)}) ${esc(n.title)}: ${esc(n.reason)}</li>`)
    .join('');
  const groups = acknowledgementGroups(report.acknowledgements);
  const acks = htmlTable(
    [
      { label: 'Rules', width: '20%' },
      { label: 'Reason' },
      { label: 'Count', width: '5rem', numeric: true },
      { label: 'Resources', width: '26%' },
    ],
    groups.map((g) => [
      g.rules.map((r) => `<code>${esc(r)}</code>`).join('<br>'),
      esc(g.reason),
      String(g.count),
      `<details><summary>${resourcesOf(g)} resource(s)</summary><ul>${g.items
        .map((a) => `<li><code>${esc(a.logicalId)}</code> <code>${esc(a.ruleId)}</code></li>`)
        .join('')}</ul></details>`,
    ]),
    'acknowledgements',
  );
  const stacks = htmlTable(
    [
      { label: 'Stack', width: '9%' },
      { label: 'Account', width: '11%' },
      { label: 'Region', width: '9%' },
      { label: 'Policy version', width: '8%' },
      { label: 'Template sha256' },
      { label: 'Fingerprint (account set aside)' },
    ],
    report.stacks.map((st) => [
      esc(st.name),
      esc(st.account),
      esc(st.region),
      esc(st.policyVersion ?? '—'),
      `<code>${esc(st.templateSha256)}</code>`,
      `<code>${esc(st.templateFingerprint)}</code>`,
    ]),
    'stacks',
  );
  const limits = `<ul class="limits" data-testid="evaluator-limits">${EVALUATOR_LIMITS.map(
    (l) => `<li data-limit="${esc(l.id)}"><strong>${esc(l.what)}.</strong> ${esc(l.consequence)}</li>`,
  ).join('')}</ul>`;
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
${stacks}
<h2>Checks</h2>
${checks}
<h2>By concern</h2>
${concerns}
${na ? `<h2>Not applicable yet</h2><ul>${na}</ul>` : ''}
<h2 id="evaluator-limits">What the IAM evaluator does not cover</h2>
<p>The access checks (who may read or write recordings, who may change the audit) rest on an evaluator of the template’s IAM and bucket policies. An Allow counts when it might apply, a Deny only when it surely does. It leaves out:</p>
${limits}
<h2 id="acknowledgements">cdk-nag acknowledgements: ${report.acknowledgements.length}, for ${groups.length} reasons</h2>
<p>Each finding a rule pack raises and the project accepts is written into the template with its reason (check <code>NAG-ACKNOWLEDGEMENTS</code>). Grouped here by reason, the largest group first; open a row’s resources to see each resource and the exact finding.</p>
${acks}
</body>
</html>
`;
}
