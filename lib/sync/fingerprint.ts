// Change detection: a short hash per attribute, so a diff can name exactly which attributes changed.
import { createHash } from 'node:crypto';
import type { AttributeLiteral } from '../commands/index.ts';

/** What the state store keeps per entity: one hash per attribute (never the values themselves). */
export type Fingerprint = Record<string, string>;

export function fingerprint(attributes: Readonly<Record<string, AttributeLiteral>>): Fingerprint {
  const out: Fingerprint = {};
  for (const [name, value] of Object.entries(attributes)) {
    // 12 base64url chars = 72 bits: collisions between two values of one attribute are not a practical concern.
    out[name] = createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 12);
  }
  return out;
}

/** One hash for the whole entity, order-independent, for the "unchanged" fast path and deterministic ids. */
export function entityHash(print: Fingerprint): string {
  const hash = createHash('sha1');
  for (const name of Object.keys(print).sort())
    hash
      .update(name)
      .update('\u0000')
      .update(print[name] as string);
  return hash.digest('base64url').slice(0, 16);
}
