/**
 * Each function's environment has one owner, `lambda/<fn>/config.ts`: the construct writes it with
 * the module's builder, the handler reads it with the module's parser. Checked on the synthesized
 * template: every variable a function receives is one its config names, and its parser accepts the
 * environment as deployed; an auditing function refuses to start without its audit variables. The
 * constructs load those modules at synth time, so none of them may pull in the AWS SDK.
 */
import { describe, expect, it } from 'vitest';
import { assignmentConfigFromEnv, assignmentEnvSchema } from '../../../lambda/assignment/config';
import { auditExportConfigFromEnv, auditExportEnvSchema } from '../../../lambda/audit-export/config';
import { sentinelConfigFromEnv, sentinelEnvSchema } from '../../../lambda/audit-sentinel/config';
import * as ingest from '../../../lambda/ingest/config';
import { monthlyReportConfigFromEnv, monthlyReportEnvSchema } from '../../../lambda/monthly-report/config';
import { coachingConfigFromEnv, coachingEnvSchema } from '../../../lambda/plans/config';
import { playbackConfigFromEnv, playbackEnvSchema } from '../../../lambda/playback/config';
import { privacyConfigFromEnv, privacyEnvSchema } from '../../../lambda/privacy/config';
import * as recordingActions from '../../../lambda/recording-actions/config';
import { sweeperConfigFromEnv, sweeperEnvSchema } from '../../../lambda/request-sweeper/config';
import {
  retentionSweeperConfigFromEnv,
  retentionSweeperEnvSchema,
} from '../../../lambda/retention-sweeper/config';
import { SAMPLER_ENV, samplerConfigFromEnv } from '../../../lambda/sampler/config';
import { seedsConfigFromEnv, seedsEnvSchema } from '../../../lambda/seeds/config';
import { AUDIT_ENV } from '../../../lambda/shared/audit-config';
import { viewsConfigFromEnv, viewsEnvSchema } from '../../../lambda/views/config';
import { ROLE_METADATA_KEY } from '../../../lib/constructs/roles';
import { packagesImportedBy, sourceFiles } from '../../support/imports';
import { synthStack } from '../../support/synth';

interface FunctionConfig {
  /** Every variable the config names. */
  readonly names: readonly string[];
  readonly parse: (env: NodeJS.ProcessEnv) => unknown;
}

const keysOf = (schema: { shape: object }) => Object.keys(schema.shape);

/** By function folder (the `function:<folder>` role of the template). */
const CONFIGS: Record<string, FunctionConfig> = {
  sampler: { names: Object.values(SAMPLER_ENV), parse: samplerConfigFromEnv },
  seeds: { names: keysOf(seedsEnvSchema), parse: seedsConfigFromEnv },
  'audit-export': { names: keysOf(auditExportEnvSchema), parse: auditExportConfigFromEnv },
  'audit-sentinel': { names: keysOf(sentinelEnvSchema), parse: sentinelConfigFromEnv },
  ingest: { names: keysOf(ingest.ingestEnvSchema), parse: ingest.ingestConfigFromEnv },
  'recording-actions': {
    names: keysOf(recordingActions.recordingEnvSchema),
    parse: recordingActions.recordingConfigFromEnv,
  },
  'request-sweeper': { names: keysOf(sweeperEnvSchema), parse: sweeperConfigFromEnv },
  'retention-sweeper': { names: keysOf(retentionSweeperEnvSchema), parse: retentionSweeperConfigFromEnv },
  privacy: { names: keysOf(privacyEnvSchema), parse: privacyConfigFromEnv },
  assignment: { names: keysOf(assignmentEnvSchema), parse: assignmentConfigFromEnv },
  playback: { names: keysOf(playbackEnvSchema), parse: playbackConfigFromEnv },
  plans: { names: keysOf(coachingEnvSchema), parse: coachingConfigFromEnv },
  views: { names: keysOf(viewsEnvSchema), parse: viewsConfigFromEnv },
  'monthly-report': { names: keysOf(monthlyReportEnvSchema), parse: monthlyReportConfigFromEnv },
};

/** Set by FairlistenFunction for every function (logging), not part of a config. */
const COMMON = new Set(['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL']);

const { template } = synthStack();
const functions = Object.entries(
  template.findResources('AWS::Lambda::Function') as Record<
    string,
    {
      Metadata?: Record<string, unknown>;
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    }
  >,
).flatMap(([id, r]) => {
  const role = r.Metadata?.[ROLE_METADATA_KEY];
  return typeof role === 'string' && role.startsWith('function:')
    ? [{ id, dir: role.slice('function:'.length), variables: r.Properties.Environment?.Variables ?? {} }]
    : [];
});

/** The environment as Lambda would see it: a reference (table name, ARN) becomes a resolved string. */
const deployed = (variables: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k.toLowerCase()}`]),
  );

describe('function environments', () => {
  it('gives every function of the stack a config module, and every config a function', () => {
    expect(functions.map((f) => f.dir).sort()).toEqual(Object.keys(CONFIGS).sort());
  });

  it.each(Object.keys(CONFIGS))('%s: receives only the variables its config names', (dir) => {
    const fn = functions.find((f) => f.dir === dir)!;
    const unknown = Object.keys(fn.variables).filter(
      (k) => !COMMON.has(k) && !CONFIGS[dir]!.names.includes(k),
    );
    expect(unknown).toEqual([]);
  });

  it.each(Object.keys(CONFIGS))('%s: its parser accepts the environment the construct deployed', (dir) => {
    const fn = functions.find((f) => f.dir === dir)!;
    expect(() => CONFIGS[dir]!.parse(deployed(fn.variables))).not.toThrow();
  });

  it('binds every auditing function to the audit log, and each refuses to start without it', () => {
    const auditing = Object.entries(CONFIGS).filter(([, c]) => c.names.includes(AUDIT_ENV.table));
    expect(auditing.map(([dir]) => dir).sort()).toEqual(
      [
        'assignment',
        'audit-export',
        'audit-sentinel',
        'ingest',
        'monthly-report',
        'plans',
        'playback',
        'privacy',
        'recording-actions',
        'retention-sweeper',
        'seeds',
        // Reads of the stored monthly report are audited.
        'views',
      ].sort(),
    );
    for (const [dir, config] of auditing) {
      const env = deployed(functions.find((f) => f.dir === dir)!.variables);
      expect(env[AUDIT_ENV.table], dir).toMatch(/^resolved-/);
      for (const name of Object.values(AUDIT_ENV)) {
        const { [name]: _dropped, ...without } = env;
        expect(() => config.parse(without), `${dir} without ${name}`).toThrow(
          `environment variable ${name} is not set`,
        );
      }
    }
  });

  it('refuses a bad value with a message that names the variable', () => {
    const env = deployed(functions.find((f) => f.dir === 'playback')!.variables);
    expect(() => playbackConfigFromEnv({ ...env, PLAYBACK_URL_TTL_SECONDS: '301' })).toThrow(
      /environment variable PLAYBACK_URL_TTL_SECONDS is invalid: must be a whole number 1\.\.300/,
    );
    expect(() => playbackConfigFromEnv({ ...env, IDENTITY_GROUPS: '{"agent":"a"}' })).toThrow(
      /environment variable IDENTITY_GROUPS is invalid \(coach\)/,
    );
    const assignment = deployed(functions.find((f) => f.dir === 'assignment')!.variables);
    expect(() => assignmentConfigFromEnv({ ...assignment, LISTENING_POLICY: 'not json' })).toThrow(
      /environment variable LISTENING_POLICY is invalid: is not JSON/,
    );
    expect(() => assignmentConfigFromEnv({ ...assignment, TEAM_HIERARCHY_LEVEL: 'LevelSix' })).toThrow(
      /environment variable TEAM_HIERARCHY_LEVEL is invalid/,
    );
  });
});

describe('constructs at synth time', () => {
  it.each(sourceFiles('lib/constructs'))('%s loads no AWS SDK or Powertools module', (file) => {
    const runtime = [...packagesImportedBy(file)].filter(([p]) => /^@aws-(sdk|lambda-powertools)\//.test(p));
    expect(runtime).toEqual([]);
  });
});
