/**
 * The local stand-in for the exporter's KMS signing key: a node:crypto ECDSA P-256 key pair. It
 * signs exactly as KMS `Sign` (ECDSA_SHA_256, DER) does, so `audit verify` checks the local
 * month's heads with the same code that checks a deployment's.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { HeadSigner } from '../../lambda/shared/publication';

export function localHeadSigner(privateKey?: KeyObject): HeadSigner & { readonly privateKey: KeyObject } {
  const key = privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return {
    privateKey: key,
    async publicKeyPem() {
      return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    },
    async sign(payload) {
      return sign('sha256', payload, { key, dsaEncoding: 'der' });
    },
  };
}
