import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  headsKey,
  headsObjectSchema,
  headsSignatureValid,
  publicKeyFingerprint,
  publicKeyKey,
} from '../../../lambda/core/publication';
import {
  kmsHeadSigner,
  PublicationConflictError,
  publishHeads,
  publishOnce,
  s3Publisher,
} from '../../../lambda/shared/publication';
import { localHeadSigner } from '../../../lib/local/head-signer';
import { VersionedS3 } from '../../../lib/local/versioned-s3';

const at = (iso: string) => new Date(iso);

describe('the write-once publication on the versioned S3 stand-in', () => {
  it('refuses to overwrite: a second put under If-None-Match leaves one version, with its creation time', async () => {
    let now = at('2026-09-30T00:15:00.000Z');
    const s3 = new VersionedS3('audit', { clock: () => now });
    const p = s3Publisher(s3.client, 'audit');
    expect(await p.putOnce('published/x.json', 'first')).toEqual({ created: true });
    now = at('2026-10-05T00:00:00.000Z');
    expect(await p.putOnce('published/x.json', 'second')).toEqual({ created: false, existing: 'first' });
    expect(
      s3.versions('published/x.json').map((v) => [v.body.toString(), v.createdAt.toISOString()]),
    ).toEqual([['first', '2026-09-30T00:15:00.000Z']]);
    // publishOnce: the same body again is a no-op, another body an error.
    await expect(publishOnce(p, 'published/x.json', 'first')).resolves.toBe('first');
    await expect(publishOnce(p, 'published/x.json', 'other')).rejects.toBeInstanceOf(
      PublicationConflictError,
    );
  });

  it('publishes the key once and one signed heads object per run; a changed head no longer verifies', async () => {
    const s3 = new VersionedS3('audit', { clock: () => at('2026-11-01T10:00:00.000Z') });
    const p = s3Publisher(s3.client, 'audit');
    const signer = localHeadSigner();
    const head = { chain: 'decisions/2026-10', seq: 3, hash: 'a'.repeat(64), at: '2026-10-31T10:00:00.000Z' };
    const one = await publishHeads(p, signer, at('2026-11-01T10:00:00.000Z'), [head]);
    await publishHeads(p, signer, at('2026-11-01T11:00:00.000Z'), [head]);
    const pem = await signer.publicKeyPem();
    expect(one.key).toBe(headsKey('2026-11-01T10:00:00.000Z'));
    expect(s3.versions(publicKeyKey(publicKeyFingerprint(pem)))).toHaveLength(1);
    const stored = headsObjectSchema.parse(JSON.parse(s3.versions(one.key)[0]!.body.toString()));
    expect(headsSignatureValid(stored, pem)).toBe(true);
    expect(headsSignatureValid({ ...stored, chains: [{ ...head, seq: 2 }] }, pem)).toBe(false);
    const other = localHeadSigner();
    expect(headsSignatureValid(stored, await other.publicKeyPem())).toBe(false);
    // Garbage in (a key that is not PEM, a signature that is not DER) is an invalid signature, never a throw.
    expect(headsSignatureValid(stored, 'not a key')).toBe(false);
    expect(headsSignatureValid({ ...stored, signature: 'AAAA' }, pem)).toBe(false);
  });
});

describe('kmsHeadSigner', () => {
  it('signs the SHA-256 digest with ECDSA_SHA_256 and turns the DER public key into PEM', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const kms = new KMSClient({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const mock = mockClient(kms);
    const payloads: Buffer[] = [];
    mock.on(GetPublicKeyCommand).resolves({ PublicKey: new Uint8Array(spki) });
    mock.on(SignCommand).callsFake((input: { Message: Uint8Array }) => {
      payloads.push(Buffer.from(input.Message));
      return { Signature: new Uint8Array(sign('sha256', pending!, { key: privateKey, dsaEncoding: 'der' })) };
    });
    let pending: Uint8Array | undefined;
    const signer = kmsHeadSigner(kms, 'alias/heads');
    const s3 = new VersionedS3('audit');
    const wrapped = {
      publicKeyPem: () => signer.publicKeyPem(),
      sign: (payload: Uint8Array) => {
        pending = payload;
        return signer.sign(payload);
      },
    };
    const { heads } = await publishHeads(
      s3Publisher(s3.client, 'audit'),
      wrapped,
      at('2026-11-01T10:00:00.000Z'),
      [{ chain: 'seeds', seq: 1, hash: 'b'.repeat(64), at: '2026-10-01T00:00:00.000Z' }],
    );
    const call = mock.commandCalls(SignCommand)[0]!.args[0].input;
    expect(call).toMatchObject({
      KeyId: 'alias/heads',
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(payloads[0]).toEqual(createHash('sha256').update(pending!).digest());
    expect(headsSignatureValid(heads, await signer.publicKeyPem())).toBe(true);
  });
});
