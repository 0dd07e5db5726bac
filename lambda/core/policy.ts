/**
 * The recording policy negotiated with the works council: its hard limits and its shape. The
 * limits are code, not configuration: a policy file can only choose values inside them. They live
 * here, in the core, because the functions enforce them again at run time (a sampler refuses a
 * rate beyond the limit even if a template was edited); lib/policy builds the policy file's schema
 * from the same constants, and the compliance report checks the template against them.
 *
 * Every limit names the works-council concern (C1–C10) or CNIL point it answers.
 */

export const HARD_LIMITS = {
  samplingRate: { max: 0.3, concern: 'C4' },
  // At least 2: the retention sweeper runs daily and may be an hour late, so the first run after a
  // call can come 25 h later; a 1-day limit is a promise no daily sweep can keep.
  retentionDays: { min: 2, max: 90, concern: 'C3' },
  maxRecordingsPerAgentPerMonth: { min: 1, max: 30, concern: 'C5' },
  listensPerAgentPerMonth: { min: 1, max: 8, concern: 'C5' },
  maxListensPerCoachPerMonth: { min: 1, max: 120, concern: 'C8' },
  playbackUrlTtlSeconds: { min: 30, max: 300, concern: 'C3' },
  auditRetentionDays: { min: 30, max: 365, concern: 'CNIL' },
  coachingPlanMaxDays: { min: 1, max: 30, concern: 'C5' },
  coachingPlanMaxExtraListens: { min: 1, max: 8, concern: 'C5' },
} as const;

/** Levels of the Connect agent hierarchy; the policy names the one that defines a team (C10). */
export const HIERARCHY_LEVELS = ['LevelOne', 'LevelTwo', 'LevelThree', 'LevelFour', 'LevelFive'] as const;
export type HierarchyLevel = (typeof HIERARCHY_LEVELS)[number];

/** The roles fairlisten knows, with the token group that grants each. */
export interface IdentityGroups {
  readonly agent: string;
  readonly coach: string;
  readonly dpo: string;
  readonly staffRepresentative: string;
}

/** Who calls the API: the JWT issuer and the claims that identify people and roles. */
export interface IdentitySettings {
  readonly issuer?: string;
  readonly audience?: string[];
  readonly groupsClaim: string;
  readonly connectUserClaim: string;
  readonly groups: IdentityGroups;
}

/** The claims and group names a policy that says nothing of identity uses (Cognito's, the stack's groups). */
export const DEFAULT_IDENTITY = {
  groupsClaim: 'cognito:groups',
  connectUserClaim: 'custom:connect_user_id',
  groups: {
    agent: 'agents',
    coach: 'coaches',
    dpo: 'data-protection-officers',
    staffRepresentative: 'staff-representatives',
  },
} as const satisfies IdentitySettings;

/** The Amazon Connect instance. */
export interface ConnectSettings {
  readonly instanceAlias: string;
  readonly existingInstanceArn?: string;
  /** Contact Lens analytics of drawn calls (the whisper flow enables it behind the sampler's answer). */
  readonly contactLens: boolean;
  readonly teamHierarchyLevel: HierarchyLevel;
}

/**
 * The effective policy (defaults applied). lib/policy/schema.ts parses a policy file into exactly
 * this type; a type test there keeps the two identical.
 */
export interface RecordingPolicy {
  readonly $schema?: string;
  readonly version: string;
  readonly region: string;
  readonly timezone: string;
  readonly samplingRate: number;
  /** The published algorithm the sampler decides with (docs/compliance/algorithm-v1.md, -v2.md). */
  readonly algorithmVersion: 'fairlisten-lottery-v1' | 'fairlisten-lottery-v2';
  readonly retentionDays: number;
  readonly maxRecordingsPerAgentPerMonth: number;
  readonly listensPerAgentPerMonth: { readonly min: number; readonly max: number };
  readonly maxListensPerCoachPerMonth: number;
  readonly excludedAgents: string[];
  readonly excludedQueues: string[];
  readonly playbackUrlTtlSeconds: number;
  readonly auditRetentionDays: number;
  readonly coachingPlan: { readonly maxDays: number; readonly maxExtraListens: number };
  readonly identity: IdentitySettings;
  readonly connect: ConnectSettings;
}
