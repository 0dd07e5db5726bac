/**
 * How an API function reads identity from the token claims: the environment the API construct's
 * policy settings turn into (`identityEnvironment`) and the function's config parses back.
 */
import { z } from 'zod';
import type { IdentitySettings } from '../core/policy';
import { jsonOf, parseEnvironment, requiredName } from './config';
import type { IdentityConfig } from './principal';

export const IDENTITY_ENV = {
  groupsClaim: 'IDENTITY_GROUPS_CLAIM',
  connectUserClaim: 'IDENTITY_CONNECT_USER_CLAIM',
  groups: 'IDENTITY_GROUPS',
} as const;

export function identityEnvironment(identity: IdentitySettings): Record<string, string> {
  return {
    [IDENTITY_ENV.groupsClaim]: identity.groupsClaim,
    [IDENTITY_ENV.connectUserClaim]: identity.connectUserClaim,
    [IDENTITY_ENV.groups]: JSON.stringify(identity.groups),
  };
}

/** The identity variables, to spread into a function's environment schema. */
export const identityEnvShape = {
  [IDENTITY_ENV.groupsClaim]: requiredName,
  [IDENTITY_ENV.connectUserClaim]: requiredName,
  [IDENTITY_ENV.groups]: jsonOf(
    z.strictObject({
      agent: requiredName,
      coach: requiredName,
      dpo: requiredName,
      staffRepresentative: requiredName,
    }),
  ),
} as const;

type IdentityEnv = z.output<z.ZodObject<typeof identityEnvShape>>;

export const identityOf = (env: IdentityEnv): IdentityConfig => ({
  groupsClaim: env.IDENTITY_GROUPS_CLAIM,
  connectUserClaim: env.IDENTITY_CONNECT_USER_CLAIM,
  groups: env.IDENTITY_GROUPS,
});

/** The identity settings alone (a function that needs nothing else from its environment). */
export function identityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return identityOf(parseEnvironment(z.object(identityEnvShape), env));
}
