/**
 * The views function's environment: names, the builder the ListeningService construct uses, and
 * the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import type { IdentitySettings } from '../core/policy';
import { definedEntries, optionalName, parseEnvironment } from '../shared/config';
import { identityEnvironment, identityEnvShape, identityOf } from '../shared/identity-config';
import {
  LISTENING_ENV,
  type ListeningResources,
  listeningEnvironment,
  listeningEnvShape,
  listeningResourcesOf,
} from '../shared/listening-config';
import type { IdentityConfig } from '../shared/principal';

export const VIEWS_ENV = {
  ...LISTENING_ENV,
  recordingsTable: 'RECORDINGS_TABLE',
  requestsTable: 'REQUESTS_TABLE',
  decisionsTable: 'DECISIONS_TABLE',
  transparencyBucket: 'TRANSPARENCY_BUCKET',
} as const;

/** What the views show; each optional source that is absent is simply not shown. */
export interface ViewsResources extends ListeningResources {
  readonly recordingsTable?: string;
  readonly requestsTable?: string;
  readonly decisionsTable?: string;
  readonly transparencyBucket?: string;
}

export function viewsEnvironment(r: ViewsResources, identity: IdentitySettings): Record<string, string> {
  return {
    ...listeningEnvironment(r),
    ...definedEntries({
      [VIEWS_ENV.recordingsTable]: r.recordingsTable,
      [VIEWS_ENV.requestsTable]: r.requestsTable,
      [VIEWS_ENV.decisionsTable]: r.decisionsTable,
      [VIEWS_ENV.transparencyBucket]: r.transparencyBucket,
    }),
    ...identityEnvironment(identity),
  };
}

export const viewsEnvSchema = z.object({
  ...listeningEnvShape,
  [VIEWS_ENV.recordingsTable]: optionalName,
  [VIEWS_ENV.requestsTable]: optionalName,
  [VIEWS_ENV.decisionsTable]: optionalName,
  [VIEWS_ENV.transparencyBucket]: optionalName,
  ...identityEnvShape,
});

export interface ViewsConfig extends ViewsResources {
  readonly identity: IdentityConfig;
}

export function viewsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ViewsConfig {
  const e = parseEnvironment(viewsEnvSchema, env);
  return {
    ...listeningResourcesOf(e),
    recordingsTable: e.RECORDINGS_TABLE,
    requestsTable: e.REQUESTS_TABLE,
    decisionsTable: e.DECISIONS_TABLE,
    transparencyBucket: e.TRANSPARENCY_BUCKET,
    identity: identityOf(e),
  };
}
