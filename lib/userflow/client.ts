// The typed Userflow client: every action over a Transport, each response checked against its zod schema.
import type * as z from 'zod';
import { ConfigError } from '../errors.ts';
import { USERFLOW_TIMEOUT_MS } from '../policy.ts';
import type { UserflowAction } from './actions.ts';
import { resolveBaseUrl, type UserflowRegion } from './base-url.ts';
import type {
  CreateOrUpdateGroupBody,
  CreateOrUpdateUserBody,
  RemoveMembershipParams,
  TrackEventBody,
} from './bodies.ts';
import type { CallGate } from './call-gate.ts';
import { content, contentSession, contentVersion } from './content-objects.ts';
import {
  errorFromResponse,
  networkErrorFrom,
  UserflowError,
  UserflowRateLimitError,
  UserflowResponseError,
} from './errors.ts';
import { attributeDefinition, deleted, event, eventDefinition, group, listOf, user } from './objects.ts';
import { paginate } from './paginate.ts';
import {
  type ApiRequest,
  buildRequest,
  type ContentExpand,
  type ContentSessionExpand,
  type ContentVersionExpand,
  type GetOptions,
  type GroupExpand,
  type ListAttributeDefinitionsParams,
  type ListContentParams,
  type ListContentSessionsParams,
  type ListContentVersionsParams,
  type ListEventDefinitionsParams,
  type ListGroupsParams,
  type ListUsersParams,
  type ListWebhookSubscriptionsParams,
  requestTarget,
  type UserExpand,
} from './requests.ts';
import type { Transport } from './transport.ts';
import { createUndiciTransport, type Dispatcher } from './undici-transport.ts';
import {
  type CreateWebhookSubscriptionBody,
  type UpdateWebhookSubscriptionBody,
  webhookSubscription,
} from './webhook-subscriptions.ts';

export const USERFLOW_VERSION = '2020-01-03';
export const DEFAULT_TIMEOUT_MS = USERFLOW_TIMEOUT_MS;

export interface UserflowClientOptions {
  /** The environment's API key, sent as `Authorization: Bearer`. Never appears in errors. */
  apiKey: string;
  /** `us` (default) → api.userflow.com, `eu` → api.eu.userflow.com. */
  region?: UserflowRegion;
  /** Overrides `region` (the sandbox, a proxy). https, or http to loopback. */
  baseUrl?: string;
  allowInsecureHttp?: boolean;
  /** Per call, covering connect, headers and body. Default 10 000. */
  timeoutMs?: number;
  /** undici dispatcher (Agent, Pool, MockAgent) for the default transport. */
  dispatcher?: Dispatcher;
  /** Replaces the undici transport entirely (tests, fakes). */
  transport?: Transport;
  /** Clock, for `Retry-After` given as an HTTP date. */
  now?: () => Date;
  /** Every call waits its turn here and reports its answer (the shared budget); none when absent. */
  gate?: CallGate;
}

const lists = {
  users: listOf(user),
  groups: listOf(group),
  content: listOf(content),
  contentVersions: listOf(contentVersion),
  contentSessions: listOf(contentSession),
  attributeDefinitions: listOf(attributeDefinition),
  eventDefinitions: listOf(eventDefinition),
  webhookSubscriptions: listOf(webhookSubscription),
};

const retryAfterMs = (error: UserflowError) =>
  error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000;

export class UserflowClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #apiKey: string;
  readonly #transport: Transport;
  readonly #now: () => Date;
  readonly #options: UserflowClientOptions;

  /** Async iterators over every item of a list, one page fetched at a time. */
  readonly paginate = {
    users: (params: ListUsersParams = {}) => paginate('listUsers', (p) => this.listUsers(p), params),
    groups: (params: ListGroupsParams = {}) => paginate('listGroups', (p) => this.listGroups(p), params),
    content: (params: ListContentParams = {}) => paginate('listContent', (p) => this.listContent(p), params),
    contentVersions: (params: ListContentVersionsParams = {}) =>
      paginate('listContentVersions', (p) => this.listContentVersions(p), params),
    contentSessions: (params: ListContentSessionsParams = {}) =>
      paginate('listContentSessions', (p) => this.listContentSessions(p), params),
    attributeDefinitions: (params: ListAttributeDefinitionsParams = {}) =>
      paginate('listAttributeDefinitions', (p) => this.listAttributeDefinitions(p), params),
    eventDefinitions: (params: ListEventDefinitionsParams = {}) =>
      paginate('listEventDefinitions', (p) => this.listEventDefinitions(p), params),
    webhookSubscriptions: (params: ListWebhookSubscriptionsParams = {}) =>
      paginate('listWebhookSubscriptions', (p) => this.listWebhookSubscriptions(p), params),
  };

  constructor(options: UserflowClientOptions) {
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
      throw new ConfigError('the Userflow API key is missing');
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new ConfigError('the Userflow timeout must be a positive whole number of milliseconds');
    }
    this.baseUrl = resolveBaseUrl(options);
    this.timeoutMs = timeoutMs;
    this.#apiKey = options.apiKey;
    this.#transport = options.transport ?? createUndiciTransport({ dispatcher: options.dispatcher });
    this.#now = options.now ?? (() => new Date());
    this.#options = options;
  }

  /** The same client (its transport and connections too), its calls drawing on `gate`. */
  withGate(gate: CallGate): UserflowClient {
    return new UserflowClient({ ...this.#options, transport: this.#transport, gate });
  }

  createOrUpdateUser(body: CreateOrUpdateUserBody) {
    return this.#send(buildRequest.createOrUpdateUser(body), user);
  }
  getUser(id: string, options?: GetOptions<UserExpand>) {
    return this.#send(buildRequest.getUser(id, options), user);
  }
  deleteUser(id: string) {
    return this.#send(buildRequest.deleteUser(id), deleted);
  }
  listUsers(params?: ListUsersParams) {
    return this.#send(buildRequest.listUsers(params), lists.users);
  }

  createOrUpdateGroup(body: CreateOrUpdateGroupBody) {
    return this.#send(buildRequest.createOrUpdateGroup(body), group);
  }
  getGroup(id: string, options?: GetOptions<GroupExpand>) {
    return this.#send(buildRequest.getGroup(id, options), group);
  }
  deleteGroup(id: string) {
    return this.#send(buildRequest.deleteGroup(id), deleted);
  }
  listGroups(params?: ListGroupsParams) {
    return this.#send(buildRequest.listGroups(params), lists.groups);
  }

  /** Succeeds even when the user was not a member (deletes are idempotent). */
  removeMembership(params: RemoveMembershipParams) {
    return this.#send(buildRequest.removeMembership(params), deleted);
  }
  /** Not idempotent: every call records one more event. */
  trackEvent(body: TrackEventBody) {
    return this.#send(buildRequest.trackEvent(body), event);
  }

  getContent(id: string, options?: GetOptions<ContentExpand>) {
    return this.#send(buildRequest.getContent(id, options), content);
  }
  listContent(params?: ListContentParams) {
    return this.#send(buildRequest.listContent(params), lists.content);
  }
  getContentVersion(id: string, options?: GetOptions<ContentVersionExpand>) {
    return this.#send(buildRequest.getContentVersion(id, options), contentVersion);
  }
  listContentVersions(params?: ListContentVersionsParams) {
    return this.#send(buildRequest.listContentVersions(params), lists.contentVersions);
  }
  listContentSessions(params?: ListContentSessionsParams) {
    return this.#send(buildRequest.listContentSessions(params), lists.contentSessions);
  }
  getContentSession(id: string, options?: GetOptions<ContentSessionExpand>) {
    return this.#send(buildRequest.getContentSession(id, options), contentSession);
  }
  deleteContentSession(id: string) {
    return this.#send(buildRequest.deleteContentSession(id), deleted);
  }

  listAttributeDefinitions(params?: ListAttributeDefinitionsParams) {
    return this.#send(buildRequest.listAttributeDefinitions(params), lists.attributeDefinitions);
  }
  listEventDefinitions(params?: ListEventDefinitionsParams) {
    return this.#send(buildRequest.listEventDefinitions(params), lists.eventDefinitions);
  }

  listWebhookSubscriptions(params?: ListWebhookSubscriptionsParams) {
    return this.#send(buildRequest.listWebhookSubscriptions(params), lists.webhookSubscriptions);
  }
  getWebhookSubscription(id: string) {
    return this.#send(buildRequest.getWebhookSubscription(id), webhookSubscription);
  }
  /** Not idempotent: every call creates one more subscription, with its own secret. */
  createWebhookSubscription(body: CreateWebhookSubscriptionBody) {
    return this.#send(buildRequest.createWebhookSubscription(body), webhookSubscription);
  }
  updateWebhookSubscription(id: string, body: UpdateWebhookSubscriptionBody) {
    return this.#send(buildRequest.updateWebhookSubscription(id, body), webhookSubscription);
  }
  deleteWebhookSubscription(id: string) {
    return this.#send(buildRequest.deleteWebhookSubscription(id), deleted);
  }

  /** The headers every call carries; `content-type` only when there is a body. */
  #headers(request: Pick<ApiRequest, 'body'>): Record<string, string> {
    return {
      authorization: `Bearer ${this.#apiKey}`,
      'userflow-version': USERFLOW_VERSION,
      accept: 'application/json',
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
  }

  async #send<S extends z.ZodType>(request: ApiRequest, schema: S): Promise<z.output<S>> {
    const { action } = request;
    const gate = this.#options.gate;
    const ticket = gate ? await gate.acquire() : undefined;
    let response: Awaited<ReturnType<Transport>>;
    try {
      response = await this.#transport({
        method: request.method,
        url: `${this.baseUrl}${requestTarget(request)}`,
        headers: this.#headers(request),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      throw this.#redact(
        error instanceof UserflowError
          ? error
          : networkErrorFrom(error, { action, timeoutMs: this.timeoutMs }),
      );
    }
    if (response.status < 200 || response.status > 299) {
      const error = errorFromResponse({ ...response, action, now: this.#now() });
      // Any answer but a 429 is a call Userflow took: it counts towards the rate the budget discovers.
      if (error instanceof UserflowRateLimitError) gate?.onThrottle(ticket, retryAfterMs(error));
      else gate?.onSuccess(ticket);
      throw this.#redact(error);
    }
    gate?.onSuccess(ticket);
    return parseBody(action, response.status, response.bodyText, schema);
  }

  /**
   * Belt and braces: should a server or a library ever echo the key, it still never leaves in an error, its stack
   * or its causes (which loggers print).
   */
  #redact<E extends Error>(error: E): E {
    let current: unknown = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
      for (const field of ['message', 'stack', 'userflowMessage'] as const) {
        const text: unknown = (current as Partial<Record<typeof field, unknown>>)[field];
        if (typeof text === 'string' && text.includes(this.#apiKey)) {
          Object.assign(current, { [field]: text.replaceAll(this.#apiKey, '[redacted]') });
        }
      }
      current = current.cause;
    }
    return error;
  }
}

function parseBody<S extends z.ZodType>(
  action: UserflowAction,
  status: number,
  bodyText: string,
  schema: S,
): z.output<S> {
  let body: unknown;
  if (bodyText.trim() === '') {
    // Only a delete may come back empty (204): it succeeded.
    body = action.startsWith('delete') || action === 'removeMembership' ? { deleted: true } : undefined;
  } else {
    try {
      body = JSON.parse(bodyText);
    } catch {
      throw responseError(action, status, 'the body is not JSON', ['(body)']);
    }
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5);
  const fields = issues.map((issue) => issue.path.map(String).join('.') || '(body)');
  const detail = issues.map((issue, i) => `${fields[i]}: ${issue.message}`).join('; ');
  throw responseError(action, status, detail, fields);
}

function responseError(action: UserflowAction, status: number, detail: string, fields: string[]) {
  return new UserflowResponseError(
    'invalid_response',
    `Userflow ${action} returned ${status} with an unexpected body: ${detail}`,
    { retryable: false, status: 502, action, responseStatus: status, fields },
  );
}
