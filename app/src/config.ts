/**
 * `config.json`, written beside the app at deployment from the stack's outputs (or by the local
 * run): where the API is and how to sign in. Pure: parsed and checked here.
 */
export interface AppConfig {
  readonly apiBaseUrl: string;
  readonly auth:
    | {
        readonly type: 'cognito';
        /** `https://<prefix>.auth.<region>.amazoncognito.com` */
        readonly domain: string;
        readonly clientId: string;
        readonly redirectUri: string;
      }
    | { readonly type: 'local'; readonly tokenUrl: string };
  readonly identity: {
    readonly groupsClaim: string;
    readonly groups: { readonly agent: string; readonly coach: string };
  };
}

export function parseConfig(raw: unknown): AppConfig {
  const o = raw as Partial<AppConfig> | null;
  const fail = (what: string): never => {
    throw new Error(`config.json: ${what}`);
  };
  if (!o || typeof o !== 'object') return fail('not a JSON object');
  if (typeof o.apiBaseUrl !== 'string' || o.apiBaseUrl === '') fail('apiBaseUrl is required');
  const auth = o.auth;
  if (auth?.type === 'cognito') {
    if (![auth.domain, auth.clientId, auth.redirectUri].every((v) => typeof v === 'string' && v !== ''))
      fail('auth needs domain, clientId and redirectUri');
  } else if (auth?.type === 'local') {
    if (typeof auth.tokenUrl !== 'string') fail('auth.tokenUrl is required');
  } else fail('auth.type must be cognito or local');
  const id = o.identity;
  if (
    !id ||
    typeof id.groupsClaim !== 'string' ||
    typeof id.groups?.agent !== 'string' ||
    typeof id.groups?.coach !== 'string'
  )
    fail('identity needs groupsClaim and groups.agent, groups.coach');
  return o as AppConfig;
}

/** The claims of a JWT (payload only; the API checks the signature, the app only reads roles). */
export function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const text = decodeURIComponent(
      Array.from(
        atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '=')),
        (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
      ).join(''),
    );
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The app roles the token's groups give (which screens to show; the API decides the rest). */
export function rolesOf(
  claims: Record<string, unknown>,
  identity: AppConfig['identity'],
): { agent: boolean; coach: boolean } {
  const raw = claims[identity.groupsClaim];
  const groups = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw
          .replace(/^\[|\]$/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
      : [];
  return { agent: groups.includes(identity.groups.agent), coach: groups.includes(identity.groups.coach) };
}
