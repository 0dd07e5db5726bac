/**
 * The people of the simulated month besides the agents: coaches (Connect users in a `Coaches`
 * hierarchy group below their team, the way lambda/shared/roster.ts finds them), the
 * data-protection officer, and the JWT claims API Gateway hands each of them to the functions.
 */

import type { HierarchyGroupSeed, UserSeed } from '../../local';
import type { RecordingPolicy } from '../../policy/schema';
import { SimRandom } from '../random';
import type { SimTeam } from '../run';

export interface SimCoach {
  readonly id: string;
  readonly username: string;
  readonly teamId: string;
  /** The `Coaches` hierarchy group below the team. */
  readonly groupId: string;
}

export const COACH_GROUP_NAME = 'Coaches';

/** Coaches spread over the teams in turn (coach i in team i mod teams), ids from the seed. */
export function planCoaches(seed: string, teams: readonly SimTeam[], count: number): SimCoach[] {
  const ids = new SimRandom(seed, 'coaches');
  const groupOf = new Map(teams.map((t) => [t.id, ids.uuid()]));
  return Array.from({ length: count }, (_, i) => {
    const team = teams[i % teams.length]!;
    return {
      id: ids.uuid(),
      username: `coach-${String(i + 1).padStart(3, '0')}`,
      teamId: team.id,
      groupId: groupOf.get(team.id)!,
    };
  });
}

/** Connect users and `Coaches` groups (level 2, path team → Coaches) for the coaches. */
export function coachConnectState(
  coaches: readonly SimCoach[],
  teams: readonly SimTeam[],
): { users: UserSeed[]; hierarchyGroups: HierarchyGroupSeed[] } {
  const used = new Set(coaches.map((c) => c.teamId));
  const hierarchyGroups: HierarchyGroupSeed[] = [];
  for (const team of teams) {
    if (!used.has(team.id)) continue;
    const groupId = coaches.find((c) => c.teamId === team.id)!.groupId;
    hierarchyGroups.push({ id: groupId, name: COACH_GROUP_NAME, level: 2, path: [team.id, groupId] });
  }
  return {
    users: coaches.map((c) => ({ id: c.id, username: c.username, hierarchyGroupId: c.groupId })),
    hierarchyGroups,
  };
}

export type Persona =
  | { readonly role: 'agent'; readonly connectUserId: string }
  | { readonly role: 'coach'; readonly connectUserId: string }
  | { readonly role: 'dpo'; readonly subject: string };

/** The claims of a verified token, as an HTTP API JWT authorizer passes them (arrays as "[a b]"). */
export function claimsOf(identity: RecordingPolicy['identity'], who: Persona): Record<string, string> {
  if (who.role === 'dpo') return { sub: who.subject, [identity.groupsClaim]: `[${identity.groups.dpo}]` };
  const group = who.role === 'agent' ? identity.groups.agent : identity.groups.coach;
  return {
    sub: `sub-${who.role}-${who.connectUserId}`,
    [identity.groupsClaim]: `[${group}]`,
    [identity.connectUserClaim]: who.connectUserId,
  };
}

let requestCounter = 0;

/** An API Gateway HTTP API (payload 2.0) event with a JWT authorizer context. */
export function apiEvent(
  identity: RecordingPolicy['identity'],
  who: Persona,
  routeKey: string,
  pathParameters: Record<string, string>,
  body?: unknown,
): Record<string, unknown> {
  const [method, path] = routeKey.split(' ') as [string, string];
  const rawPath = path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters[name] ?? '');
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters,
    ...(body === undefined ? {} : { body: JSON.stringify(body), isBase64Encoded: false }),
    requestContext: {
      http: { method, path: rawPath },
      requestId: `sim-${++requestCounter}`,
      routeKey,
      stage: '$default',
      authorizer: { jwt: { claims: claimsOf(identity, who), scopes: null } },
    },
  };
}
