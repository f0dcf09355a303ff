import { content, contentSession, contentVersion } from '../userflow/content-objects.ts';
import { attributeDefinition, deleted, eventDefinition, listOf } from '../userflow/objects.ts';
import type { ToolDeps } from './deps.ts';
import * as inputs from './read-inputs.ts';
import { DESTRUCTIVE, defineTool, type ToolSpec } from './tool.ts';
import { answer, deleteInput, listSummary, read } from './userflow-tool-shapes.ts';
import { confirmation, writeOutput } from './write-result.ts';

export function contentTools(deps: ToolDeps): ToolSpec[] {
  const uf = deps.userflow;
  return [
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
}
