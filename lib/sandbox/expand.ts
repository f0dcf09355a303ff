// Parses `expand` paths (`memberships`, `memberships.group`) into a tree and checks them per object type.

import { invalidParams } from './api-error.ts';

export type ObjectKind =
  | 'user'
  | 'group'
  | 'group_membership'
  | 'event'
  | 'content'
  | 'content_version'
  | 'content_session'
  | 'leaf';

/** Which fields of each object can be expanded, and into what. */
const EXPANDABLE: Record<ObjectKind, Record<string, ObjectKind>> = {
  user: { memberships: 'group_membership', groups: 'group' },
  group: { memberships: 'group_membership', users: 'user' },
  group_membership: { group: 'group', user: 'user' },
  event: { user: 'user', group: 'group' },
  content: { draft_version: 'content_version', published_version: 'content_version' },
  content_version: { questions: 'leaf', tasks: 'leaf' },
  content_session: {
    answers: 'leaf',
    content: 'content',
    group: 'group',
    user: 'user',
    version: 'content_version',
  },
  leaf: {},
};

export interface ExpandTree {
  readonly [field: string]: ExpandTree;
}

export const NO_EXPAND: ExpandTree = Object.freeze({});

/**
 * Builds the tree for a root object kind. Unknown paths throw 400 `expand: …` unless `ignoreUnknown`,
 * in which case they are dropped.
 */
export function parseExpand(paths: readonly string[], root: ObjectKind, ignoreUnknown: boolean): ExpandTree {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const path of paths) {
    if (path === '') continue;
    let kind: ObjectKind = root;
    let node: Record<string, unknown> = tree;
    let valid = true;
    for (const field of path.split('.')) {
      const next = EXPANDABLE[kind][field];
      if (next === undefined) {
        valid = false;
        break;
      }
      node[field] ??= {};
      node = node[field] as Record<string, unknown>;
      kind = next;
    }
    if (!valid && !ignoreUnknown)
      throw invalidParams('expand', `'${path}' cannot be expanded on ${root} objects`);
  }
  return tree as ExpandTree;
}
