// The diff of one entity against what the last successful sync sent: created, updated (which attributes), or same.
import type { AttributeLiteral } from '../commands/index.ts';
import type { MappedEntity } from './entity.ts';
import { entityHash, type Fingerprint, fingerprint } from './fingerprint.ts';

export interface StoredEntity {
  hash: string;
  attributes: Fingerprint;
}

export type EntityDiff =
  | { change: 'unchanged'; next: StoredEntity }
  | { change: 'created' | 'updated'; attributes: Record<string, AttributeLiteral>; next: StoredEntity };

export function diffEntity(entity: MappedEntity, previous: StoredEntity | undefined): EntityDiff {
  const print = fingerprint(entity.attributes);
  const next = { hash: entityHash(print), attributes: print };
  if (!previous) return { change: 'created', attributes: entity.attributes, next };
  if (previous.hash === next.hash) return { change: 'unchanged', next };
  const changed: Record<string, AttributeLiteral> = {};
  for (const [name, hash] of Object.entries(print)) {
    if (previous.attributes[name] !== hash) changed[name] = entity.attributes[name] as AttributeLiteral;
  }
  // Only attributes that left the query changed: nothing to send (Userflow keeps what it has), but remember.
  if (Object.keys(changed).length === 0) return { change: 'unchanged', next };
  return { change: 'updated', attributes: changed, next };
}
