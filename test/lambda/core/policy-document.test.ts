import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { policyDocument, sha256Hex } from '../../../lambda/core/policy-document';

describe('policyDocument', () => {
  it('is the canonical JSON of the policy (keys sorted, no spaces), named by its SHA-256 in hex', () => {
    const doc = policyDocument({ version: '2026-10', samplingRate: 0.2, excludedQueues: ['q2', 'q1'] });
    expect(doc.json).toBe('{"excludedQueues":["q2","q1"],"samplingRate":0.2,"version":"2026-10"}');
    expect(doc.sha256).toBe(createHash('sha256').update(doc.json, 'utf8').digest('hex'));
    // The same policy written in another key order is the same document.
    expect(policyDocument({ excludedQueues: ['q2', 'q1'], version: '2026-10', samplingRate: 0.2 })).toEqual(
      doc,
    );
  });

  it('sha256Hex of "abc" is the FIPS 180-2 vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
  });
});
