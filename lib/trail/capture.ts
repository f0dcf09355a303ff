// What of a request the trail may keep: headers without credentials, the body within a size limit.
// Pure: no I/O, so ingest's hook and the tests share it.
import { createHash } from 'node:crypto';
import type { TrailBody } from './types.ts';

export const DEFAULT_TRAIL_BODY_LIMIT_BYTES = 256 * 1024;
export const DEFAULT_TRAIL_RETENTION_DAYS = 30;

/**
 * Header names (lower case) matching any of these are dropped: every scheme's signature header
 * (`stripe-signature`, `x-hubspot-signature-v3`, `webhook-signature`, `paddle-signature`, `x-hub-signature-256`),
 * credentials (`authorization`, `proxy-authorization`, `x-api-key`) and cookies. A pattern rather than a list,
 * so a new source's signature header is dropped without anyone remembering to add it here.
 */
const SECRET_HEADER = /signature|authorization|cookie|api[-_]?key|token|secret/i;

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name)) kept[name.toLowerCase()] = value;
  }
  return kept;
}

export interface BodyOptions {
  limitBytes: number;
  /** A rule file's `trail: { store_body: false }`. */
  storeBody: boolean;
  /**
   * The body already decoded (ingest decodes it to parse it): kept rather than decoded again. Its decoder drops
   * a leading byte-order mark, which JSON.parse, and so a replay, could not read anyway.
   */
  text?: string;
}

export function captureBody(raw: Uint8Array, options: BodyOptions): TrailBody {
  const size = raw.byteLength;
  if (options.storeBody && size <= options.limitBytes) {
    // A view, not a copy: Buffer.from(Uint8Array) copies the bytes one by one.
    const text = options.text ?? Buffer.from(raw.buffer, raw.byteOffset, size).toString('utf8');
    return { stored: true, size, text };
  }
  // The digest still lets an operator prove which body arrived, without keeping it.
  return {
    stored: false,
    size,
    sha256: createHash('sha256').update(raw).digest('hex'),
    reason: options.storeBody ? 'too_large' : 'disabled',
  };
}

/** For requests refused before the body was read (unknown source, wrong content type). */
export const UNREAD_BODY: TrailBody = { stored: false, size: 0, sha256: '', reason: 'not_read' };

export function expiresAt(from: Date, retentionDays: number): number {
  return Math.floor(from.getTime() / 1000) + retentionDays * 24 * 3600;
}
