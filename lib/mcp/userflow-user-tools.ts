import { listOf, user } from '../userflow/objects.ts';
import type { ToolDeps } from './deps.ts';
import * as inputs from './read-inputs.ts';
import type { Scope } from './scopes.ts';
import { DESTRUCTIVE, defineTool, type ToolSpec, UPSERT } from './tool.ts';
import {
  answer,
  deleteInput,
  listSummary,
  read,
  refuseExtra,
  upsertUserInput,
  userPreview,
} from './userflow-tool-shapes.ts';
import { checkedCommand, confirmation, queueWrite, writeOutput } from './write-result.ts';

export function userTools(deps: ToolDeps): ToolSpec[] {
  const uf = deps.userflow;
  return [
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
  ];
}
