/** Runs the checks over the stacks of a cloud assembly and assembles the report. */

import { acknowledgementsOf } from './acknowledgements';
import { loadAssembly } from './assembly';
import { CHECKS } from './checks';
import { templateFingerprint } from './fingerprint';
import type { StackView } from './template';
import type { Check, CheckResult, ComplianceReport, NotApplicable } from './types';

export interface ReportOptions {
  /** @default CHECKS */
  readonly checks?: readonly Check[];
  /** Shown in the report. @default '(in memory)' */
  readonly cloudAssembly?: string;
}

function runOne(check: Check, stacks: readonly StackView[]): CheckResult {
  let outcome: ReturnType<Check['run']>;
  try {
    outcome = check.run({ stacks });
  } catch (err) {
    outcome = {
      problems: [`the check itself failed: ${err instanceof Error ? err.message : String(err)}`],
      evidence: [],
    };
  }
  const single = stacks.length === 1;
  const evidence = outcome.evidence.map((e) => {
    if (!single) return e;
    const { stack: _stack, ...rest } = e;
    return rest;
  });
  const failed = outcome.problems.length > 0;
  const detail = failed
    ? [...outcome.problems, ...(outcome.summary ? [outcome.summary] : [])].join('\n')
    : outcome.summary;
  return {
    id: check.id,
    title: check.title,
    concern: check.concern,
    ...(check.alsoConcerns?.length ? { alsoConcerns: check.alsoConcerns } : {}),
    status: failed ? 'fail' : 'pass',
    evidence,
    ...(detail ? { detail } : {}),
  };
}

export function buildReport(stacks: readonly StackView[], options: ReportOptions = {}): ComplianceReport {
  const checks = options.checks ?? CHECKS;
  const ids = new Set<string>();
  for (const c of checks) {
    if (ids.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
    ids.add(c.id);
  }
  const results: CheckResult[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const check of checks) {
    if (check.onlyWhenRole && !stacks.some((s) => s.withRole(check.onlyWhenRole!).length > 0)) {
      notApplicable.push({
        id: check.id,
        title: check.title,
        concern: check.concern,
        reason: `no resource marked ${check.onlyWhenRole} yet`,
      });
      continue;
    }
    results.push(runOne(check, stacks));
  }
  const acknowledgements = stacks.flatMap(acknowledgementsOf);
  const failed = results.filter((r) => r.status === 'fail').length;
  return {
    title: 'fairlisten compliance report',
    cloudAssembly: options.cloudAssembly ?? '(in memory)',
    stacks: stacks.map((s) => ({
      name: s.name,
      account: s.account,
      region: s.region,
      templateFile: s.templateFile,
      templateSha256: s.templateSha256,
      templateFingerprint: templateFingerprint(s.template),
      resourceCount: Object.keys(s.resources).length,
      ...(typeof s.policy?.version === 'string' ? { policyVersion: s.policy.version } : {}),
    })),
    summary: {
      status: failed > 0 ? 'fail' : 'pass',
      total: results.length,
      passed: results.length - failed,
      failed,
      notApplicable: notApplicable.length,
      acknowledgements: acknowledgements.length,
    },
    checks: results,
    notApplicable,
    acknowledgements,
  };
}

/** Loads the assembly in `dir` and reports on every stack in it. */
export function reportOnAssembly(dir: string, options: ReportOptions = {}): ComplianceReport {
  return buildReport(loadAssembly(dir), { cloudAssembly: dir, ...options });
}
