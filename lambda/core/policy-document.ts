/**
 * The published form of the policy the sampler enforces: its canonical JSON (RFC 8785), named by
 * its SHA-256. Every decision carries that hash, so `fairlisten verify` checks each decision
 * against the policy document published for it (`published/policies/<sha256>.json`), not against
 * a file handed over with the data. Kept free of zod: the sampler bundle imports it.
 */
import { createHash } from 'node:crypto';
import { canonicalize, type JsonObject } from './canonical-json';

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

export function policyDocument(policy: object): { json: string; sha256: string } {
  const json = canonicalize(policy as JsonObject);
  return { json, sha256: sha256Hex(json) };
}
