/**
 * The local run's people and their tokens. Local-only shortcut: a token is an unsigned JWT whose
 * claims the local server hands to the functions as API Gateway's JWT authorizer would; nothing
 * checks a signature because nothing here is deployed.
 */
import type { IdentityConfig } from '../../../lambda/shared/principal';

export const LOCAL_USERS = {
  agent: {
    subject: 'local-agent',
    username: 'agent.local',
    connectUserId: 'a0000000-0000-4000-8000-000000000001',
    role: 'agent',
  },
  coach: {
    subject: 'local-coach',
    username: 'coach.local',
    connectUserId: 'c0000000-0000-4000-8000-000000000001',
    role: 'coach',
  },
} as const;
export type LocalUser = keyof typeof LOCAL_USERS;

/** Another agent and coach who exist only in the data (nobody signs in as them). */
export const OTHER_PEOPLE = {
  agent: 'a0000000-0000-4000-8000-000000000002',
  coach: 'c0000000-0000-4000-8000-000000000002',
} as const;

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

export function localToken(user: (typeof LOCAL_USERS)[LocalUser], identity: IdentityConfig): string {
  const claims = {
    sub: user.subject,
    [identity.groupsClaim]: [identity.groups[user.role]],
    [identity.connectUserClaim]: user.connectUserId,
    exp: Math.floor(Date.now() / 1000) + 3600,
  };
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** The claims of a local token in `Authorization: Bearer …`, as API Gateway passes them on. */
export function claimsOfLocalToken(header: string | undefined): Record<string, unknown> | undefined {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return undefined;
    // API Gateway hands array claims over as "[a b]".
    return Object.fromEntries(
      Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : v]),
    );
  } catch {
    return undefined;
  }
}
