// Change detection: one hash per entity for the common "nothing changed" case, and a short hash per attribute,
// computed only for entities that did change, so a diff can name exactly which attributes changed.
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

/**
 * One hash of the whole entity. Attribute order is the query's column order, stable from run to run; if the query
 * is edited and the order changes, the hash differs once and the per-attribute comparison finds nothing to send.
 */
export function entityHash(attributes: Readonly<Record<string, AttributeLiteral>>): string {
  return createHash('sha1').update(JSON.stringify(attributes)).digest('base64url').slice(0, 16);
}

/**
 * The hash of a database row as read, under a mapping signature: equal rows under an equal mapping need no
 * mapping at all, which is most rows of most runs. Rows JSON cannot hold (a BigInt from a custom type parser)
 * fall back to the mapped attributes.
 */
export function rowHash(
  signature: string,
  row: Readonly<Record<string, unknown>>,
  mapped: () => object,
): string {
  let text: string;
  try {
    text = JSON.stringify(row);
  } catch {
    text = JSON.stringify(mapped());
  }
  return createHash('sha1').update(signature).update(text).digest('base64url').slice(0, 16);
}
