// Webhook subscriptions: create, get, list, update and delete (the sandbox stores them; it sends no notifications).

import { invalidParams, notFound } from '../api-error.ts';
import type { WebhookSubscriptionRecord } from '../records.ts';
import { objectBody, optionalBoolean } from './body.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './context.ts';
import { listResponse } from './list.ts';
import { deletedResponse, writeResponse } from './responses.ts';

const API_VERSION = '2020-01-03';
const TOPICS = [
  '*',
  'user',
  'user.created',
  'user.updated',
  'group',
  'group.created',
  'group.updated',
  'event',
];

export function createWebhookSubscription(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { store } = ctx;
  const body = objectBody(request.body, ['url', 'topics', 'api_version'], ctx.flags);
  const record: WebhookSubscriptionRecord = {
    id: store.deps.newId(),
    seq: store.nextSeq(),
    created_at: ctx.now(),
    url: parseUrl(body.url),
    topics: parseTopics(body.topics),
    api_version: parseApiVersion(body.api_version),
    disabled: false,
    secret: `whsec_${store.deps.newId().replace(/-/g, '')}`,
  };
  store.webhookSubscriptions.insert(record);
  store.changed();
  return writeResponse(ctx, ctx.render.webhookSubscription(record));
}

export function getWebhookSubscription(ctx: ApiContext, request: ApiRequest): ApiResponse {
  return { status: 200, body: ctx.render.webhookSubscription(find(ctx, request.params.id as string)) };
}

export function listWebhookSubscriptions(ctx: ApiContext, request: ApiRequest): ApiResponse {
  return listResponse(ctx, request, {
    kind: 'Webhook subscription',
    root: 'leaf',
    table: ctx.store.webhookSubscriptions,
    orderKeys: { created_at: (w) => w.created_at },
    filters: [],
    render: (w) => ctx.render.webhookSubscription(w),
  });
}

export function updateWebhookSubscription(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const record = find(ctx, request.params.id as string);
  const body = objectBody(request.body, ['url', 'topics', 'disabled'], ctx.flags);
  // Validate every field before changing any, so a 400 leaves the subscription as it was.
  const url = body.url === undefined ? record.url : parseUrl(body.url);
  const topics = body.topics === undefined ? record.topics : parseTopics(body.topics);
  const disabled = optionalBoolean(body.disabled, 'disabled') ?? record.disabled;
  Object.assign(record, { url, topics, disabled });
  ctx.store.changed();
  return { status: 200, body: ctx.render.webhookSubscription(record) };
}

export function deleteWebhookSubscription(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const id = request.params.id as string;
  const existed = ctx.store.webhookSubscriptions.delete(id) !== undefined;
  if (existed) ctx.store.changed();
  return deletedResponse(ctx, existed, 'Webhook subscription', { id, object: 'webhook_subscription' });
}

function find(ctx: ApiContext, id: string): WebhookSubscriptionRecord {
  const record = ctx.store.webhookSubscriptions.get(id);
  if (!record) throw notFound(ctx.flags.errorCodes.notFound, 'Webhook subscription', id);
  return record;
}

function parseUrl(value: unknown): string {
  if (value === undefined || value === null) throw invalidParams('url', 'is required');
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw invalidParams('url', 'must be an http(s) URL');
  }
  return value;
}

function parseTopics(value: unknown): string[] {
  if (value === undefined || value === null) throw invalidParams('topics', 'is required');
  if (!Array.isArray(value) || value.length === 0) throw invalidParams('topics', 'must be a non-empty array');
  return value.map((topic, i) => {
    const known =
      typeof topic === 'string' &&
      (TOPICS.includes(topic) ||
        (topic.startsWith('event.tracked') && /^event\.tracked(\..+)?$/.test(topic)));
    if (!known) throw invalidParams(`topics[${i}]`, `unknown topic '${String(topic)}'`);
    return topic as string;
  });
}

function parseApiVersion(value: unknown): string {
  if (value === undefined || value === null) return API_VERSION;
  if (value !== API_VERSION) throw invalidParams('api_version', `must be ${API_VERSION}`);
  return value;
}
