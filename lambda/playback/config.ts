/**
 * The playback function's environment: names, the builder the ListeningService construct and the
 * simulation use, and the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { HARD_LIMITS, type IdentitySettings, type RecordingPolicy } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { envVars, optionalText, parseEnvironment, text, whole } from '../shared/config';
import { identityEnvironment, identityEnvShape, identityOf } from '../shared/identity-config';
import type { IdentityConfig } from '../shared/principal';

const playbackVars = envVars({
  listeningTable: text('LISTENING_TABLE'),
  /** The recordings index; without it every request is refused (503). */
  recordingsTable: optionalText('RECORDINGS_TABLE'),
  /** The recordings bucket the URLs point into. */
  bucket: text('RECORDINGS_BUCKET'),
  urlTtlSeconds: whole('PLAYBACK_URL_TTL_SECONDS', 1, HARD_LIMITS.playbackUrlTtlSeconds.max),
});

export const PLAYBACK_ENV = playbackVars.names;

export interface PlaybackResources {
  readonly listeningTable: string;
  readonly recordingsTable?: string;
  readonly bucket: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function playbackEnvironment(
  r: PlaybackResources,
  policy: Pick<RecordingPolicy, 'playbackUrlTtlSeconds'> & { readonly identity: IdentitySettings },
): Record<string, string> {
  return {
    ...playbackVars.write({ ...r, urlTtlSeconds: policy.playbackUrlTtlSeconds }),
    ...identityEnvironment(policy.identity),
  };
}

export const playbackEnvSchema = z.object({ ...playbackVars.shape, ...identityEnvShape, ...auditEnvShape });

export interface PlaybackConfig extends PlaybackResources {
  readonly urlTtlSeconds: number;
  readonly identity: IdentityConfig;
  readonly audit: AuditTarget;
}

export function playbackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PlaybackConfig {
  const e = parseEnvironment(playbackEnvSchema, env);
  return { ...playbackVars.read(e), identity: identityOf(e), audit: auditTargetOf(e) };
}
