/**
 * The playback function's environment: names, the builder the ListeningService construct and the
 * simulation use, and the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { HARD_LIMITS, type IdentitySettings, type RecordingPolicy } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { definedEntries, optionalName, parseEnvironment, requiredName, wholeNumber } from '../shared/config';
import { identityEnvironment, identityEnvShape, identityOf } from '../shared/identity-config';
import type { IdentityConfig } from '../shared/principal';

export const PLAYBACK_ENV = {
  listeningTable: 'LISTENING_TABLE',
  recordingsTable: 'RECORDINGS_TABLE',
  bucket: 'RECORDINGS_BUCKET',
  urlTtlSeconds: 'PLAYBACK_URL_TTL_SECONDS',
} as const;

export interface PlaybackResources {
  readonly listeningTable: string;
  /** The recordings index; without it every request is refused (503). */
  readonly recordingsTable?: string;
  /** The recordings bucket the URLs point into. */
  readonly bucket: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function playbackEnvironment(
  r: PlaybackResources,
  policy: Pick<RecordingPolicy, 'playbackUrlTtlSeconds'> & { readonly identity: IdentitySettings },
): Record<string, string> {
  return {
    [PLAYBACK_ENV.listeningTable]: r.listeningTable,
    ...definedEntries({ [PLAYBACK_ENV.recordingsTable]: r.recordingsTable }),
    [PLAYBACK_ENV.bucket]: r.bucket,
    [PLAYBACK_ENV.urlTtlSeconds]: String(policy.playbackUrlTtlSeconds),
    ...identityEnvironment(policy.identity),
  };
}

export const playbackEnvSchema = z.object({
  [PLAYBACK_ENV.listeningTable]: requiredName,
  [PLAYBACK_ENV.recordingsTable]: optionalName,
  [PLAYBACK_ENV.bucket]: requiredName,
  [PLAYBACK_ENV.urlTtlSeconds]: wholeNumber(1, HARD_LIMITS.playbackUrlTtlSeconds.max),
  ...identityEnvShape,
  ...auditEnvShape,
});

export interface PlaybackConfig extends PlaybackResources {
  readonly urlTtlSeconds: number;
  readonly identity: IdentityConfig;
  readonly audit: AuditTarget;
}

export function playbackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PlaybackConfig {
  const e = parseEnvironment(playbackEnvSchema, env);
  return {
    listeningTable: e.LISTENING_TABLE,
    recordingsTable: e.RECORDINGS_TABLE,
    bucket: e.RECORDINGS_BUCKET,
    urlTtlSeconds: e.PLAYBACK_URL_TTL_SECONDS,
    identity: identityOf(e),
    audit: auditTargetOf(e),
  };
}
