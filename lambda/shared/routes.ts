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
}

export const API_ROUTES = {
  privacy: {
    suspend: { method: 'POST', path: '/contacts/{contactId}/recording/suspend', roles: ['agent', 'dpo'] },
    resume: { method: 'POST', path: '/contacts/{contactId}/recording/resume', roles: ['agent', 'dpo'] },
    deletion: { method: 'POST', path: '/contacts/{contactId}/recording/deletion', roles: ['agent', 'dpo'] },
    redactions: {
      method: 'POST',
      path: '/contacts/{contactId}/recording/redactions',
      roles: ['agent', 'dpo'],
    },
    request: { method: 'GET', path: '/requests/{requestId}', roles: ['agent', 'dpo'] },
  },
  playback: {
    play: { method: 'POST', path: '/recordings/{contactId}/playback', roles: ['coach'] },
  },
  coaching: {
    propose: { method: 'POST', path: '/plans', roles: ['coach'] },
    decide: { method: 'POST', path: '/plans/{planId}/approval', roles: ['dpo'] },
    evaluate: { method: 'POST', path: '/assignments/{contactId}/evaluation', roles: ['coach'] },
  },
  views: {
    me: { method: 'GET', path: '/me', roles: ['agent'] },
    transparency: { method: 'GET', path: '/transparency', roles: ['staffRepresentative', 'dpo'] },
  },
} as const satisfies Record<string, Record<string, RouteSpec>>;

/** The functions behind the HTTP API. */
export type ApiFunction = keyof typeof API_ROUTES;

/** `METHOD /path`: how API Gateway names the matched route in the event (`routeKey`). */
export const routeKey = <R extends RouteSpec>(route: R): `${R['method']} ${R['path']}` =>
  `${route.method} ${route.path}` as `${R['method']} ${R['path']}`;
