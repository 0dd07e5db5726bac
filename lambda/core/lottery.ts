/**
 * The published lottery (step 4 of the algorithm).
 *
 *   h = HMAC-SHA256(key = seed(period) as 32 raw bytes, message = UTF-8 of the draw key)
 *   x = first 8 bytes of h, unsigned big-endian (a 64-bit integer)
 *   u = floor(x / 2^11) / 2^53
 *
 * The draw key is the InitialContactId, or the ContactId when there is none, so every leg of a
 * transferred call gets the same u. `x >> 11n` keeps the top 53 bits, which a double holds exactly,
 * and dividing by 2^53 only changes the exponent: u is exact, reproducible in any language with
 * IEEE-754 doubles, and lies in [0, 1 − 2^-53].
 *
 * Before a period starts its seed's commitment SHA-256(seed) is published; after it ends the seed is
 * revealed, so anyone can recompute every draw (`fairlisten verify`).
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM_VERSION = 'fairlisten-lottery-v1';
export const SEED_BYTES = 32;
/** Longest draw key accepted (a Connect contact id is 36 characters). */
export const MAX_DRAW_KEY_LENGTH = 256;

export class LotteryError extends Error {
  override readonly name = 'LotteryError';
}

const HEX64 = /^[0-9a-f]{64}$/;

function assertSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) {
    throw new LotteryError(`a seed must be ${SEED_BYTES} bytes`);
  }
}

/** Parses a seed from 64 lowercase hex characters (the form seeds are revealed in). */
export function seedFromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !HEX64.test(hex)) {
    throw new LotteryError('a seed must be 64 lowercase hex characters (32 bytes)');
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function seedToHex(seed: Uint8Array): string {
  assertSeed(seed);
  return Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength).toString('hex');
}

export function isCommitment(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

/** The published commitment of a seed: SHA-256 of its 32 raw bytes, lowercase hex. */
export function commitment(seed: Uint8Array): string {
  assertSeed(seed);
  return createHash('sha256').update(seed).digest('hex');
}

/** The 32-byte HMAC-SHA256 of the draw key under the seed (exposed for tests and audits). */
export function drawMac(seed: Uint8Array, drawKey: string): Buffer {
  assertSeed(seed);
  if (typeof drawKey !== 'string' || drawKey.length === 0 || drawKey.length > MAX_DRAW_KEY_LENGTH) {
    throw new LotteryError(
      `a draw key must be a non-empty string of at most ${MAX_DRAW_KEY_LENGTH} characters`,
    );
  }
  return createHmac('sha256', seed).update(drawKey, 'utf8').digest();
}

/** Maps an HMAC output to u = floor(x / 2^11) / 2^53 where x = its first 8 bytes, big-endian. */
export function uniformFromMac(mac: Uint8Array): number {
  if (mac.length < 8) throw new LotteryError('a MAC must have at least 8 bytes');
  const view = new DataView(mac.buffer, mac.byteOffset, mac.byteLength);
  const x = view.getBigUint64(0, false);
  return Number(x >> 11n) / 2 ** 53;
}

/**
 * Reference implementation of step 4, literally: node:crypto HMAC-SHA256, then BigInt.
 * `draw` must return exactly this for every seed and key (a property test checks it).
 */
export function drawReference(seed: Uint8Array, drawKey: string): number {
  return uniformFromMac(drawMac(seed, drawKey));
}

/*
 * Fast path. A node:crypto createHmac per decision costs ~4 µs (object creation and native call
 * overhead dominate for a 36-byte message), which caps the sampler near 200k decisions/s per core.
 * HMAC is defined as H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)); with a 32-byte key, K ⊕ ipad and K ⊕ opad
 * are exactly one 64-byte SHA-256 block each, so their compressed states are computed once per seed.
 * A draw then costs two SHA-256 compressions for any message up to 55 bytes. This is the standard
 * HMAC construction (RFC 2104, FIPS 198-1), written out; the result is bit-identical to
 * `drawReference` (tested against node:crypto and openssl).
 */
const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV256 = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const W = new Int32Array(64);

// Stryker disable all: FIPS 180-4 compression; any change breaks every known-answer vector, and its
// hundreds of mutants would double the module's mutation run.
/** One SHA-256 compression of the 16 big-endian words in W[0..15] into `state` (in place). */
function compress(state: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K256[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

// Stryker restore all

interface KeyedStates {
  seed: Uint8Array;
  inner: Int32Array;
  outer: Int32Array;
}
let lastKeyed: KeyedStates | undefined;

function keyedStates(seed: Uint8Array): KeyedStates {
  const last = lastKeyed;
  if (last) {
    let same = true;
    for (let i = 0; i < SEED_BYTES; i++) {
      if (last.seed[i] !== seed[i]) {
        same = false;
        break;
      }
    }
    if (same) return last;
  }
  const padded = (pad: number): Int32Array => {
    const state = IV256.slice();
    for (let i = 0; i < 16; i++) {
      let word = 0;
      for (let j = 0; j < 4; j++) word = (word << 8) | (((seed[i * 4 + j] ?? 0) ^ pad) & 0xff);
      W[i] = word;
    }
    compress(state);
    return state;
  };
  const next = { seed: seed.slice(), inner: padded(0x36), outer: padded(0x5c) };
  lastKeyed = next;
  return next;
}

const work = new Int32Array(8);

/**
 * HMAC-SHA256(seed, msg[0..len)) into `work` (the 8 big-endian words of the MAC). Allocation-free:
 * a draw runs hundreds of thousands of times a second.
 */
function hmacInto(seed: Uint8Array, msg: Uint8Array, len: number): void {
  const { inner, outer } = keyedStates(seed);
  work.set(inner);
  // Inner hash: the key block is already absorbed; absorb msg then the padding (bit length 512 + 8·len).
  const total = len + 9; // msg, 0x80, 8-byte length
  const blocks = Math.ceil(total / 64);
  for (let blk = 0; blk < blocks; blk++) {
    for (let i = 0; i < 16; i++) {
      let word = 0;
      for (let j = 0; j < 4; j++) {
        const p = blk * 64 + i * 4 + j;
        const byte = p < len ? msg[p]! : p === len ? 0x80 : 0;
        word = (word << 8) | byte;
      }
      W[i] = word;
    }
    if (blk === blocks - 1) {
      const bits = (64 + len) * 8; // < 2^32 for any accepted key
      W[14] = 0;
      W[15] = bits | 0;
    }
    compress(work);
  }
  // Outer hash: absorb the 32-byte inner digest then padding (bit length 512 + 256 = 768).
  for (let i = 0; i < 8; i++) W[i] = work[i]!;
  W[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) W[i] = 0;
  W[15] = 768;
  work.set(outer);
  compress(work);
}

const encoder = new TextEncoder();
const asciiBuf = new Uint8Array(MAX_DRAW_KEY_LENGTH);

/** UTF-8 bytes of the key: ASCII (every Connect id) is copied into a reused buffer, the rest encoded. */
function utf8(drawKey: string): Uint8Array {
  const n = drawKey.length;
  for (let i = 0; i < n; i++) {
    const c = drawKey.charCodeAt(i);
    // Stryker disable next-line EqualityOperator: the ASCII copy is a shortcut; TextEncoder gives the same bytes for any c
    if (c > 0x7f) return encoder.encode(drawKey);
    asciiBuf[i] = c;
  }
  return asciiBuf;
}

function utf8Length(drawKey: string, bytes: Uint8Array): number {
  return bytes === asciiBuf ? drawKey.length : bytes.length;
}

/**
 * The draw u in [0, 1) of `drawKey` under `seed` (step 4). With x = hi·2^32 + lo (the first 8 bytes
 * of the MAC), x >> 11 = hi·2^21 + (lo >>> 11) < 2^53: the same integer `drawReference` gets from
 * BigInt, formed exactly in a double.
 */
export function draw(seed: Uint8Array, drawKey: string): number {
  assertSeed(seed);
  if (typeof drawKey !== 'string' || drawKey.length === 0 || drawKey.length > MAX_DRAW_KEY_LENGTH) {
    throw new LotteryError(
      `a draw key must be a non-empty string of at most ${MAX_DRAW_KEY_LENGTH} characters`,
    );
  }
  const bytes = utf8(drawKey);
  hmacInto(seed, bytes, utf8Length(drawKey, bytes));
  const hi = work[0]! >>> 0;
  const lo = work[1]! >>> 0;
  return (hi * 2 ** 21 + (lo >>> 11)) / 2 ** 53;
}
