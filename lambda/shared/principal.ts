/** The roles fairlisten knows. Everyone else is refused. */
export type Role = 'agent' | 'coach' | 'dpo' | 'staffRepresentative';

export interface Principal {
  /** Token subject (stable id of the person at the identity provider). */
  readonly subject: string;
  /** The caller's Amazon Connect user id, when the token carries one (agents, coaches). */
  readonly connectUserId?: string;
  readonly roles: ReadonlySet<Role>;
}

export interface IdentityConfig {
  readonly groupsClaim: string;
  readonly connectUserClaim: string;
  readonly groups: Readonly<Record<Role, string>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * API Gateway HTTP APIs hand JWT claims to the function as strings; an array claim such as
 * `cognito:groups` arrives as `"[agents coaches]"`. Accept that, a real array, or a JSON array.
 */
export function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string' || value.trim() === '') return [];
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.filter((v): v is string => typeof v === 'string');
    } catch {
      // not JSON: the "[a b]" form
    }
    return text
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * The verified caller of an HTTP API request (the JWT authorizer has checked signature, issuer,
 * audience and expiry), or undefined when the request carries no usable identity.
 */
export function principalFromClaims(
  claims: Readonly<Record<string, unknown>> | undefined,
  config: IdentityConfig,
): Principal | undefined {
  const subject = claims?.sub;
  if (typeof subject !== 'string' || subject === '') return undefined;
  const groups = new Set(claimList(claims?.[config.groupsClaim]));
  const roles = new Set<Role>();
  for (const [role, group] of Object.entries(config.groups) as [Role, string][]) {
    if (groups.has(group)) roles.add(role);
  }
  const rawUser = claims?.[config.connectUserClaim];
  const connectUserId = typeof rawUser === 'string' && UUID.test(rawUser) ? rawUser : undefined;
  return { subject, connectUserId, roles };
}
