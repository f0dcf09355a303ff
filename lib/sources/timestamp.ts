// Parsing a sender's timestamp and bounding its distance from our clock, in both directions.
import { ConfigError } from '../errors.ts';
import { SignatureError } from './errors.ts';
import type { VerifyScheme } from './verify-config.ts';

export type TimestampUnit = 'seconds' | 'milliseconds';

const DIGITS = /^\d{1,16}$/;

/** A non-negative integer timestamp written in decimal digits only (no sign, fraction or exponent). */
export function parseTimestamp(scheme: VerifyScheme, text: string, what: string): number {
  const value = DIGITS.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new SignatureError(scheme, 'malformed_header', `${what} is not an integer timestamp`);
  }
  return value;
}

/**
 * Rejects a timestamp more than `toleranceSeconds` behind (`stale_timestamp`) or ahead of (`future_timestamp`)
 * `now`. Exactly at the tolerance passes, as in stripe-node and the Standard Webhooks libraries. The
 * tolerance is required: a missing or non-positive one is a configuration error, never "no check".
 */
export function checkTimestamp(
  scheme: VerifyScheme,
  timestamp: number,
  unit: TimestampUnit,
  now: Date,
  toleranceSeconds: number,
): void {
  if (!(Number.isFinite(toleranceSeconds) && toleranceSeconds > 0)) {
    throw new ConfigError(`${scheme}: the timestamp tolerance must be a positive number of seconds`);
  }
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new TypeError('verify needs a valid `now`');
  // Second-resolution schemes compare whole seconds, as their senders' libraries do.
  const current = unit === 'seconds' ? Math.floor(nowMs / 1000) : nowMs;
  const tolerance = unit === 'seconds' ? toleranceSeconds : toleranceSeconds * 1000;
  const age = current - timestamp;
  const ageSeconds = Math.round(Math.abs(unit === 'seconds' ? age : age / 1000));
  if (age > tolerance) {
    throw new SignatureError(
      scheme,
      'stale_timestamp',
      `timestamp is ${ageSeconds} s old, beyond the ${toleranceSeconds} s tolerance`,
    );
  }
  if (-age > tolerance) {
    throw new SignatureError(
      scheme,
      'future_timestamp',
      `timestamp is ${ageSeconds} s ahead of our clock, beyond the ${toleranceSeconds} s tolerance`,
    );
  }
}
