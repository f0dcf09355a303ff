// Track event: for a user, a group or both; event attributes accept literals and `{set, data_type}` only.

import { invalidParams, notFound } from '../api-error.ts';
import { applyAttributeChanges } from '../attributes.ts';
import { STRICT_NAME } from '../flags.ts';
import { parseIsoDatetime } from '../time.ts';
import { objectBody, optionalId } from './body.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './context.ts';
import { attributeOptions, writeResponse } from './responses.ts';

export function trackEvent(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { store, flags } = ctx;
  const body = objectBody(request.body, ['name', 'user_id', 'group_id', 'attributes', 'time'], flags);
  if (body.name === undefined || body.name === null) throw invalidParams('name', 'is required');
  if (typeof body.name !== 'string' || body.name.trim() === '')
    throw invalidParams('name', 'must be a non-empty string');
  const name = body.name;
  if (flags.nameCharacters === 'strict' && !STRICT_NAME.test(name)) {
    throw invalidParams('name', 'event names may contain only letters, digits, _, - and spaces');
  }
  const userId = optionalId(body.user_id, 'user_id');
  const groupId = optionalId(body.group_id, 'group_id');
  if (userId === undefined && groupId === undefined)
    throw invalidParams('user_id', 'give user_id, group_id or both');
  const time = parseTime(body.time);
  const attributes = applyAttributeChanges(
    {},
    body.attributes,
    attributeOptions(flags, 'attributes', 'set_only'),
  );

  if (flags.eventUnknownSubject === 'reject') {
    if (userId !== undefined && !store.users.has(userId))
      throw notFound(flags.errorCodes.notFound, 'User', userId);
    if (groupId !== undefined && !store.groups.has(groupId))
      throw notFound(flags.errorCodes.notFound, 'Group', groupId);
  } else {
    if (userId !== undefined && !store.users.has(userId)) store.putUser(userId, {});
    if (groupId !== undefined && !store.groups.has(groupId)) store.putGroup(groupId, {});
  }
  const now = ctx.now();
  const record = store.addEvent({
    name,
    user_id: userId ?? null,
    group_id: groupId ?? null,
    attributes: attributes.attributes,
    time: flags.eventTimeSettable && time !== undefined ? time : now,
  });
  store.definitions.recordEventName(name);
  store.definitions.recordAttributes('event', attributes.writes);
  store.changed();
  return writeResponse(ctx, ctx.render.event(record));
}

function parseTime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseIsoDatetime(value) : undefined;
  if (ms === undefined) throw invalidParams('time', 'must be an ISO 8601 datetime');
  return ms;
}
