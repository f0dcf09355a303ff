import { group, listOf } from '../userflow/objects.ts';
import type { ToolDeps } from './deps.ts';
import * as inputs from './read-inputs.ts';
import { APPEND, DESTRUCTIVE, defineTool, type ToolSpec, UPSERT } from './tool.ts';
import {
  answer,
  deleteInput,
  listSummary,
  read,
  refuseExtra,
  removeMembershipInput,
  trackEventInput,
  upsertGroupInput,
  userPreview,
} from './userflow-tool-shapes.ts';
import { checkedCommand, confirmation, queueWrite, writeOutput } from './write-result.ts';

export function groupTools(deps: ToolDeps): ToolSpec[] {
  const uf = deps.userflow;
  return [
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
  ];
}
