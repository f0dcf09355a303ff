// Content sessions: list (by content, user or group), get, and delete — the one write the API allows on content.

import { notFound } from '../api-error.ts';
import type { ContentSessionRecord } from '../records.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './context.ts';
import { listResponse, parseExpandParam } from './list.ts';
import { deletedResponse } from './responses.ts';

export function listContentSessions(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { store } = ctx;
  const { query } = request;
  const contentId = query.one('content_id');
  const userId = query.one('user_id');
  const groupId = query.one('group_id');
  // Start from the narrower index, then filter on the rest.
  const ids =
    contentId !== undefined
      ? store.sessionsOfContent.get(contentId)
      : userId !== undefined
        ? store.sessionsOfUser.get(userId)
        : undefined;
  const candidates = ids
    ? [...ids].map((id) => store.sessions.get(id)).filter((s): s is ContentSessionRecord => s !== undefined)
    : undefined;
  const filter = (s: ContentSessionRecord): boolean =>
    (contentId === undefined || s.content_id === contentId) &&
    (userId === undefined || s.user_id === userId) &&
    (groupId === undefined || s.group_id === groupId);
  return listResponse(
    ctx,
    request,
    {
      kind: 'Content session',
      root: 'content_session',
      table: store.sessions,
      orderKeys: { created_at: (s) => s.created_at, last_activity_at: (s) => s.last_activity_at },
      filters: ['content_id', 'user_id', 'group_id'],
      render: (s, expand) => ctx.render.contentSession(s, expand),
    },
    { candidates, filter },
  );
}

export function getContentSession(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const expand = parseExpandParam(ctx, request, 'content_session');
  const id = request.params.id as string;
  const record = ctx.store.sessions.get(id);
  if (!record) throw notFound(ctx.flags.errorCodes.notFound, 'Content session', id);
  return { status: 200, body: ctx.render.contentSession(record, expand) };
}

export function deleteContentSession(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const id = request.params.id as string;
  const existed = ctx.store.deleteSession(id);
  if (existed) ctx.store.changed();
  return deletedResponse(ctx, existed, 'Content session', { id, object: 'content_session' });
}
