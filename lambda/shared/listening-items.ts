/**
 * Item layout of the `listening` table (key `period` + `sk`; GSIs `byAgent` (agentId, period) and
 * `byCoach` (coachId, period)). Written by the assignment function, updated by playback, extended
 * with evaluations by the coaching function and read by the views. `period` is always the period
 * of the *recordings* (P); their listens happen in P+1 (see lambda/assignment/assign.ts).
 *
 * Only assignment and evaluation items carry `agentId` / `coachId`, so only they appear in the
 * indexes; bookkeeping items name people in `loadOf` instead.
 */
import type { ListenAssignment } from '../core/assignment';
import type { ListeningPolicy } from './listening-config';

export const ASSIGN_PREFIX = 'assign#';
export const EVAL_PREFIX = 'eval#';
export const RUN_SK = '#run';
export const ROSTER_SK = '#roster';
export const COACH_LOAD_PREFIX = 'load#coach#';
export const AGENT_LOAD_PREFIX = 'load#agent#';

export const assignSk = (contactId: string): string => `${ASSIGN_PREFIX}${contactId}`;
export const evalSk = (contactId: string): string => `${EVAL_PREFIX}${contactId}`;

/** One listen: coach `coachId` may play recording `contactId` of agent `agentId`, `playsLeft` times. */
export interface AssignmentItem extends ListenAssignment {
  sk: string;
  /** The coaching plan that granted this listen beyond the agent's regular maximum (C5). */
  planId?: string;
  /** URL issues left (decremented by a conditional update; never below 0). */
  playsLeft: number;
  /** URL issues allowed when assigned. */
  playsAllowed: number;
  /** ISO instants of the issued URLs (what the agent sees as "listened at"). */
  plays: string[];
  assignedAt: string;
  /** End of the listening window: the end of period P+1. */
  validUntil: string;
  /** Epoch seconds (TTL): validUntil + audit retention. */
  expiresAt: number;
}

export const EVALUATION_CRITERIA = [
  'greeting',
  'needAnalysis',
  'solution',
  'clarity',
  'courtesy',
  'closing',
] as const;
export type EvaluationCriterion = (typeof EVALUATION_CRITERIA)[number];

export interface EvaluationItem {
  period: string;
  sk: string;
  contactId: string;
  agentId: string;
  coachId: string;
  coachTeam: string;
  scores: Record<EvaluationCriterion, number>;
  comment?: string;
  createdAt: string;
  /** Epoch seconds (TTL): createdAt + audit retention. */
  expiresAt: number;
}

/** The assignment run of one period: its state, figures and shortfall (aggregates only). */
export interface RunItem {
  period: string;
  sk: typeof RUN_SK;
  status: 'started' | 'complete';
  startedAt: string;
  completedAt?: string;
  commitment: string;
  seedRevealedAt: string;
  listens: number;
  agents: number;
  coaches: number;
  minTarget: number;
  minCovered: number;
  missingListens: number;
  agentsBelowMin: number;
  shortfallByTeam: Record<string, { agentsBelowMin: number; missingListens: number }>;
  extraListens: number;
  plansApplied: number;
  unplacedUsers: number;
  expiresAt: number;
}

/** The roster the assignment used (teams as Connect had them when it ran). */
export interface RosterItem {
  period: string;
  sk: typeof ROSTER_SK;
  agents: Record<string, string>;
  coaches: Record<string, string>;
  teamNames: Record<string, string>;
  takenAt: string;
  expiresAt: number;
}

export interface LoadItem {
  period: string;
  sk: string;
  loadOf: string;
  team: string;
  assigned: number;
  /** Agents: the effective maximum (policy max + approved plan extra). */
  max?: number;
  /** Coaches: audit record of their assignment list. */
  auditSeq?: number;
  expiresAt: number;
}

/** The listening policy the assignment applies and the views report (lambda/shared/listening-config.ts). */
export type AssignmentPolicy = ListeningPolicy;
