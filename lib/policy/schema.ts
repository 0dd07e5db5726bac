import { z } from 'zod';
import { ALGORITHM_V2 } from '../../lambda/core/fair-lottery';
import { ALGORITHM_VERSION } from '../../lambda/core/lottery';
import {
  DEFAULT_IDENTITY,
  HARD_LIMITS,
  HIERARCHY_LEVELS,
  type RecordingPolicy,
} from '../../lambda/core/policy';

/** Every algorithm version the code implements; a policy chooses one, the report wants each published. */
export const ALGORITHM_VERSIONS = [ALGORITHM_VERSION, ALGORITHM_V2] as const;

/**
 * The schema of the recording policy file, built from the hard limits and the policy type of
 * lambda/core/policy.ts (their one owner: the functions enforce the same limits at run time).
 * The limits reach the published JSON Schema; a value outside them explains itself by naming the
 * works-council concern (C1–C10) or CNIL point.
 */
export { HARD_LIMITS, type RecordingPolicy };

/** EU member-state regions of AWS (the EU, not Europe: London and Zurich are not in it). */
export const EU_REGIONS = [
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-3',
] as const;

/**
 * Regions where Amazon Connect exists. eu-central-2 is Zurich (not EU); eu-west-2 is London
 * (not EU); eu-west-3 (Paris) has no Connect — see TOOLCHAIN.md and CloudFormation rule F3006.
 */
export const CONNECT_REGIONS = [
  'af-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-2',
  'us-east-1',
  'us-west-2',
] as const;

export const ALLOWED_REGIONS: readonly string[] = EU_REGIONS.filter((r) =>
  (CONNECT_REGIONS as readonly string[]).includes(r),
);

/** An integer field bounded by a hard limit, with an error that names field, value, limit and concern. */
function boundedInt(field: string, limit: { min: number; max: number; concern: string }) {
  return z
    .number({ error: (iss) => `${field} must be a number, got ${JSON.stringify(iss.input)}` })
    .int({ error: (iss) => `${field} must be a whole number, got ${iss.input}` })
    .min(limit.min, {
      error: (iss) => `${field} ${iss.input} is below the hard limit ${limit.min} (${limit.concern})`,
    })
    .max(limit.max, {
      error: (iss) => `${field} ${iss.input} exceeds the hard limit ${limit.max} (${limit.concern})`,
    });
}

const isIanaTimezone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Connect user or queue: a bare UUID, or its full ARN (normalized to the UUID by the loader). */
const connectIdOrArn = z
  .string()
  .regex(
    /^(arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}\/(agent|queue)\/)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    { error: (iss) => `${JSON.stringify(iss.input)} is not a Connect id (UUID) or agent/queue ARN` },
  );

const rate = z
  .number({ error: (iss) => `samplingRate must be a number, got ${JSON.stringify(iss.input)}` })
  .gt(0, { error: (iss) => `samplingRate ${iss.input} must be greater than 0 (C4)` })
  .max(HARD_LIMITS.samplingRate.max, {
    error: (iss) =>
      `samplingRate ${iss.input} exceeds the hard limit ${HARD_LIMITS.samplingRate.max.toFixed(2)} (C4)`,
  });

export const connectSettingsSchema = z
  .strictObject({
    instanceAlias: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,60}[a-z0-9])?$/, {
        error: (iss) => `connect.instanceAlias ${JSON.stringify(iss.input)} is not a valid Connect alias`,
      })
      .default('fairlisten')
      .describe('Alias of the Connect instance fairlisten creates (ignored when importing one).'),
    existingInstanceArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/, {
        error: (iss) =>
          `connect.existingInstanceArn ${JSON.stringify(iss.input)} is not a Connect instance ARN`,
      })
      .optional()
      .describe('Import this existing instance instead of creating one.'),
    // Contact Lens analyses a call only when a flow's "Set recording and analytics behavior" block
    // turns analytics on. With contactLens, the whisper flow runs that block behind the sampler's
    // answer, for drawn contacts only (lib/flows/drawn-only.ts); the instance attribute follows.
    contactLens: z
      .boolean({
        error: (iss) => `connect.contactLens must be true or false, got ${JSON.stringify(iss.input)}`,
      })
      .default(false)
      .describe(
        'Contact Lens post-contact analytics (transcript, sentiment, redacted audio) of the calls the lottery drew, never of the others. Off by default: transcripts and sentiment scores are personal data about the agent, see docs/compliance/contact-lens.md.',
      ),
    teamHierarchyLevel: z
      .enum(HIERARCHY_LEVELS)
      .default('LevelOne')
      .describe('Level of the Connect agent hierarchy that defines a team (C10).'),
  })
  .describe('The Amazon Connect instance.');

export const identitySettingsSchema = z
  .strictObject({
    issuer: z
      .url({
        protocol: /^https$/,
        error: (iss) => `identity.issuer ${JSON.stringify(iss.input)} is not an https URL`,
      })
      .optional()
      .describe('OIDC issuer of the API tokens. Default: a Cognito user pool created by the stack.'),
    audience: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Accepted token audiences (client ids); required with an external issuer.'),
    groupsClaim: z
      .string()
      .min(1)
      .default(DEFAULT_IDENTITY.groupsClaim)
      .describe('Token claim listing the caller’s groups.'),
    connectUserClaim: z
      .string()
      .min(1)
      .default(DEFAULT_IDENTITY.connectUserClaim)
      .describe('Token claim carrying the caller’s Amazon Connect user id (agents and coaches).'),
    groups: z
      .strictObject({
        agent: z.string().min(1).default(DEFAULT_IDENTITY.groups.agent).describe('Group of agents.'),
        coach: z.string().min(1).default(DEFAULT_IDENTITY.groups.coach).describe('Group of coaches.'),
        dpo: z
          .string()
          .min(1)
          .default(DEFAULT_IDENTITY.groups.dpo)
          .describe('Group of data-protection officers.'),
        staffRepresentative: z
          .string()
          .min(1)
          .default(DEFAULT_IDENTITY.groups.staffRepresentative)
          .describe('Group of staff representatives (works council).'),
      })
      .default({ ...DEFAULT_IDENTITY.groups })
      .describe('Group names that grant each role.'),
  })
  .refine((i) => !i.issuer || (i.audience?.length ?? 0) > 0, {
    error: 'identity.audience is required when identity.issuer is set',
  })
  .describe('Who calls the API: the JWT issuer and the claims that identify people and roles.');

export const policySchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path of this JSON Schema, for editors.'),
    version: z
      .string()
      .min(1)
      .max(64)
      .default('1')
      .describe('Version of the policy as agreed with the works council; stored with every decision.'),
    region: z
      .string()
      .default('eu-central-1')
      .refine((r) => ALLOWED_REGIONS.includes(r), {
        error: (iss) => {
          const r = String(iss.input);
          const why = (EU_REGIONS as readonly string[]).includes(r)
            ? 'is in the EU but Amazon Connect does not exist there'
            : 'is not an EU region';
          return `region ${r} ${why}; allowed: ${ALLOWED_REGIONS.join(', ')} (C3)`;
        },
      })
      .meta({ enum: [...ALLOWED_REGIONS] })
      .describe('AWS region of every resource: EU, with Amazon Connect (C3).'),
    timezone: z
      .string()
      .default('Europe/Paris')
      .refine(isIanaTimezone, {
        error: (iss) => `timezone ${JSON.stringify(iss.input)} is not an IANA time zone`,
      })
      .meta({ examples: ['Europe/Paris'] })
      .describe('Time zone that defines the calendar month of a period.'),
    samplingRate: rate.default(0.2).describe('Share of eligible calls drawn for recording, (0, 0.30] (C4).'),
    algorithmVersion: z
      .enum(ALGORITHM_VERSIONS)
      .default(ALGORITHM_V2)
      .describe(
        'Published algorithm the sampler decides with (docs/compliance/algorithm-v1.md, algorithm-v2.md); change it only for a new period (C2, C6).',
      ),
    retentionDays: boundedInt('retentionDays', HARD_LIMITS.retentionDays)
      .default(90)
      .describe(
        'Days a recording is kept, every version included, 2..90 (C3): at least 2, since a daily sweep may come 25 h after a call.',
      ),
    maxRecordingsPerAgentPerMonth: boundedInt(
      'maxRecordingsPerAgentPerMonth',
      HARD_LIMITS.maxRecordingsPerAgentPerMonth,
    )
      .default(8)
      .describe('Hard cap of recordings per agent per calendar month, paced over the month (C5, C7).'),
    listensPerAgentPerMonth: z
      .strictObject({
        min: boundedInt('listensPerAgentPerMonth.min', HARD_LIMITS.listensPerAgentPerMonth)
          .default(2)
          .describe('Listens every agent with kept recordings gets, when coaches have capacity.'),
        max: boundedInt('listensPerAgentPerMonth.max', HARD_LIMITS.listensPerAgentPerMonth)
          .default(4)
          .describe('Listens an agent may get at most (plus an approved coaching plan).'),
      })
      .refine((l) => l.min <= l.max, {
        error: (iss) => {
          const l = iss.input as { min: number; max: number };
          return `listensPerAgentPerMonth.min ${l.min} is above listensPerAgentPerMonth.max ${l.max} (C5)`;
        },
      })
      .default({ min: 2, max: 4 })
      .describe('Listens assigned per agent per month, outside coaching plans (C5).'),
    maxListensPerCoachPerMonth: boundedInt(
      'maxListensPerCoachPerMonth',
      HARD_LIMITS.maxListensPerCoachPerMonth,
    )
      .default(40)
      .describe('Hard cap of listens per coach per month (C8).'),
    excludedAgents: z
      .array(connectIdOrArn)
      .max(40, {
        error: () =>
          `excludedAgents has more than 40 entries (they travel in the sampler's 4 KB environment)`,
      })
      .default([])
      .describe('Agents never recorded, e.g. staff representatives (ids or ARNs).'),
    excludedQueues: z
      .array(connectIdOrArn)
      .max(20, {
        error: () =>
          `excludedQueues has more than 20 entries (they travel in the sampler's 4 KB environment)`,
      })
      .default([])
      .describe('Queues never recorded, e.g. sensitive lines (ids or ARNs).'),
    playbackUrlTtlSeconds: boundedInt('playbackUrlTtlSeconds', HARD_LIMITS.playbackUrlTtlSeconds)
      .default(300)
      .describe('Lifetime of a playback URL, seconds (≤ 300).'),
    auditRetentionDays: boundedInt('auditRetentionDays', HARD_LIMITS.auditRetentionDays)
      .default(365)
      .describe('Days decisions, evaluations and audit records are kept (CNIL: ≤ 1 year).'),
    coachingPlan: z
      .strictObject({
        maxDays: boundedInt('coachingPlan.maxDays', HARD_LIMITS.coachingPlanMaxDays)
          .default(30)
          .describe('Longest duration of a coaching plan, days.'),
        maxExtraListens: boundedInt(
          'coachingPlan.maxExtraListens',
          HARD_LIMITS.coachingPlanMaxExtraListens,
        ).default(4),
      })
      .default({ maxDays: 30, maxExtraListens: 4 })
      .describe('Limits of a coaching plan: duration and extra listens per month (C5, C7).'),
    identity: identitySettingsSchema.default({ ...DEFAULT_IDENTITY, groups: { ...DEFAULT_IDENTITY.groups } }),
    connect: connectSettingsSchema.default({
      instanceAlias: 'fairlisten',
      contactLens: false,
      teamHierarchyLevel: 'LevelOne',
    }),
  })
  .describe('fairlisten recording policy');

export type RecordingPolicyInput = z.input<typeof policySchema>;

// The parsed file is exactly the core's policy type: assignable both ways, with the same fields
// (a compile error otherwise).
type Parsed = z.output<typeof policySchema>;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
export const policyTypeMatchesSchema = {
  fields: true satisfies SameKeys<Parsed, RecordingPolicy>,
  parsedIsPolicy: (p: Parsed): RecordingPolicy => p,
  policyIsParsed: (p: RecordingPolicy): Parsed => p,
};

/** The JSON Schema published beside recording-policy.json (generated; a test keeps it in sync). */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policySchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
