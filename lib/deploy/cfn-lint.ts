/**
 * cfn-lint, the AWS CloudFormation linter, as an independent reader of what we synthesize.
 * Errors are never accepted; a warning is accepted only when it is listed below with its reason.
 */
import { spawnSync } from 'node:child_process';

export interface LintFinding {
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly message: string;
  /** Location in the template, `/`-separated (`Metadata/fairlisten:policy/samplingRate`). */
  readonly path: string;
  /** The template file it was found in, as given to `runCfnLint`. */
  readonly file: string;
}

export interface AcceptedWarning {
  readonly rule: string;
  /** Matches the finding's location in the template (e.g. `Resources/XFunction/DependsOn/1`). */
  readonly path: RegExp;
  /** Matches cfn-lint's message, so only the case explained by the reason is accepted. */
  readonly message: RegExp;
  readonly reason: string;
}

/** Every warning we leave in the template, and why. One place; the tests fail on any other. */
export const ACCEPTED_WARNINGS: readonly AcceptedWarning[] = [
  {
    rule: 'W3005',
    path: /^Resources\/[^/]+\/DependsOn\/\d+$/,
    message: /^'[^']+' dependency already enforced by a 'GetAtt' at 'Resources\/[^/]+\/Properties\/Role'$/,
    reason:
      "aws-cdk-lib's Function adds a DependsOn on its execution role (and its default policy) so the " +
      'role exists with its permissions before the function is created; the GetAtt already orders ' +
      'the role itself. Redundant, harmless, and not ours to remove without forking the construct.',
  },
];

export const INSTALL_HINT =
  'cfn-lint (the AWS CloudFormation linter) is not installed: `pip install cfn-lint` ' +
  '(or `pipx install cfn-lint`); .ci/run expects it on the machine.';

interface RawFinding {
  Filename?: string;
  Rule?: { Id?: string };
  Level?: string;
  Message?: string;
  Location?: { Path?: Array<string | number> };
}

/** Runs cfn-lint on template files for the given regions. Throws when cfn-lint is missing. */
export function runCfnLint(templateFiles: readonly string[], regions: readonly string[]): LintFinding[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--regions', ...regions, '--', ...templateFiles], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(INSTALL_HINT);
  // Exit codes are a bit mask of levels found (2 error, 4 warning, 8 informational); 1 is a crash.
  if (run.status === 1 || run.status === null) {
    throw new Error(`cfn-lint failed (exit ${run.status}): ${run.stderr.trim() || run.stdout.trim()}`);
  }
  const raw = JSON.parse(run.stdout || '[]') as RawFinding[];
  return raw.map((f) => ({
    rule: f.Rule?.Id ?? '?',
    level: (f.Level ?? 'Error') as LintFinding['level'],
    message: f.Message ?? '',
    path: (f.Location?.Path ?? []).join('/'),
    file: f.Filename ?? '',
  }));
}

/** Findings that are not accepted: every error, and every warning without a listed reason. */
export function unacceptedFindings(findings: readonly LintFinding[]): LintFinding[] {
  return findings.filter(
    (f) =>
      f.level === 'Error' ||
      (f.level === 'Warning' &&
        !ACCEPTED_WARNINGS.some(
          (a) => a.rule === f.rule && a.path.test(f.path) && a.message.test(f.message),
        )),
  );
}
