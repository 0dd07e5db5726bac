import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY } from '../../../lambda/core/policy';
import { identityConfigFromEnv } from '../../../lambda/shared/identity-config';
import { claimList, principalFromClaims } from '../../../lambda/shared/principal';

const CONFIG = DEFAULT_IDENTITY;

describe('claimList', () => {
  it.each([
    ['[agents coaches]', ['agents', 'coaches']],
    ['["agents","coaches"]', ['agents', 'coaches']],
    [
      ['agents', 3, 'coaches'],
      ['agents', 'coaches'],
    ],
    ['agents,coaches', ['agents', 'coaches']],
    ['agents', ['agents']],
    ['[]', []],
    ['', []],
    [undefined, []],
    [42, []],
  ])('%j → %j', (value, list) => {
    expect(claimList(value)).toEqual(list);
  });
});

describe('principalFromClaims', () => {
  const user = randomUUID();

  it('maps groups to roles and reads the Connect user id', () => {
    const p = principalFromClaims(
      {
        sub: 's1',
        'cognito:groups': '[agents data-protection-officers other]',
        'custom:connect_user_id': user,
      },
      CONFIG,
    );
    expect(p).toEqual({ subject: 's1', connectUserId: user, roles: new Set(['agent', 'dpo']) });
  });

  it('no subject → no identity', () => {
    expect(principalFromClaims(undefined, CONFIG)).toBeUndefined();
    expect(principalFromClaims({ 'cognito:groups': '[agents]' }, CONFIG)).toBeUndefined();
    expect(principalFromClaims({ sub: '' }, CONFIG)).toBeUndefined();
  });

  it('ignores a Connect user id that is not a lowercase UUID', () => {
    for (const bad of ['not-a-uuid', user.toUpperCase(), 42]) {
      expect(
        principalFromClaims({ sub: 's', 'custom:connect_user_id': bad }, CONFIG)?.connectUserId,
      ).toBeUndefined();
    }
  });

  it('follows the configured claims of an external IdP', () => {
    const p = principalFromClaims(
      { sub: 's', roles: '["fl-agents"]', connect_id: user },
      {
        groupsClaim: 'roles',
        connectUserClaim: 'connect_id',
        groups: { ...CONFIG.groups, agent: 'fl-agents' },
      },
    );
    expect(p).toEqual({ subject: 's', connectUserId: user, roles: new Set(['agent']) });
  });

  it('reads the identity settings the API construct writes, and names a missing one', () => {
    const env = {
      IDENTITY_GROUPS_CLAIM: 'cognito:groups',
      IDENTITY_CONNECT_USER_CLAIM: 'custom:connect_user_id',
      IDENTITY_GROUPS: JSON.stringify(CONFIG.groups),
    };
    expect(identityConfigFromEnv(env)).toEqual(CONFIG);
    expect(() => identityConfigFromEnv({ ...env, IDENTITY_GROUPS_CLAIM: '' })).toThrow(
      /IDENTITY_GROUPS_CLAIM/,
    );
  });
});
