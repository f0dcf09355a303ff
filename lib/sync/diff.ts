// The diff of one entity against what the last successful sync sent: created, updated (which attributes), or same.
import type { AttributeLiteral } from '../commands/index.ts';
import type { MappedEntity } from './entity.ts';
import { entityHash, type Fingerprint, fingerprint } from './fingerprint.ts';

export interface StoredEntity {
  hash: string;
  attributes: Fingerprint;
}

/** What the state store returns: the per-attribute fingerprint is decoded only when the entity hash differs. */
export interface PreviousEntity {
  hash: string;
  attributes(): Fingerprint;
}

export type EntityDiff =
  | { change: 'unchanged'; hash: string; next?: StoredEntity }
  | {
      change: 'created' | 'updated';
      attributes: Record<string, AttributeLiteral>;
      hash: string;
      next: StoredEntity;
    };

/**
 * `next` is what to store: absent when nothing changed at all (the stored state is still right), present when
 * the entity hash moved, even if no attribute value did (e.g. columns reordered), so the fast path works again.
 */
export function diffEntity(
  entity: MappedEntity,
  previous: PreviousEntity | undefined,
  hash = entityHash(entity.attributes),
): EntityDiff {
  if (previous?.hash === hash) return { change: 'unchanged', hash };
  const print = fingerprint(entity.attributes);
  const next = { hash, attributes: print };
  if (!previous) return { change: 'created', attributes: entity.attributes, hash, next };
  const before = previous.attributes();
  const changed: Record<string, AttributeLiteral> = {};
  for (const [name, attributeHash] of Object.entries(print)) {
    if (before[name] !== attributeHash) changed[name] = entity.attributes[name] as AttributeLiteral;
  }
  // Only attributes that left the query changed: nothing to send (Userflow keeps what it has), but remember.
  if (Object.keys(changed).length === 0) return { change: 'unchanged', hash, next };
  return { change: 'updated', attributes: changed, hash, next };
}
