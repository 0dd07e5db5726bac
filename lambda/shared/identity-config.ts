/**
 * How an API function reads identity from the token claims: the environment the API construct's
 * policy settings turn into (`identityEnvironment`) and the function's config parses back.
 */
import { z } from 'zod';
import type { IdentitySettings } from '../core/policy';
import { envVars, json, parseEnvironment, requiredName, text } from './config';
import type { IdentityConfig } from './principal';

const identityVars = envVars({
  groupsClaim: text('IDENTITY_GROUPS_CLAIM'),
  connectUserClaim: text('IDENTITY_CONNECT_USER_CLAIM'),
  groups: json(
    'IDENTITY_GROUPS',
    z.strictObject({
      agent: requiredName,
      coach: requiredName,
      dpo: requiredName,
      staffRepresentative: requiredName,
    }),
  ),
});

export const IDENTITY_ENV = identityVars.names;

export const identityEnvironment = (identity: IdentitySettings): Record<string, string> =>
  identityVars.write(identity);

/** The identity variables, to spread into a function's environment schema. */
export const identityEnvShape = identityVars.shape;

export const identityOf = (env: z.output<z.ZodObject<typeof identityEnvShape>>): IdentityConfig =>
  identityVars.read(env);

/** The identity settings alone (a function that needs nothing else from its environment). */
export function identityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return identityOf(parseEnvironment(z.object(identityEnvShape), env));
}
