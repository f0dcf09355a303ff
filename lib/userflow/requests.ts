// The pure request builder: each action's method, path, query string and body, with no HTTP involved.
import type { UserflowAction } from './actions.ts';
import type {
  CreateOrUpdateGroupBody,
  CreateOrUpdateUserBody,
  RemoveMembershipParams,
  TrackEventBody,
} from './bodies.ts';
import { UserflowInvalidParamsError } from './errors.ts';
import type { OpenEnum } from './open-enum.ts';
import type {
  CreateWebhookSubscriptionBody,
  UpdateWebhookSubscriptionBody,
} from './webhook-subscriptions.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  action: UserflowAction;
  method: HttpMethod;
  /** Path with URL-encoded ids, e.g. `/users/user%201`. */
  path: string;
  /** Query string without the `?` (empty when there is none); arrays as repeated `name[]=`. */
  query: string;
  /** The JSON body, for POSTs and PATCHes. */
  body?: unknown;
}

export type UserExpand = OpenEnum<'memberships' | 'groups' | 'memberships.group'>;
export type GroupExpand = OpenEnum<'memberships' | 'users'>;
export type ContentExpand = OpenEnum<'draft_version' | 'published_version'>;
export type ContentVersionExpand = OpenEnum<'questions' | 'tasks'>;
export type ContentSessionExpand = OpenEnum<'answers' | 'content' | 'group' | 'version' | 'user'>;

/** A query value: a string is sent as `name=value`, an array as repeated `name[]=value`. */
export type QueryValue = string | number | boolean | readonly (string | number)[];

export interface GetOptions<Expand extends string = string> {
  expand?: readonly Expand[];
}

export interface ListParams<Expand extends string = string> {
  /** Page size; Userflow allows at most 100. */
  limit?: number;
  /** The id of the last item of the previous page. */
  starting_after?: string;
  /** A key such as `created_at` or `-created_at`; several keys are applied in order. */
  order_by?: string | readonly string[];
  expand?: readonly Expand[];
  /** Filters the reference does not list, sent as given. */
  query?: Readonly<Record<string, QueryValue>>;
}

export interface ListUsersParams extends ListParams<UserExpand> {
  email?: string;
}
export type ListGroupsParams = ListParams<GroupExpand>;
export interface ListContentParams extends ListParams<ContentExpand> {
  type?: OpenEnum<'flow' | 'checklist' | 'launcher'>;
}
export interface ListContentVersionsParams extends ListParams<ContentVersionExpand> {
  content_id?: string;
}
export interface ListContentSessionsParams extends ListParams<ContentSessionExpand> {
  content_id?: string;
  user_id?: string;
  /** Sessions of one group; the filter is named in one catalogue only (UNCONFIRMED). */
  group_id?: string;
}
export interface ListAttributeDefinitionsParams extends ListParams {
  scope?: OpenEnum<'user' | 'group' | 'group_membership' | 'event'>;
}
export type ListEventDefinitionsParams = ListParams;
export type ListWebhookSubscriptionsParams = ListParams;

type Filters = Record<string, QueryValue | undefined>;

/** One pure builder per action (the client's method names). */
export const buildRequest = {
  createOrUpdateUser: (body: CreateOrUpdateUserBody) => post('createOrUpdateUser', '/users', body),
  getUser: (id: string, options: GetOptions<UserExpand> = {}) => get('getUser', '/users', id, options),
  deleteUser: (id: string) => del('deleteUser', '/users', id),
  listUsers: ({ email, ...params }: ListUsersParams = {}) => list('listUsers', '/users', { email }, params),

  createOrUpdateGroup: (body: CreateOrUpdateGroupBody) => post('createOrUpdateGroup', '/groups', body),
  getGroup: (id: string, options: GetOptions<GroupExpand> = {}) => get('getGroup', '/groups', id, options),
  deleteGroup: (id: string) => del('deleteGroup', '/groups', id),
  listGroups: (params: ListGroupsParams = {}) => list('listGroups', '/groups', {}, params),

  /** The pair goes in the query string, as the one client that calls it does (placement UNCONFIRMED). */
  removeMembership: ({ user_id, group_id }: RemoveMembershipParams): ApiRequest => ({
    action: 'removeMembership',
    method: 'DELETE',
    path: '/group_memberships',
    query: queryString({
      user_id: requireId('removeMembership', 'user_id', user_id),
      group_id: requireId('removeMembership', 'group_id', group_id),
    }),
  }),
  trackEvent: (body: TrackEventBody) => post('trackEvent', '/events', body),

  getContent: (id: string, options: GetOptions<ContentExpand> = {}) =>
    get('getContent', '/content', id, options),
  listContent: ({ type, ...params }: ListContentParams = {}) =>
    list('listContent', '/content', { type }, params),
  getContentVersion: (id: string, options: GetOptions<ContentVersionExpand> = {}) =>
    get('getContentVersion', '/content_versions', id, options),
  listContentVersions: ({ content_id, ...params }: ListContentVersionsParams = {}) =>
    list('listContentVersions', '/content_versions', { content_id }, params),
  listContentSessions: ({ content_id, user_id, group_id, ...params }: ListContentSessionsParams = {}) =>
    list('listContentSessions', '/content_sessions', { content_id, user_id, group_id }, params),
  getContentSession: (id: string, options: GetOptions<ContentSessionExpand> = {}) =>
    get('getContentSession', '/content_sessions', id, options),
  deleteContentSession: (id: string) => del('deleteContentSession', '/content_sessions', id),

  listAttributeDefinitions: ({ scope, ...params }: ListAttributeDefinitionsParams = {}) =>
    list('listAttributeDefinitions', '/attribute_definitions', { scope }, params),
  listEventDefinitions: (params: ListEventDefinitionsParams = {}) =>
    list('listEventDefinitions', '/event_definitions', {}, params),

  listWebhookSubscriptions: (params: ListWebhookSubscriptionsParams = {}) =>
    list('listWebhookSubscriptions', '/webhook_subscriptions', {}, params),
  getWebhookSubscription: (id: string) => get('getWebhookSubscription', '/webhook_subscriptions', id, {}),
  createWebhookSubscription: (body: CreateWebhookSubscriptionBody) =>
    post('createWebhookSubscription', '/webhook_subscriptions', body),
  /** PATCH per the catalogues that list it; only the fields sent change. */
  updateWebhookSubscription: (id: string, body: UpdateWebhookSubscriptionBody): ApiRequest => ({
    action: 'updateWebhookSubscription',
    method: 'PATCH',
    path: `/webhook_subscriptions/${encodeId(requireId('updateWebhookSubscription', 'id', id))}`,
    query: '',
    body,
  }),
  deleteWebhookSubscription: (id: string) => del('deleteWebhookSubscription', '/webhook_subscriptions', id),
} satisfies Record<UserflowAction, (...args: never[]) => ApiRequest>;

function post(action: UserflowAction, path: string, body: unknown): ApiRequest {
  return { action, method: 'POST', path, query: '', body };
}

function get(action: UserflowAction, collection: string, id: string, options: GetOptions): ApiRequest {
  const path = `${collection}/${encodeId(requireId(action, 'id', id))}`;
  return { action, method: 'GET', path, query: queryString({ expand: options.expand }) };
}

function del(action: UserflowAction, collection: string, id: string): ApiRequest {
  return {
    action,
    method: 'DELETE',
    path: `${collection}/${encodeId(requireId(action, 'id', id))}`,
    query: '',
  };
}

/** Filters first, then paging, sorting and expansion, then any extra filters: the order of the documented examples. */
function list(action: UserflowAction, path: string, filters: Filters, params: ListParams): ApiRequest {
  const { limit, starting_after, order_by, expand, query } = params;
  return {
    action,
    method: 'GET',
    path,
    query: queryString({ ...filters, limit, order_by, expand, starting_after, ...query }),
  };
}

/** `a=1&b[]=x&b[]=y`; undefined values are skipped. Brackets stay literal, as in Userflow's own examples. */
export function queryString(params: Filters): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const key = encodeURIComponent(name);
    if (Array.isArray(value)) {
      for (const item of value) parts.push(`${key}[]=${encodeURIComponent(String(item))}`);
    } else {
      parts.push(`${key}=${encodeURIComponent(String(value))}`);
    }
  }
  return parts.join('&');
}

/** The path and query as sent on the request line. */
export function requestTarget(request: Pick<ApiRequest, 'path' | 'query'>): string {
  return request.query ? `${request.path}?${request.query}` : request.path;
}

/** `encodeURIComponent`, plus the dot segments `.` and `..`, which URL parsers would otherwise resolve away. */
export function encodeId(id: string): string {
  const encoded = encodeURIComponent(id);
  return encoded === '.' || encoded === '..' ? encoded.replaceAll('.', '%2E') : encoded;
}

function requireId(action: UserflowAction, name: string, id: string): string {
  if (typeof id !== 'string' || id === '') {
    throw new UserflowInvalidParamsError(
      'invalid_params',
      `Userflow ${action}: ${name} must be a non-empty string`,
      { retryable: false, status: 400, action },
    );
  }
  return id;
}
