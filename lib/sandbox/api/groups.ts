// Groups (companies): create-or-update, get, delete with cascade, list; and removing a user from a group.

import { notFound } from '../api-error.ts';
import { applyAttributeChanges, isPlainObject } from '../attributes.ts';
import { objectBody, requiredId } from './body.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './context.ts';
import { listResponse, parseExpandParam } from './list.ts';
import { attributeOptions, deletedResponse, writeResponse } from './responses.ts';

export function upsertGroup(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { store, flags } = ctx;
  const body = objectBody(request.body, ['id', 'attributes'], flags);
  const id = requiredId(body.id, 'id');
  const result = applyAttributeChanges(
    store.groups.get(id)?.attributes ?? {},
    body.attributes,
    attributeOptions(flags, 'attributes'),
  );
  const record = store.putGroup(id, result.attributes);
  store.definitions.recordAttributes('group', result.writes);
  store.changed();
  return writeResponse(ctx, ctx.render.group(record));
}

export function getGroup(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const expand = parseExpandParam(ctx, request, 'group');
  const id = request.params.id as string;
  const record = ctx.store.groups.get(id);
  if (!record) throw notFound(ctx.flags.errorCodes.notFound, 'Group', id);
  return { status: 200, body: ctx.render.group(record, expand) };
}

export function deleteGroup(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const id = request.params.id as string;
  const existed = ctx.store.deleteGroup(id);
  if (existed) ctx.store.changed();
  return deletedResponse(ctx, existed, 'Group', { id, object: 'group' });
}

export function listGroups(ctx: ApiContext, request: ApiRequest): ApiResponse {
  return listResponse(ctx, request, {
    kind: 'Group',
    root: 'group',
    table: ctx.store.groups,
    orderKeys: { created_at: (g) => g.created_at },
    filters: [],
    render: (g, expand) => ctx.render.group(g, expand),
  });
}

/** `DELETE /group_memberships?user_id=…&group_id=…`: succeeds even when the user was not a member. */
export function removeMembership(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { flags } = ctx;
  const from = flags.membershipDeleteParams;
  const body = isPlainObject(request.body) ? request.body : {};
  const pick = (name: string): unknown => {
    const inQuery = from === 'body' ? undefined : request.query.one(name);
    return inQuery ?? (from === 'query' ? undefined : body[name]);
  };
  const userId = requiredId(pick('user_id'), 'user_id');
  const groupId = requiredId(pick('group_id'), 'group_id');
  const existed = ctx.store.removeMembership(userId, groupId);
  if (existed) ctx.store.changed();
  return deletedResponse(ctx, existed, 'Group membership', {
    object: 'group_membership',
    user_id: userId,
    group_id: groupId,
  });
}
