/**
 * The reservation of a recording: the one contract between the sampler, which writes it, and
 * ingest, which reads it.
 *
 * Right before StartContactRecording the sampler stores, keyed by contact id, the drawn decision
 * it is about to act on (the record it will store once Connect answered). If the function dies in
 * between — the 2-s timeout after Connect started the recording, before the decision is stored —
 * the recording still arrives; ingest then finds no decision, but this reservation, and completes
 * the decision from it instead of deleting the recording as unauthorized.
 *
 * Only a drawn decision is ever reserved, and ingest accepts nothing else ({@link drawnDecisionOf}):
 * a reservation can authorize a recording the lottery drew, never one it did not. It proves nothing
 * by itself either: the completed decision is an ordinary decision, which `fairlisten verify`
 * recomputes from the revealed seed like every other.
 */
/** Days a reservation is kept: long enough for the longest call's recording to arrive. */
export const RESERVATION_TTL_DAYS = 7;

/** The fields of a reserved decision ingest relies on (the rest is the stored decision as is). */
export interface ReservedDecision extends Record<string, unknown> {
  readonly contactId: string;
  readonly agentId: string;
  readonly period: string;
  readonly decidedAt: string;
  readonly u: number;
  readonly rate: number;
  readonly lotterySelected: true;
  readonly recorded: true;
  readonly reason: 'drawn';
  readonly algorithmVersion: string;
  readonly expiresAt: number;
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Whether `d` is a drawn, recorded decision of `contactId` (plain checks: the sampler bundle carries no zod). */
function isReservedDecision(d: unknown, contactId: string): d is ReservedDecision {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const r = d as Record<string, unknown>;
  return (
    r.contactId === contactId &&
    nonEmpty(r.agentId) &&
    typeof r.period === 'string' &&
    PERIOD.test(r.period) &&
    typeof r.decidedAt === 'string' &&
    ISO_UTC.test(r.decidedAt) &&
    r.lotterySelected === true &&
    r.recorded === true &&
    r.reason === 'drawn' &&
    typeof r.u === 'number' &&
    typeof r.rate === 'number' &&
    r.u >= 0 &&
    r.u < r.rate &&
    nonEmpty(r.algorithmVersion) &&
    Number.isInteger(r.expiresAt) &&
    (r.expiresAt as number) > 0
  );
}

/** One item of the reservations table. */
export interface ReservationItem {
  readonly contactId: string;
  /** The decision item the sampler will store once Connect answered (a drawn one, recorded). */
  readonly decision: { readonly contactId: string };
  readonly reservedAt: string;
  readonly expiresAt: number;
}

/** The reservation item of `decision` (a stored decision item: the record and its `expiresAt`). */
export function reservationItem(decision: { readonly contactId: string }, at: Date): ReservationItem {
  return {
    contactId: decision.contactId,
    decision,
    reservedAt: at.toISOString(),
    expiresAt: Math.floor(at.getTime() / 1000) + RESERVATION_TTL_DAYS * 86_400,
  };
}

/**
 * The drawn decision a reservation item holds for `contactId`, or undefined: no item, another
 * contact's, or anything but a drawn, recorded decision with u below the rate.
 */
export function drawnDecisionOf(item: unknown, contactId: string): ReservedDecision | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { contactId: key, decision } = item as { contactId?: unknown; decision?: unknown };
  return key === contactId && isReservedDecision(decision, contactId) ? decision : undefined;
}
