/**
 * Who may use the privacy API (C9), decided from the verified token and the stored facts of the
 * contact. Pure: no I/O.
 *
 * Identity. The JWT authorizer of the HTTP API has already checked the token (signature, issuer,
 * audience, expiry): a request without a valid token is answered 401 by API Gateway and never
 * reaches the function. Here, `principalFromClaims` gives the subject, the roles (token groups)
 * and the caller's Amazon Connect user id. That id is how a person is matched to the contacts they
 * handled: with the Cognito user pool it is the immutable custom attribute `custom:connect_user_id`,
 * set by the data-protection officer at provisioning to the person's Connect user id (the `Id` of
 * the Connect user, the same value the sampler stores as the decision's `agentId`); with an
 * external IdP it is the claim named in the policy's `identity.connectUserClaim`.
 *
 * Rules.
 * - The agent who handled the contact (token Connect user id == decision's agentId) and a
 *   data-protection officer (group `dpo`) may act. Nobody else.
 * - A token with no usable identity (no subject) is 401; one with no permitted role (coaches,
 *   staff representatives, no groups) or an agent token without a Connect user id is 403. Both
 *   are decided before anything is looked up (the router refuses the first two from the route
 *   table): these callers learn nothing about any contact.
 * - An agent asking about a contact that does not exist or that someone else handled: 404,
 *   the same answer with the same message in both cases. Whether a colleague's call was
 *   recorded is personal data about that colleague (C4/C5: who was sampled); a 403 for
 *   "exists, not yours" next to a 404 for "unknown" would let any agent probe it.
 * - A DPO gets 404 for an unknown contact.
 * The same holds for requests: the requester or a DPO reads it; for anyone else with the agent
 * role an unknown and a foreign request id are both 404.
 */
import { forbidden, notFound } from '../shared/http';
import type { Principal } from '../shared/principal';

/** A caller allowed to use the privacy routes at all (the contact check comes after). */
export interface Caller {
  readonly subject: string;
  /** The caller's Connect user id when the token has the agent role and carries one. */
  readonly agentId?: string;
  readonly dpo: boolean;
}

/**
 * The caller of a privacy route, who has the agent or the DPO role (the router checked): an agent
 * who is not a DPO needs a Connect user id, or nothing could be theirs.
 */
export function privacyCallerOf(principal: Principal): Caller {
  const dpo = principal.roles.has('dpo');
  const agentId = principal.roles.has('agent') ? principal.connectUserId : undefined;
  if (!dpo && agentId === undefined) {
    throw forbidden(
      'the token has the agent role but no Connect user id claim; ask the data-protection officer to link your account to your Connect user',
      'no-connect-user',
    );
  }
  return { subject: principal.subject, agentId, dpo };
}

/** What the API knows about a contact: its decision and/or its recording index item. */
export interface ContactFacts {
  readonly contactId: string;
  /** The Connect user id of the agent who handled the contact leg. */
  readonly agentId: string;
  /** The recording period `YYYY-MM` (privacy audit chain `privacy/<period>`). */
  readonly period: string;
}

/** The audit and request actor: `agent:<connectUserId>` or `dpo:<subject>`. */
export type Actor = `agent:${string}` | `dpo:${string}`;

/**
 * The contact's facts when the caller may act on it, with the actor to record (the handling
 * agent acts as `agent:`, even when they are a DPO too). Throws 404 otherwise (see the rules).
 */
export function authorizeContact(
  caller: Caller,
  contactId: string,
  facts: ContactFacts | undefined,
): { facts: ContactFacts; actor: Actor } {
  if (facts && caller.agentId !== undefined && caller.agentId === facts.agentId) {
    return { facts, actor: `agent:${caller.agentId}` };
  }
  if (facts && caller.dpo) return { facts, actor: `dpo:${caller.subject}` };
  throw notFound(
    'contact-not-found',
    caller.dpo
      ? `no recorded contact ${contactId}`
      : `no recorded contact ${contactId} handled by you (the contact id is the one your contact control panel shows)`,
  );
}

/** Whether the caller may read a request made by `requestedBy`. */
export function mayReadRequest(caller: Caller, requestedBy: string): boolean {
  return caller.dpo || (caller.agentId !== undefined && requestedBy === `agent:${caller.agentId}`);
}
