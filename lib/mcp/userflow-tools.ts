// The 18 Userflow actions as agent tools: reads call Userflow directly, writes become queued commands. The tools
// live by subject (userflow-user-tools, -group-tools, -content-tools); this module lists them in one order.
import { USERFLOW_ACTIONS, type UserflowAction } from '../userflow/actions.ts';
import type { ToolDeps } from './deps.ts';
import type { ToolSpec } from './tool.ts';
import { contentTools } from './userflow-content-tools.ts';
import { groupTools } from './userflow-group-tools.ts';
import { userTools } from './userflow-user-tools.ts';

/** `getUser` → `userflow_get_user`: the CLI's action names in snake case. */
export function toolName(action: UserflowAction): string {
  return `userflow_${action.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;
}

export function userflowTools(deps: ToolDeps): ToolSpec[] {
  return [...userTools(deps), ...groupTools(deps), ...contentTools(deps)];
}

/**
 * Client actions deliberately not offered to agents: webhook subscriptions configure the account's integrations
 * (and `get` answers with the signing secret), not anyone's onboarding; one session is reachable through
 * `userflow_list_content_sessions`. Each is a decision, so a new client action must be given a tool or added here.
 */
const NOT_AGENT_TOOLS: ReadonlySet<UserflowAction> = new Set([
  'getContentSession',
  'listWebhookSubscriptions',
  'getWebhookSubscription',
  'createWebhookSubscription',
  'updateWebhookSubscription',
  'deleteWebhookSubscription',
]);

/** Every action has its tool or a reason not to: a new action in the client without either fails at start. */
export function assertEveryAction(tools: readonly ToolSpec[]): void {
  const names = new Set(tools.map((t) => t.name));
  const missing = USERFLOW_ACTIONS.filter((action) => !NOT_AGENT_TOOLS.has(action))
    .map(toolName)
    .filter((name) => !names.has(name));
  if (missing.length) throw new Error(`agent tools missing for ${missing.join(', ')}`);
}
