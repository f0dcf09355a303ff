// Users: create-or-update (with groups or memberships, pruning), get, delete with cascade, list with filters.

import { invalidParams, notFound } from '../api-error.ts';
import { type AttributeChangeResult, applyAttributeChanges } from '../attributes.ts';
import type { Attributes, UserRecord } from '../records.ts';
import { type Body, objectBody, optionalArray, optionalBoolean, requiredId } from './body.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './context.ts';
import { listResponse, parseExpandParam } from './list.ts';
import { attributeOptions, deletedResponse, writeResponse } from './responses.ts';

const USER_FIELDS = ['id', 'attributes', 'groups', 'memberships', 'prune_memberships'];

/** One group named in the request, from either `groups[i]` or `memberships[i].group`. */
interface GroupEntry {
  groupId: string;
  groupAttributes: unknown;
  groupParam: string;
  /** Only the `memberships` form carries membership attributes. */
  membershipAttributes?: unknown;
  membershipParam?: string;
}

export function upsertUser(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { store, flags } = ctx;
  const body = objectBody(request.body, USER_FIELDS, flags);
  const id = requiredId(body.id, 'id');
  const groups = optionalArray(body.groups, 'groups');
  const memberships = optionalArray(body.memberships, 'memberships');
  if (groups && memberships)
    throw invalidParams('memberships', 'cannot be combined with groups; send one of them');
  const prune = optionalBoolean(body.prune_memberships, 'prune_memberships') ?? false;
  // Pruning against no list would drop every membership: strict refuses rather than guess what was meant.
  if (prune && flags.pruneNeedsList && !groups && !memberships) {
    throw invalidParams('prune_memberships', 'needs the full groups or memberships list in the same request');
  }
  const entries = groups
    ? groups.map((entry, i) => groupEntry(ctx, entry, i))
    : (memberships ?? []).map((entry, i) => membershipEntry(ctx, entry, i));

  // Work everything out before touching the store, so a 400 anywhere leaves no partial write.
  const user = applyAttributeChanges(
    store.users.get(id)?.attributes ?? {},
    body.attributes,
    attributeOptions(flags, 'attributes'),
  );
  const groupResults = new Map<string, AttributeChangeResult>();
  const membershipResults = new Map<string, AttributeChangeResult>();
  for (const entry of entries) {
    const before = groupResults.get(entry.groupId);
    const result = applyAttributeChanges(
      before?.attributes ?? store.groups.get(entry.groupId)?.attributes ?? {},
      entry.groupAttributes,
      attributeOptions(flags, entry.groupParam),
    );
    groupResults.set(entry.groupId, {
      attributes: result.attributes,
      writes: [...(before?.writes ?? []), ...result.writes],
    });
    const membershipBefore = membershipResults.get(entry.groupId);
    const current = membershipBefore?.attributes ?? store.getMembership(id, entry.groupId)?.attributes ?? {};
    const membership = entry.membershipParam
      ? applyAttributeChanges(
          current,
          entry.membershipAttributes,
          attributeOptions(flags, entry.membershipParam),
        )
      : { attributes: current, writes: [] };
    membershipResults.set(entry.groupId, {
      attributes: membership.attributes,
      writes: [...(membershipBefore?.writes ?? []), ...membership.writes],
    });
  }

  const record = store.putUser(id, user.attributes);
  store.definitions.recordAttributes('user', user.writes);
  for (const [groupId, result] of groupResults) {
    store.putGroup(groupId, result.attributes);
    store.definitions.recordAttributes('group', result.writes);
  }
  for (const [groupId, result] of membershipResults) {
    store.putMembership(id, groupId, result.attributes);
    store.definitions.recordAttributes('group_membership', result.writes);
  }
  if (prune) {
    for (const groupId of [...store.groupsOfUser.get(id)]) {
      if (!groupResults.has(groupId)) store.removeMembership(id, groupId);
    }
  }
  store.changed();
  return writeResponse(ctx, ctx.render.user(record));
}

function groupEntry(ctx: ApiContext, raw: unknown, i: number): GroupEntry {
  const param = `groups[${i}]`;
  const entry = objectBody(raw, ['id', 'attributes'], ctx.flags, param);
  return {
    groupId: requiredId(entry.id, `${param}.id`),
    groupAttributes: entry.attributes,
    groupParam: `${param}.attributes`,
  };
}

function membershipEntry(ctx: ApiContext, raw: unknown, i: number): GroupEntry {
  const param = `memberships[${i}]`;
  const entry = objectBody(raw, ['attributes', 'group'], ctx.flags, param);
  if (entry.group === undefined) throw invalidParams(`${param}.group`, 'is required');
  const group: Body = objectBody(entry.group, ['id', 'attributes'], ctx.flags, `${param}.group`);
  return {
    groupId: requiredId(group.id, `${param}.group.id`),
    groupAttributes: group.attributes,
    groupParam: `${param}.group.attributes`,
    membershipAttributes: entry.attributes,
    membershipParam: `${param}.attributes`,
  };
}

export function getUser(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const expand = parseExpandParam(ctx, request, 'user');
  const id = request.params.id as string;
  const record = ctx.store.users.get(id);
  if (!record) throw notFound(ctx.flags.errorCodes.notFound, 'User', id);
  return { status: 200, body: ctx.render.user(record, expand) };
}

export function deleteUser(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const id = request.params.id as string;
  const existed = ctx.store.deleteUser(id);
  if (existed) ctx.store.changed();
  return deletedResponse(ctx, existed, 'User', { id, object: 'user' });
}

export function listUsers(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { store, flags } = ctx;
  const email = request.query.one('email');
  const attributeFilters = flags.attributeFilters ? attributeFiltersOf(request) : [];
  const candidates =
    email === undefined
      ? undefined
      : [...store.usersByEmail.get(email.toLowerCase())]
          .map((id) => store.users.get(id))
          .filter((u): u is UserRecord => u !== undefined);
  const filter = (user: UserRecord): boolean =>
    (email === undefined || flags.emailFilterIgnoresCase || user.attributes.email === email) &&
    attributeFilters.every(([name, value]) => matchesAttribute(user.attributes, name, value));
  return listResponse(
    ctx,
    request,
    {
      kind: 'User',
      root: 'user',
      table: store.users,
      orderKeys: { created_at: (u) => u.created_at },
      filters: ['email'],
      render: (u, expand) => ctx.render.user(u, expand),
    },
    { candidates, filter },
  );
}

function attributeFiltersOf(request: ApiRequest): [string, string][] {
  return request.query
    .names()
    .filter((name) => name.startsWith('attributes.'))
    .map((name) => [name.slice('attributes.'.length), request.query.one(name) as string]);
}

function matchesAttribute(attributes: Attributes, name: string, value: string): boolean {
  const actual = attributes[name];
  if (Array.isArray(actual)) return actual.some((item) => String(item) === value);
  return actual !== undefined && actual !== null && String(actual) === value;
}
