// The route table: Userflow's REST methods and paths, mapped to pure handlers.

import { getContent, getContentVersion, listContent, listContentVersions } from './content.ts';
import { deleteContentSession, getContentSession, listContentSessions } from './content-sessions.ts';
import type { ApiHandler } from './context.ts';
import { listAttributeDefinitions, listEventDefinitions } from './definitions.ts';
import { trackEvent } from './events.ts';
import { deleteGroup, getGroup, listGroups, removeMembership, upsertGroup } from './groups.ts';
import { deleteUser, getUser, listUsers, upsertUser } from './users.ts';
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  getWebhookSubscription,
  listWebhookSubscriptions,
  updateWebhookSubscription,
} from './webhook-subscriptions.ts';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `/users/:id` style; `:name` matches one path segment. */
  path: string;
  /** Stable label for stats, e.g. `POST /users`. */
  name: string;
  handler: ApiHandler;
}

const table: [Route['method'], string, ApiHandler][] = [
  ['POST', '/users', upsertUser],
  ['GET', '/users', listUsers],
  ['GET', '/users/:id', getUser],
  ['DELETE', '/users/:id', deleteUser],
  ['POST', '/groups', upsertGroup],
  ['GET', '/groups', listGroups],
  ['GET', '/groups/:id', getGroup],
  ['DELETE', '/groups/:id', deleteGroup],
  ['DELETE', '/group_memberships', removeMembership],
  ['POST', '/events', trackEvent],
  ['GET', '/content', listContent],
  ['GET', '/content/:id', getContent],
  ['GET', '/content_versions', listContentVersions],
  ['GET', '/content_versions/:id', getContentVersion],
  ['GET', '/content_sessions', listContentSessions],
  ['GET', '/content_sessions/:id', getContentSession],
  ['DELETE', '/content_sessions/:id', deleteContentSession],
  ['GET', '/attribute_definitions', listAttributeDefinitions],
  ['GET', '/event_definitions', listEventDefinitions],
  // Not one of the 18 client actions, but documented and cheap (§4.10); no notifications are sent.
  ['POST', '/webhook_subscriptions', createWebhookSubscription],
  ['GET', '/webhook_subscriptions', listWebhookSubscriptions],
  ['GET', '/webhook_subscriptions/:id', getWebhookSubscription],
  ['PATCH', '/webhook_subscriptions/:id', updateWebhookSubscription],
  ['DELETE', '/webhook_subscriptions/:id', deleteWebhookSubscription],
];

export const ROUTES: readonly Route[] = table.map(([method, path, handler]) => ({
  method,
  path,
  name: `${method} ${path}`,
  handler,
}));
