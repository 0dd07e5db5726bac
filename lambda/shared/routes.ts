/**
 * The HTTP API's routes: method, path and the roles that may call each, by the function that
 * serves them. This table is the contract: the API construct adds exactly these routes, each
 * function's router serves exactly its own, and the route × role documentation is read from it.
 */
import type { Role } from './principal';

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** Path with `{parameters}`, as API Gateway writes it. */
  readonly path: string;
  /** Roles that may call the route; anyone else is refused (403) before anything is read. */
  readonly roles: readonly Role[];
  /**
   * The rule the function applies after the role check, in a sentence for the API reference.
   * @default - none: the role is enough
   */
  readonly scope?: string;
}

const OWN_CONTACT =
  "the agent who handled the contact (another agent's contact: 404, as an unknown one); a DPO for any contact";

export const API_ROUTES = {
  privacy: {
    suspend: {
      method: 'POST',
      path: '/contacts/{contactId}/recording/suspend',
      roles: ['agent', 'dpo'],
      scope: OWN_CONTACT,
    },
    resume: {
      method: 'POST',
      path: '/contacts/{contactId}/recording/resume',
      // Suspension is the employee's control (C9): nobody else may switch the recording back on.
      roles: ['agent'],
      scope:
        "the agent who handled the contact (another agent's contact: 404, as an unknown one); never a DPO",
    },
    deletion: {
      method: 'POST',
      path: '/contacts/{contactId}/recording/deletion',
      roles: ['agent', 'dpo'],
      scope: OWN_CONTACT,
    },
    redactions: {
      method: 'POST',
      path: '/contacts/{contactId}/recording/redactions',
      roles: ['agent', 'dpo'],
      scope: OWN_CONTACT,
    },
    status: {
      method: 'GET',
      path: '/contacts/{contactId}/recording',
      // Whether a call was drawn is the agent's own business; a DPO has the audit log.
      roles: ['agent'],
      scope:
        "the agent who handled the contact only (another agent's contact, or an unknown one: 404): drawn or not, suspended or running",
    },
    request: {
      method: 'GET',
      path: '/requests/{requestId}',
      roles: ['agent', 'dpo'],
      scope: "an agent reads only their own requests (another's: 404, as an unknown one); a DPO reads any",
    },
  },
  playback: {
    play: {
      method: 'POST',
      path: '/recordings/{contactId}/playback',
      roles: ['coach'],
      scope: 'only the coach this listen is assigned to, within its listening window and plays',
    },
  },
  coaching: {
    propose: {
      method: 'POST',
      path: '/plans',
      roles: ['coach'],
      scope: 'any coach with a Connect user; the plan must fit the policy limits',
    },
    decide: {
      method: 'POST',
      path: '/plans/{planId}/approval',
      roles: ['dpo'],
      scope: 'a DPO who is not the proposer (the proposer: 403)',
    },
    evaluate: {
      method: 'POST',
      path: '/assignments/{contactId}/evaluation',
      roles: ['coach'],
      scope: 'only the assigned coach, after listening, once',
    },
  },
  views: {
    me: { method: 'GET', path: '/me', roles: ['agent'], scope: "the caller's own data only" },
    meAudit: {
      method: 'GET',
      path: '/me/audit',
      roles: ['agent'],
      scope:
        "the caller's own audit entries only (the agent of the token; asking for another agent's: 403); paged, at most 100 entries a page; every read audited",
    },
    assignments: {
      method: 'GET',
      path: '/assignments',
      roles: ['coach'],
      scope: "the caller's own assigned listens only (this period's recordings and the previous period's)",
    },
    transparency: {
      method: 'GET',
      path: '/transparency',
      roles: ['staffRepresentative', 'dpo'],
      scope: 'aggregates per team only; teams under 3 agents merged',
    },
    report: {
      method: 'GET',
      path: '/transparency/{period}',
      roles: ['staffRepresentative', 'dpo'],
      scope: 'the monthly report as stored (HTML or CSV, French or English); every read audited',
    },
  },
} as const satisfies Record<string, Record<string, RouteSpec>>;

/** The functions behind the HTTP API. */
export type ApiFunction = keyof typeof API_ROUTES;

/** `METHOD /path`: how API Gateway names the matched route in the event (`routeKey`). */
export const routeKey = <R extends RouteSpec>(route: R): `${R['method']} ${R['path']}` =>
  `${route.method} ${route.path}` as `${R['method']} ${R['path']}`;
