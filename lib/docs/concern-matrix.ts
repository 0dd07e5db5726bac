/**
 * docs/compliance/matrix.md: which compliance check answers which of the works council's concerns, generated
 * from the check registry and the concern list so that a new check appears without anyone editing the docs.
 */
import { CHECKS } from '../report/checks';
import { CONCERN_DESCRIPTIONS } from '../report/concerns';
import type { Check, Concern } from '../report/types';
import { cell, generatedNotice } from './markdown';

const code = (s: string) => `\`${s}\``;

/** Checks listed under `concern`: those it belongs to first, then those that answer it in part. */
function checksOf(concern: Concern, checks: readonly Check[]): Check[] {
  return [
    ...checks.filter((c) => c.concern === concern),
    ...checks.filter((c) => c.concern !== concern && c.alsoConcerns?.includes(concern)),
  ];
}

export function renderConcernMatrix(checks: readonly Check[] = CHECKS): string {
  const concernRows = CONCERN_DESCRIPTIONS.map((d) => {
    const ids = checksOf(d.id, checks).map((c) => code(c.id));
    return `| ${d.id} | ${cell(d.asked)} | ${cell(d.answer)} | ${ids.join(', ') || '—'} | ${d.alsoShownBy.map(cell).join(', ') || '—'} |`;
  });
  const checkRows = checks.map((c) => {
    const also = c.alsoConcerns?.join(', ') ?? '';
    const when = c.onlyWhenRole ? ` (expected once a resource with role ${code(c.onlyWhenRole)} exists)` : '';
    return `| ${code(c.id)} | ${c.concern} | ${also} | ${cell(c.title)}${when} |`;
  });
  return [
    '# Concern → check matrix',
    '',
    generatedNotice(
      'the check registry (`lib/report/checks/index.ts`) and the concern list (`lib/report/concerns.ts`)',
    ),
    '',
    'A French works council (CSE) unanimously rejected a vendor rollout of call recording. Its opinion',
    'numbers ten concerns, C1–C10; the CNIL (the French data-protection authority) adds its own rules.',
    'Each row says what was asked, in a few words, how fairlisten answers it, and which rows of the',
    '[compliance report](report.md) check the answer on the synthesized templates — what will be',
    'deployed. The last column names evidence outside the report: sections of the monthly',
    '[transparency report](transparency-report.md) and commands anyone can run on exported data',
    '([verification.md](verification.md)).',
    '',
    '| concern | asked | how fairlisten answers | checked by | also shown by |',
    '| --- | --- | --- | --- | --- |',
    ...concernRows,
    '',
    '## Every check',
    '',
    `The report runs ${checks.length} checks, in this order. A check that answers a concern in part is listed`,
    'under it in the table above as well ("also").',
    '',
    '| check | concern | also | what it verifies |',
    '| --- | --- | --- | --- |',
    ...checkRows,
    '',
  ].join('\n');
}
