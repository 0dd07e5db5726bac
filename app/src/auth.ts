/**
 * Sign-in. Deployed: the Cognito hosted sign-in in a pop-up (it cannot be framed inside the agent
 * workspace), authorization code with PKCE; `callback.html` hands the code back to this window by
 * `postMessage` (same origin only) and the code is exchanged here, so the verifier and the tokens
 * never leave this window's memory. Local run: a token from the local server (see docs).
 */
import type { AppConfig } from './config';

const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function randomString(): string {
  return b64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export interface Session {
  token(): Promise<string>;
}

/** A session whose ID token comes from `signIn()` (a click: pop-ups need a user gesture). */
export function createSession(
  config: AppConfig,
  localUser: string | null,
): Session & { signIn(): Promise<void>; signedIn(): boolean } {
  let idToken: string | undefined;
  let expiresAt = 0;
  const auth = config.auth;
  return {
    signedIn: () => idToken !== undefined && Date.now() < expiresAt,
    async token() {
      if (idToken && Date.now() < expiresAt) return idToken;
      throw new Error('not signed in');
    },
    async signIn() {
      if (auth.type === 'local') {
        const res = await fetch(`${auth.tokenUrl}?as=${encodeURIComponent(localUser ?? 'agent')}`);
        const body = (await res.json()) as { idToken: string; expiresIn: number };
        idToken = body.idToken;
        expiresAt = Date.now() + body.expiresIn * 1000;
        return;
      }
      const verifier = randomString();
      const state = randomString();
      const url = new URL('/oauth2/authorize', auth.domain);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: auth.clientId,
        redirect_uri: auth.redirectUri,
        scope: 'openid',
        state,
        code_challenge: await challengeOf(verifier),
        code_challenge_method: 'S256',
      }).toString();
      const popup = window.open(url.toString(), 'fairlisten-sign-in', 'width=480,height=640');
      if (!popup) throw new Error('the sign-in window was blocked');
      const code = await new Promise<string>((resolve, reject) => {
        const onMessage = (e: MessageEvent) => {
          if (e.origin !== location.origin || e.data?.type !== 'fairlisten-auth') return;
          window.removeEventListener('message', onMessage);
          if (e.data.state !== state || typeof e.data.code !== 'string')
            reject(new Error('sign-in answer did not match'));
          else resolve(e.data.code as string);
        };
        window.addEventListener('message', onMessage);
      });
      const res = await fetch(new URL('/oauth2/token', auth.domain), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: auth.clientId,
          code,
          redirect_uri: auth.redirectUri,
          code_verifier: verifier,
        }),
      });
      if (!res.ok) throw new Error(`sign-in failed (${res.status})`);
      const tokens = (await res.json()) as { id_token: string; expires_in: number };
      idToken = tokens.id_token;
      expiresAt = Date.now() + (tokens.expires_in - 30) * 1000;
    },
  };
}
