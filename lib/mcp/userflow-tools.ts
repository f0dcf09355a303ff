// The 18 Userflow actions as agent tools: reads call Userflow directly, writes become queued commands.
import * as z from 'zod';
import { USERFLOW_ACTIONS, type UserflowAction } from '../userflow/actions.ts';
import { createOrUpdateGroupBody, createOrUpdateUserBody, trackEventBody } from '../userflow/bodies.ts';
import { content, contentSession, contentVersion } from '../userflow/content-objects.ts';
import { attributeDefinition, deleted, eventDefinition, group, listOf, user } from '../userflow/objects.ts';
import type { ToolDeps } from './deps.ts';
import * as inputs from './read-inputs.ts';
import type { Scope } from './scopes.ts';
import { APPEND, DESTRUCTIVE, defineTool, READ, type ToolOutcome, type ToolSpec, UPSERT } from './tool.ts';
import { ToolRefusal } from './tool-error.ts';
import {
  checkedCommand,
  confirmation,
  confirmField,
  queueWrite,
  waitField,
  writeOutput,
} from './write-result.ts';

/** `getUser` → `userflow_get_user`: the CLI's action names in snake case. */
export function toolName(action: UserflowAction): string {
  return `userflow_${action.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;
}

const read = (scope: Scope = 'userflow:read') => ({
  annotations: READ,
  listedFor: [scope],
  requires: () => [scope],
});

function answer(result: object, summary: string): ToolOutcome {
  return { structured: result as Record<string, unknown>, summary, audit: { outcome: 'ok' } };
}

function listSummary(what: string, page: { data: unknown[]; has_more: boolean }): string {
  const more = page.has_more ? '; more pages: pass the last id as starting_after' : '';
  return `${page.data.length} ${what}${more}`;
}

/** Fields of the loose Userflow bodies the queued command cannot carry: refused, rather than silently dropped. */
function refuseExtra(args: Record<string, unknown>, allowed: readonly string[], hint: string): void {
  const extra = Object.keys(args).filter((key) => !allowed.includes(key));
  if (extra.length) {
    throw new ToolRefusal(
      'unsupported_field',
      `${extra.join(', ')} cannot be sent through the bridge queue`,
      hint,
    );
  }
}

const userShape = createOrUpdateUserBody.shape;
const upsertUserInput = createOrUpdateUserBody.safeExtend({
  id: userShape.id.describe('The user id in your product, e.g. "usr_7f3a2c91". Creates the user if new.'),
  attributes: userShape.attributes.describe(
    'Attributes to merge, e.g. {"plan":"pro","email":"ada@example.com"}. A value may be a change such as {"add":1} or {"set_once":"2026-01-01T00:00:00Z"}; null clears it. Unlisted attributes stay as they are.',
  ),
  groups: userShape.groups.describe(
    'Groups (companies, teams) to make the user a member of, e.g. [{"id":"paid"}]; each group is created if new. Existing memberships stay: remove one with userflow_remove_membership.',
  ),
  memberships: userShape.memberships.describe(
    'Like groups, with attributes on the membership itself, e.g. [{"group":{"id":"acme"},"attributes":{"role":"admin"}}]. Give groups or memberships, not both.',
  ),
  wait: waitField,
});

const groupShape = createOrUpdateGroupBody.shape;
const upsertGroupInput = createOrUpdateGroupBody.safeExtend({
  id: groupShape.id.describe('The group id in your product, e.g. "acme". Creates the group if new.'),
  attributes: groupShape.attributes.describe('Attributes to merge, e.g. {"name":"Acme","seats":12}.'),
  wait: waitField,
});

const eventShape = trackEventBody.shape;
const trackEventInput = trackEventBody.safeExtend({
  name: eventShape.name.describe('The event name in snake case, e.g. "subscription_started".'),
  user_id: eventShape.user_id.describe('The user who did it. Give user_id, group_id or both.'),
  group_id: eventShape.group_id.describe('The group it happened in (or to).'),
  attributes: eventShape.attributes.describe('Event attributes, e.g. {"plan":"pro"}.'),
  time: eventShape.time.describe('When it happened, ISO 8601 with offset; default now.'),
  wait: waitField,
});

const removeMembershipInput = z.strictObject({
  user_id: z.string().min(1).describe('The member, e.g. "usr_7f3a2c91".'),
  group_id: z.string().min(1).describe('The group to take them out of, e.g. "trial".'),
  confirm: confirmField,
  wait: waitField,
});

const deleteInput = (what: string, example: string) =>
  z.strictObject({
    id: z.string().min(1).describe(`The ${what} id, e.g. "${example}".`),
    confirm: confirmField,
    wait: waitField,
  });

/** The user's attributes and memberships: what a delete or a membership removal would take away. */
async function userPreview(deps: ToolDeps, id: string) {
  const found = await deps.userflow.getUser(id, { expand: ['memberships'] });
  const memberships = (found.memberships ?? []).map((m) => m.group_id ?? m.group?.id).filter(Boolean);
  return { user: { id: found.id, attributes: found.attributes }, memberships };
}

export function userflowTools(deps: ToolDeps): ToolSpec[] {
  const uf = deps.userflow;
  const tools: ToolSpec[] = [
    defineTool({
      name: 'userflow_get_user',
      title: 'Get a Userflow user',
      description:
        'Look up one user by id: their attributes, and with expand ["memberships"] the groups they belong to. Use it before changing a user, to see the current state. Example: {"id":"usr_7f3a2c91","expand":["memberships"]}. Unknown id: find it with userflow_list_users (by email).',
      input: inputs.getInput('user', 'usr_7f3a2c91', 'memberships, groups, memberships.group'),
      output: user,
      ...read(),
      subject: (a) => ({ userId: a.id }),
      run: async ({ args }) => answer(await uf.getUser(...inputs.getArgs(args)), `user ${args.id}`),
    }),
    defineTool({
      name: 'userflow_list_users',
      title: 'List Userflow users',
      description:
        'List users, newest first unless order_by says otherwise; filter by exact email to find a user id. Example: {"email":"ada@example.com"}. Pages of up to 100: pass the last id as starting_after while has_more is true.',
      input: inputs.listUsersInput,
      output: listOf(user),
      ...read(),
      run: async ({ args }) => {
        const page = await uf.listUsers(args);
        return answer(page, listSummary('users', page));
      },
    }),
    defineTool({
      name: 'userflow_create_or_update_user',
      title: 'Create or update a user (queued)',
      description:
        'Create a user or merge attributes into an existing one, and optionally add them to groups. Goes through the bridge queue: delivered in order after earlier changes to the same user and under the shared Userflow rate budget; the answer is the command id and "queued" (wait: true waits up to 20 s for the outcome). Needs users:write for attributes, memberships:write for groups/memberships. Example (move into paid): {"id":"usr_7f3a2c91","groups":[{"id":"paid"}]}.',
      input: upsertUserInput,
      output: writeOutput,
      annotations: UPSERT,
      listedFor: ['users:write', 'memberships:write'],
      requires: (a) => {
        const needs = new Set<Scope>();
        if (a.attributes !== undefined || (a.groups === undefined && a.memberships === undefined)) {
          needs.add('users:write');
        }
        if (a.groups !== undefined || a.memberships !== undefined) needs.add('memberships:write');
        const refs = [...(a.groups ?? []), ...(a.memberships ?? []).map((m) => m.group)];
        if (refs.some((g) => g.attributes !== undefined)) needs.add('groups:write');
        return [...needs];
      },
      subject: (a) => ({ userId: a.id }),
      run: async (call) => {
        const { id, attributes, groups, memberships, wait: _w, ...rest } = call.args;
        refuseExtra(
          rest,
          [],
          'leave those out; remove memberships one by one with userflow_remove_membership',
        );
        const command = checkedCommand({
          type: 'upsert_user',
          user_id: id,
          ...(attributes !== undefined ? { attributes } : {}),
          ...(groups !== undefined ? { groups } : {}),
          ...(memberships !== undefined ? { memberships } : {}),
        } as never);
        return queueWrite(deps, 'userflow_create_or_update_user', call, command, { userId: id });
      },
    }),
    defineTool({
      name: 'userflow_delete_user',
      title: 'Delete a user (confirm first)',
      description:
        'Delete a user and all their data (attributes, memberships, sessions) from Userflow; their groups stay. Cannot be undone. The first call changes nothing: it answers with what would go and a confirm token; show that to the user and call again with confirm only if they agree. Queued like every write. Needs delete.',
      input: deleteInput('user', 'usr_7f3a2c91'),
      output: writeOutput,
      annotations: DESTRUCTIVE,
      listedFor: ['delete'],
      requires: () => ['delete'],
      subject: (a) => ({ userId: a.id }),
      run: async (call) => {
        const tool = 'userflow_delete_user';
        const gate = await confirmation(deps, tool, call, async () => {
          const preview = await userPreview(deps, call.args.id);
          return {
            preview,
            summary: `Deleting user ${call.args.id} removes ${Object.keys(preview.user.attributes).length} attributes and ${preview.memberships.length} memberships (${preview.memberships.join(', ') || 'none'}).`,
          };
        });
        if ('stop' in gate) return gate.stop;
        const command = checkedCommand({ type: 'delete_user', user_id: call.args.id });
        return queueWrite(deps, tool, call, command, { userId: call.args.id, confirmation: gate.confirmed });
      },
    }),
    defineTool({
      name: 'userflow_get_group',
      title: 'Get a Userflow group',
      description:
        'Look up one group (company, team, account) by id; with expand ["memberships"] its members. Example: {"id":"acme","expand":["memberships"]}. Unknown id: find it with userflow_list_groups.',
      input: inputs.getInput('group', 'acme', 'memberships, users'),
      output: group,
      ...read(),
      subject: (a) => ({ groupId: a.id }),
      run: async ({ args }) => answer(await uf.getGroup(...inputs.getArgs(args)), `group ${args.id}`),
    }),
    defineTool({
      name: 'userflow_list_groups',
      title: 'List Userflow groups',
      description:
        'List groups, a page at a time (up to 100; pass the last id as starting_after while has_more).',
      input: inputs.listGroupsInput,
      output: listOf(group),
      ...read(),
      run: async ({ args }) => {
        const page = await uf.listGroups(args);
        return answer(page, listSummary('groups', page));
      },
    }),
    defineTool({
      name: 'userflow_create_or_update_group',
      title: 'Create or update a group (queued)',
      description:
        'Create a group or merge attributes into it. Members are added from the user side (userflow_create_or_update_user with groups). Queued: answers with the command id and "queued". Needs groups:write. Example: {"id":"acme","attributes":{"name":"Acme","plan":"pro"}}.',
      input: upsertGroupInput,
      output: writeOutput,
      annotations: UPSERT,
      listedFor: ['groups:write'],
      requires: () => ['groups:write'],
      subject: (a) => ({ groupId: a.id }),
      run: async (call) => {
        const { id, attributes, wait: _w, ...rest } = call.args;
        refuseExtra(rest, [], 'leave those out');
        const command = checkedCommand({
          type: 'upsert_group',
          group_id: id,
          ...(attributes !== undefined ? { attributes } : {}),
        } as never);
        return queueWrite(deps, 'userflow_create_or_update_group', call, command, { groupId: id });
      },
    }),
    defineTool({
      name: 'userflow_delete_group',
      title: 'Delete a group (confirm first)',
      description:
        'Delete a group and its memberships; the former members stay as users. Cannot be undone. The first call changes nothing: it answers with the member count and a confirm token; call again with confirm only after the user agrees. Needs delete.',
      input: deleteInput('group', 'acme'),
      output: writeOutput,
      annotations: DESTRUCTIVE,
      listedFor: ['delete'],
      requires: () => ['delete'],
      subject: (a) => ({ groupId: a.id }),
      run: async (call) => {
        const tool = 'userflow_delete_group';
        const gate = await confirmation(deps, tool, call, async () => {
          const found = await uf.getGroup(call.args.id, { expand: ['memberships'] });
          const members = found.memberships?.length ?? 0;
          return {
            preview: { group: { id: found.id, attributes: found.attributes }, memberCount: members },
            summary: `Deleting group ${call.args.id} removes it and its ${members} memberships.`,
          };
        });
        if ('stop' in gate) return gate.stop;
        const command = checkedCommand({ type: 'delete_group', group_id: call.args.id });
        return queueWrite(deps, tool, call, command, { groupId: call.args.id, confirmation: gate.confirmed });
      },
    }),
    defineTool({
      name: 'userflow_remove_membership',
      title: 'Remove a user from a group (confirm first)',
      description:
        'Take a user out of one group; both stay. To move a user from one group to another (e.g. trial to paid), remove the old membership with this tool, then add the new group with userflow_create_or_update_user {"id":…,"groups":[{"id":"paid"}]}: both are queued for that user and applied in that order. The first call changes nothing and answers with a confirm token. Needs memberships:write.',
      input: removeMembershipInput,
      output: writeOutput,
      annotations: DESTRUCTIVE,
      listedFor: ['memberships:write'],
      requires: () => ['memberships:write'],
      subject: (a) => ({ userId: a.user_id, groupId: a.group_id }),
      run: async (call) => {
        const tool = 'userflow_remove_membership';
        const { user_id, group_id } = call.args;
        const gate = await confirmation(deps, tool, call, async () => {
          const preview = await userPreview(deps, user_id);
          const member = preview.memberships.includes(group_id);
          return {
            preview: { user_id, group_id, member, memberships: preview.memberships },
            summary: member
              ? `This removes ${user_id} from ${group_id} (they stay in ${preview.memberships.filter((g) => g !== group_id).join(', ') || 'no other group'}).`
              : `${user_id} is not a member of ${group_id}: removing is harmless.`,
          };
        });
        if ('stop' in gate) return gate.stop;
        const command = checkedCommand({ type: 'remove_membership', user_id, group_id });
        return queueWrite(deps, tool, call, command, {
          userId: user_id,
          groupId: group_id,
          confirmation: gate.confirmed,
        });
      },
    }),
    defineTool({
      name: 'userflow_track_event',
      title: 'Track an event (queued)',
      description:
        'Record that something happened, for a user, a group or both, e.g. to start a flow that triggers on it. Not idempotent: every call records one more event. Queued in order with the user\'s other changes. Needs events:write. Example: {"name":"subscription_started","user_id":"usr_7f3a2c91","attributes":{"plan":"pro"}}.',
      input: trackEventInput,
      output: writeOutput,
      annotations: APPEND,
      listedFor: ['events:write'],
      requires: () => ['events:write'],
      subject: (a) => ({
        ...(a.user_id ? { userId: a.user_id } : {}),
        ...(a.group_id ? { groupId: a.group_id } : {}),
      }),
      run: async (call) => {
        const { name, user_id, group_id, attributes, time, wait: _w, ...rest } = call.args;
        refuseExtra(rest, [], 'leave those out');
        const command = checkedCommand({
          type: 'track_event',
          name,
          ...(user_id !== undefined ? { user_id } : {}),
          ...(group_id !== undefined ? { group_id } : {}),
          ...(attributes !== undefined ? { attributes } : {}),
          ...(time !== undefined ? { time } : {}),
        } as never);
        return queueWrite(deps, 'userflow_track_event', call, command, {
          ...(user_id ? { userId: user_id } : {}),
          ...(group_id ? { groupId: group_id } : {}),
        });
      },
    }),
    defineTool({
      name: 'userflow_get_content',
      title: 'Get a flow, checklist or launcher',
      description:
        'Look up one piece of content by id: its name, type and versions. Find ids with userflow_list_content.',
      input: inputs.getInput('content', 'cnt_123', 'draft_version, published_version'),
      output: content,
      ...read(),
      run: async ({ args }) => answer(await uf.getContent(...inputs.getArgs(args)), `content ${args.id}`),
    }),
    defineTool({
      name: 'userflow_list_content',
      title: 'List flows, checklists and launchers',
      description: 'List content, optionally only one type. Example: {"type":"checklist"}.',
      input: inputs.listContentInput,
      output: listOf(content),
      ...read(),
      run: async ({ args }) => {
        const page = await uf.listContent(args);
        return answer(page, listSummary('content items', page));
      },
    }),
    defineTool({
      name: 'userflow_get_content_version',
      title: 'Get a content version',
      description:
        'Look up one version of a flow or checklist; expand ["questions"] or ["tasks"] for its survey questions or checklist tasks.',
      input: inputs.getInput('content version', 'cv_123', 'questions, tasks'),
      output: contentVersion,
      ...read(),
      run: async ({ args }) =>
        answer(await uf.getContentVersion(...inputs.getArgs(args)), `content version ${args.id}`),
    }),
    defineTool({
      name: 'userflow_list_content_versions',
      title: 'List content versions',
      description: 'List versions, usually of one content item: {"content_id":"cnt_123"}.',
      input: inputs.listContentVersionsInput,
      output: listOf(contentVersion),
      ...read(),
      run: async ({ args }) => {
        const page = await uf.listContentVersions(args);
        return answer(page, listSummary('versions', page));
      },
    }),
    defineTool({
      name: 'userflow_list_content_sessions',
      title: 'List content sessions',
      description:
        'List sessions: who saw which flow or checklist, how far they got, and (expand ["answers"]) what they answered. Filter by user_id to answer "did Ada get the checklist?".',
      input: inputs.listContentSessionsInput,
      output: listOf(contentSession),
      ...read(),
      subject: (a) => (a.user_id ? { userId: a.user_id } : {}),
      run: async ({ args }) => {
        const page = await uf.listContentSessions(args);
        return answer(page, listSummary('sessions', page));
      },
    }),
    defineTool({
      name: 'userflow_delete_content_session',
      title: 'Delete a content session (confirm first)',
      description:
        "Delete one content session (a user's progress through a flow or checklist), so it can start over. The first call changes nothing and answers with a confirm token. Not queued (there is no queued command for sessions): the second call deletes directly. Needs delete.",
      input: deleteInput('content session', 'cs_123'),
      output: writeOutput,
      annotations: DESTRUCTIVE,
      listedFor: ['delete'],
      requires: () => ['delete'],
      run: async (call) => {
        const tool = 'userflow_delete_content_session';
        const gate = await confirmation(deps, tool, call, async () => ({
          // Userflow has no call to get one session by id; listing every session to find it would be costly.
          preview: { content_session_id: call.args.id },
          summary: `Deleting content session ${call.args.id} drops that progress (see it with userflow_list_content_sessions).`,
        }));
        if ('stop' in gate) return gate.stop;
        const result = deleted.parse(await uf.deleteContentSession(call.args.id));
        return {
          structured: { status: 'deleted', result },
          summary: `content session ${call.args.id} deleted`,
          audit: { outcome: 'deleted', confirmation: gate.confirmed },
        };
      },
    }),
    defineTool({
      name: 'userflow_list_attribute_definitions',
      title: 'List attribute definitions',
      description:
        'Which attributes exist (name, data type, scope). Use before setting attributes, to reuse existing names. Example: {"scope":"user"}.',
      input: inputs.listAttributeDefinitionsInput,
      output: listOf(attributeDefinition),
      ...read(),
      run: async ({ args }) => {
        const page = await uf.listAttributeDefinitions(args);
        return answer(page, listSummary('attribute definitions', page));
      },
    }),
    defineTool({
      name: 'userflow_list_event_definitions',
      title: 'List event definitions',
      description:
        'Which event names have been tracked. Use before tracking an event, to reuse an existing name.',
      input: inputs.listEventDefinitionsInput,
      output: listOf(eventDefinition),
      ...read(),
      run: async ({ args }) => {
        const page = await uf.listEventDefinitions(args);
        return answer(page, listSummary('event definitions', page));
      },
    }),
  ];
  return tools;
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
