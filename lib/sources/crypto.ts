// HMAC over signed content given in pieces, and comparisons whose timing says nothing about the secret.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Signed content as the pieces a sender concatenates (`t`, `.`, body…), hashed without copying the body. */
export type SignedContent = readonly (string | Uint8Array)[];

export type HmacAlgorithm = 'sha256' | 'sha1';

export function hmacDigest(
  algorithm: HmacAlgorithm,
  key: string | Uint8Array,
  content: SignedContent,
): Buffer {
  const mac = createHmac(algorithm, key);
  for (const piece of content) mac.update(piece);
  return mac.digest();
}

export function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/**
 * Equality in constant time for any two values. Both sides are hashed to 32 bytes first, so
 * `timingSafeEqual` always sees equal lengths and the time taken does not reveal the length of a secret
 * token or how many leading characters of a guess were right.
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/**
 * True when any candidate equals any expected value. Every pair is compared (no early exit), so the time
 * does not depend on which secret or which of several header signatures matched.
 */
export function anyEqual(candidates: readonly string[], expected: readonly string[]): boolean {
  let matched = false;
  for (const candidate of candidates) {
    for (const value of expected) {
      // Evaluate the comparison first so `||` never skips it.
      matched = constantTimeEqual(candidate, value) || matched;
    }
  }
  return matched;
}
