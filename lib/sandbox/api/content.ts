// Content (flows, checklists, launchers) and content versions: read-only, as in Userflow's API.

import { invalidParams, notFound } from '../api-error.ts';
import type { ContentVersionRecord } from '../records.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './context.ts';
import { listResponse, parseExpandParam } from './list.ts';

export function getContent(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const expand = parseExpandParam(ctx, request, 'content');
  const id = request.params.id as string;
  const record = ctx.store.content.get(id);
  if (!record) throw notFound(ctx.flags.errorCodes.notFound, 'Content', id);
  return { status: 200, body: ctx.render.content(record, expand) };
}

export function listContent(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const type = request.query.one('type');
  return listResponse(
    ctx,
    request,
    {
      kind: 'Content',
      root: 'content',
      table: ctx.store.content,
      orderKeys: { created_at: (c) => c.created_at, name: (c) => c.name },
      filters: ['type'],
      render: (c, expand) => ctx.render.content(c, expand),
    },
    { filter: type === undefined ? undefined : (c) => c.type === type },
  );
}

export function getContentVersion(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const expand = parseExpandParam(ctx, request, 'content_version');
  const id = request.params.id as string;
  const record = ctx.store.versions.get(id);
  if (!record) throw notFound(ctx.flags.errorCodes.notFound, 'Content version', id);
  return { status: 200, body: ctx.render.contentVersion(record, expand) };
}

export function listContentVersions(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { store, flags } = ctx;
  const contentId = request.query.one('content_id');
  if (contentId === undefined && flags.contentVersionsRequireContentId) {
    throw invalidParams('content_id', 'is required');
  }
  const candidates =
    contentId === undefined
      ? undefined
      : [...store.versionsOfContent.get(contentId)]
          .map((id) => store.versions.get(id))
          .filter((v): v is ContentVersionRecord => v !== undefined);
  return listResponse(
    ctx,
    request,
    {
      kind: 'Content version',
      root: 'content_version',
      table: store.versions,
      orderKeys: { created_at: (v) => v.created_at, number: (v) => v.number },
      filters: ['content_id'],
      render: (v, expand) => ctx.render.contentVersion(v, expand),
    },
    { candidates },
  );
}
