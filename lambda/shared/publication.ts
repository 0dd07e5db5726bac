/**
 * Writing the publication (lambda/core/publication.ts) to the audit bucket: every object is put
 * once, with `If-None-Match: *` (the bucket policy refuses a put under `published/` without it),
 * so S3 itself refuses an overwrite. Putting an identical body again is a no-op (a run that
 * stopped half-way is redone); a different body at a published key is an error, never retried.
 */
import { createHash } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  HEAD_SIGNATURE_ALGORITHM,
  type HeadsObject,
  headsKey,
  headsSigningPayload,
  type PublishedHead,
  pemFromSpki,
  publicKeyFingerprint,
  publicKeyKey,
  publishedJson,
} from '../core/publication';

/** A published key already holds a different body: somebody published first, or the input changed. */
export class PublicationConflictError extends Error {
  override readonly name = 'PublicationConflictError';
  constructor(readonly key: string) {
    super(`${key} is already published with a different content; a published object is never replaced`);
  }
}

export interface Publisher {
  /**
   * Writes `body` at `key` unless the key exists: `{ created: true }`, or `{ created: false,
   * existing }` with the body already published there (the caller decides whether it is the same).
   */
  putOnce(key: string, body: string, contentType?: string): Promise<PutOnceResult>;
  readonly location: string;
}

export type PutOnceResult =
  | { readonly created: true }
  | { readonly created: false; readonly existing: string };

/**
 * Publishes `body` at `key`; an object already there is accepted when `same(existing)` (a run that
 * stopped half-way and is redone), and is a {@link PublicationConflictError} otherwise.
 */
export async function publishOnce(
  publisher: Publisher,
  key: string,
  body: string,
  same: (existing: string) => boolean = (existing) => existing === body,
  contentType?: string,
): Promise<string> {
  const result = await publisher.putOnce(key, body, contentType);
  if (result.created) return body;
  if (!same(result.existing)) throw new PublicationConflictError(key);
  return result.existing;
}

const statusOf = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/** The audit bucket as a publisher. */
export function s3Publisher(s3: S3Client, bucket: string): Publisher {
  return {
    location: `s3://${bucket}`,
    async putOnce(key, body, contentType = 'application/json; charset=utf-8') {
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            IfNoneMatch: '*',
            // Object Lock (default retention) requires an integrity checksum on every upload.
            ChecksumAlgorithm: 'SHA256',
          }),
        );
        return { created: true };
      } catch (err) {
        // 412: the key exists. 409: a concurrent conditional write is in flight; read it either way.
        const status = statusOf(err);
        if (status !== 412 && status !== 409) throw err;
      }
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { created: false, existing: await out.Body!.transformToString('utf8') };
    },
  };
}

/** Signs heads: KMS in the cloud, a node:crypto key pair locally. */
export interface HeadSigner {
  /** PEM SubjectPublicKeyInfo of the verifying key. */
  publicKeyPem(): Promise<string>;
  /** DER ECDSA P-256 signature of SHA-256(payload). */
  sign(payload: Uint8Array): Promise<Uint8Array>;
}

/** The KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY) that only the exporter may use. */
export function kmsHeadSigner(kms: KMSClient, keyId: string): HeadSigner {
  let pem: Promise<string> | undefined;
  return {
    publicKeyPem() {
      pem ??= kms.send(new GetPublicKeyCommand({ KeyId: keyId })).then((out) => {
        if (!out.PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
        return pemFromSpki(out.PublicKey);
      });
      return pem;
    },
    async sign(payload) {
      const out = await kms.send(
        new SignCommand({
          KeyId: keyId,
          // The digest, not the message: RAW is limited to 4 KB and a heads object of many chains is larger.
          Message: createHash('sha256').update(payload).digest(),
          MessageType: 'DIGEST',
          SigningAlgorithm: HEAD_SIGNATURE_ALGORITHM,
        }),
      );
      if (!out.Signature) throw new Error(`KMS returned no signature for ${keyId}`);
      return out.Signature;
    },
  };
}

/**
 * Publishes the public key (once) and one signed heads object for this export run. Returns the
 * heads object's key.
 */
export async function publishHeads(
  publisher: Publisher,
  signer: HeadSigner,
  exportedAt: Date,
  chains: readonly PublishedHead[],
): Promise<{ key: string; heads: HeadsObject }> {
  const pem = await signer.publicKeyPem();
  const key = publicKeyFingerprint(pem);
  await publishOnce(publisher, publicKeyKey(key), pem, undefined, 'application/x-pem-file');
  const unsigned = {
    exportedAt: exportedAt.toISOString(),
    key,
    algorithm: HEAD_SIGNATURE_ALGORITHM,
    chains: [...chains].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0)),
  } as const;
  const signature = Buffer.from(await signer.sign(headsSigningPayload(unsigned))).toString('base64');
  const heads: HeadsObject = { ...unsigned, signature };
  const objectKey = headsKey(heads.exportedAt);
  await publishOnce(publisher, objectKey, publishedJson(heads));
  return { key: objectKey, heads };
}
