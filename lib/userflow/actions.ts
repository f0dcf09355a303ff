// The Userflow actions by name: the client's method names and the CLI's kebab-case subcommands.

export const USERFLOW_ACTIONS = [
  'createOrUpdateUser',
  'getUser',
  'deleteUser',
  'listUsers',
  'createOrUpdateGroup',
  'getGroup',
  'deleteGroup',
  'listGroups',
  'removeMembership',
  'trackEvent',
  'getContent',
  'listContent',
  'getContentVersion',
  'listContentVersions',
  'listContentSessions',
  'getContentSession',
  'deleteContentSession',
  'listAttributeDefinitions',
  'listEventDefinitions',
  'listWebhookSubscriptions',
  'getWebhookSubscription',
  'createWebhookSubscription',
  'updateWebhookSubscription',
  'deleteWebhookSubscription',
] as const;
export type UserflowAction = (typeof USERFLOW_ACTIONS)[number];

/** `createOrUpdateUser` → `create-or-update-user`. */
export function kebabAction(action: UserflowAction): string {
  return action.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
