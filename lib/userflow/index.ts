// The Userflow client's public surface: client, schemas, request builder, errors.
export { kebabAction, USERFLOW_ACTIONS, type UserflowAction } from './actions.ts';
export { resolveBaseUrl, USERFLOW_BASE_URLS, type UserflowRegion } from './base-url.ts';
export {
  type CreateOrUpdateGroupBody,
  type CreateOrUpdateUserBody,
  createOrUpdateGroupBody,
  createOrUpdateUserBody,
  type GroupRef,
  groupRef,
  type MembershipRef,
  membershipRef,
  type RemoveMembershipParams,
  type TrackEventBody,
  trackEventBody,
} from './bodies.ts';
export type { CallGate } from './call-gate.ts';
export {
  DEFAULT_TIMEOUT_MS,
  USERFLOW_VERSION,
  UserflowClient,
  type UserflowClientOptions,
} from './client.ts';
export {
  ANSWER_TYPES,
  CONTENT_TYPES,
  type Content,
  type ContentSession,
  type ContentSessionAnswer,
  type ContentVersion,
  content,
  contentSession,
  contentSessionAnswer,
  contentVersion,
} from './content-objects.ts';
export {
  type ErrorResponse,
  errorFromResponse,
  type NetworkFailure,
  networkErrorFrom,
  parseRetryAfter,
  UserflowAuthenticationError,
  UserflowError,
  type UserflowErrorOptions,
  UserflowInvalidParamsError,
  UserflowNetworkError,
  UserflowNotFoundError,
  UserflowRateLimitError,
  UserflowResponseError,
  UserflowServerError,
} from './errors.ts';
export {
  ATTRIBUTE_DATA_TYPES,
  ATTRIBUTE_SCOPES,
  type AttributeDefinition,
  type AttributesOut,
  attributeDefinition,
  attributesOut,
  type Deleted,
  deleted,
  type Event,
  type EventDefinition,
  event,
  eventDefinition,
  type Group,
  type GroupMembership,
  group,
  groupMembership,
  type ListPage,
  listOf,
  type User,
  user,
} from './objects.ts';
export type { OpenEnum } from './open-enum.ts';
export { paginate } from './paginate.ts';
export {
  type ApiRequest,
  buildRequest,
  type ContentExpand,
  type ContentSessionExpand,
  type ContentVersionExpand,
  encodeId,
  type GetOptions,
  type GroupExpand,
  type HttpMethod,
  type ListAttributeDefinitionsParams,
  type ListContentParams,
  type ListContentSessionsParams,
  type ListContentVersionsParams,
  type ListEventDefinitionsParams,
  type ListGroupsParams,
  type ListParams,
  type ListUsersParams,
  type ListWebhookSubscriptionsParams,
  type QueryValue,
  queryString,
  requestTarget,
  type UserExpand,
} from './requests.ts';
export type { HttpRequest, HttpResponse, Transport } from './transport.ts';
export type { Dispatcher } from './undici-transport.ts';
export {
  type CreateWebhookSubscriptionBody,
  createWebhookSubscriptionBody,
  type UpdateWebhookSubscriptionBody,
  updateWebhookSubscriptionBody,
  type WebhookSubscription,
  webhookSubscription,
} from './webhook-subscriptions.ts';
