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
 * What a stored row hash starts with: the mapping's signature (kind, columns, renames, types), hashed. The rest
 * is PostgreSQL's hash of the row's text (see `orderedQuery`): equal rows under an equal mapping need no mapping
 * at all, which is most rows of most runs; a changed mapping reads as changed rows, which the per-attribute diff
 * then sorts out. A hash stored by an older version never matches, so its first run re-diffs every row (and
 * sends only what really changed).
 */
export function mappingPrefix(signature: string): string {
  return createHash('sha1').update(signature).digest('base64url').slice(0, 8);
}
