import { describe, expect, it } from 'vitest';
import { createApi } from '../../app/src/api';
import { claimsOf, parseConfig, rolesOf } from '../../app/src/config';
import { type MessageKey, t } from '../../app/src/i18n';

const identity = { groupsClaim: 'cognito:groups', groups: { agent: 'agents', coach: 'coaches' } };
const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

describe('config.json', () => {
  it('accepts the deployed and the local forms', () => {
    expect(
      parseConfig({
        apiBaseUrl: 'https://x.execute-api.eu-central-1.amazonaws.com',
        auth: {
          type: 'cognito',
          domain: 'https://p.auth.eu-central-1.amazoncognito.com',
          clientId: 'c',
          redirectUri: 'https://d/callback.html',
        },
        identity,
      }).auth.type,
    ).toBe('cognito');
    expect(
      parseConfig({ apiBaseUrl: '/api', auth: { type: 'local', tokenUrl: '/__local/token' }, identity })
        .apiBaseUrl,
    ).toBe('/api');
  });
  it.each([
    [null, /not a JSON object/],
    [{ auth: { type: 'local', tokenUrl: 'x' }, identity }, /apiBaseUrl/],
    [
      { apiBaseUrl: '/api', auth: { type: 'cognito', domain: 'd' }, identity },
      /domain, clientId and redirectUri/,
    ],
    [{ apiBaseUrl: '/api', auth: { type: 'basic' }, identity }, /auth.type/],
    [{ apiBaseUrl: '/api', auth: { type: 'local', tokenUrl: 'x' } }, /identity/],
  ])('refuses %j', (raw, message) => expect(() => parseConfig(raw)).toThrow(message));
});

describe('roles from the token', () => {
  it('reads the groups claim in its array and API Gateway string forms', () => {
    expect(rolesOf(claimsOf(jwt({ 'cognito:groups': ['agents'] })), identity)).toEqual({
      agent: true,
      coach: false,
    });
    expect(rolesOf(claimsOf(jwt({ 'cognito:groups': '[agents coaches]' })), identity)).toEqual({
      agent: true,
      coach: true,
    });
    expect(rolesOf(claimsOf(jwt({ name: 'Zoé' })), identity)).toEqual({ agent: false, coach: false });
    expect(claimsOf('not-a-jwt')).toEqual({});
    expect(claimsOf('a.%%%.c')).toEqual({});
  });
});

describe('texts', () => {
  it('are French by default with parameters filled in, and English on demand', () => {
    expect(t('fr', 'range.pastEnd', { end: '01:00' })).toBe(
      'Le passage dépasse la fin de l’enregistrement (01:00). Rien n’a été envoyé.',
    );
    expect(t('en', 'call.suspend')).toBe('Suspend the recording');
    expect(t('fr', 'call.contact' as MessageKey)).toBe('Contact {id}');
  });
});

describe('API client', () => {
  it('sends the bearer token and JSON, and turns an error answer into an ApiError with its code', async () => {
    const seen: { url: string; init: { method: string; headers: Record<string, string>; body?: string } }[] =
      [];
    const api = createApi({
      baseUrl: 'https://api.example/',
      token: async () => 'tok',
      fetch: async (url, init) => {
        seen.push({ url, init });
        return url.endsWith('/redactions')
          ? { status: 202, json: async () => ({ requestId: 'r1', status: 'in-progress' }) }
          : {
              status: 404,
              json: async () => ({ error: { code: 'contact-not-found', message: 'no contact' } }),
            };
      },
    });
    await expect(api.redaction('c/1', { from: 10, to: 25 }, 'why')).resolves.toEqual({
      requestId: 'r1',
      status: 'in-progress',
    });
    expect(seen[0]!.url).toBe('https://api.example/contacts/c%2F1/recording/redactions');
    expect(seen[0]!.init.headers.authorization).toBe('Bearer tok');
    expect(JSON.parse(seen[0]!.init.body!)).toEqual({
      ranges: [{ from: 10, to: 25 }],
      channel: 'both',
      reason: 'why',
    });
    await expect(api.status('x')).rejects.toMatchObject({
      name: 'ApiError',
      status: 404,
      code: 'contact-not-found',
    });
  });
});
