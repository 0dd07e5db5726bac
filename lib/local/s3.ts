/**
 * S3 for offline tests and the local simulation: s3rver on a temporary directory, bound to
 * 127.0.0.1, silent.
 *
 * Limits: no versioning (no VersionId, `ListObjectVersions` fails), SSE-KMS headers ignored, no
 * `Tagging` header on PutObject. Trap: stream bodies uploaded with the SDK's default checksums are
 * stored with their aws-chunked framing — always use {@link S3_SAFE_CLIENT_CONFIG}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { baseAwsEnv, LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb';
import { endpointOf, LOOPBACK, stopper } from './net';

/**
 * Client settings that keep s3rver correct: path-style addressing and checksums only when an
 * operation requires them (otherwise streams are uploaded aws-chunked and stored corrupted).
 */
export const S3_SAFE_CLIENT_CONFIG = {
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
} as const satisfies S3ClientConfig;

export interface LocalS3Options {
  /** Buckets created before the server accepts requests. */
  readonly buckets: readonly string[];
}

export interface LocalS3 {
  readonly endpoint: string;
  /** Temporary directory holding the objects (removed by `stop()`). */
  readonly directory: string;
  /** A client with {@link S3_SAFE_CLIENT_CONFIG} (destroyed by `stop()`). */
  readonly client: S3Client;
  /** Closes client and server and deletes the temporary directory. */
  stop(): Promise<void>;
}

/** Builds an S3 client for a local endpoint with the safe settings. */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    ...S3_SAFE_CLIENT_CONFIG,
  });
}

/** Starts s3rver on a fresh temporary directory with the given buckets. */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'fairlisten-s3-'));
  const s3rver = new S3rver({
    address: LOOPBACK,
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  try {
    await s3rver.run();
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const server = s3rver.httpServer!;
  const endpoint = endpointOf(server);
  const client = localS3Client(endpoint);
  return {
    endpoint,
    directory,
    client,
    stop: stopper(client, server, () => rm(directory, { recursive: true, force: true })),
  };
}

/**
 * Environment for code that builds its own S3 clients. The SDK reads `AWS_ENDPOINT_URL_S3`; the
 * checksum settings are read from `AWS_REQUEST_CHECKSUM_CALCULATION` /
 * `AWS_RESPONSE_CHECKSUM_VALIDATION`. Path-style addressing has no env var: such code must set
 * `forcePathStyle: true` itself.
 */
export function s3Env(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    ...baseAwsEnv(),
  };
}
