// The bridge's own tools: the trail's story of an event and of a user, a dry run of the rules, the DLQ.
import * as z from 'zod';
import { listDlq } from '../dlq/dlq-tools.ts';
import { EventShapeError } from '../rules/errors.ts';
import type { TrailStore } from '../trail/store.ts';
import type { IntakeRecord } from '../trail/types.ts';
import type { ToolDeps } from './deps.ts';
import type { Scope } from './scopes.ts';
import { defineTool, READ, type ToolSpec } from './tool.ts';
import { ToolRefusal } from './tool-error.ts';

const BRIDGE_READ: readonly Scope[] = ['bridge:read'];
const bridgeRead = { annotations: READ, listedFor: BRIDGE_READ, requires: () => BRIDGE_READ };

function trailOf(deps: ToolDeps): TrailStore {
  if (!deps.trail) {
    throw new ToolRefusal(
      'trail_unavailable',
      'this bridge runs without an event trail',
      'ask an operator to enable it',
    );
  }
  return deps.trail;
}

/** The record without the raw body and headers: the model needs the story, not the bytes. */
function intakeStory(intake: IntakeRecord) {
  const { body, headers: _headers, ...rest } = intake;
  return { ...rest, body: { size: body.size, stored: body.stored } };
}

export function bridgeTools(deps: ToolDeps): ToolSpec[] {
  return [
    defineTool({
      name: 'bridge_explain_event',
      title: 'Explain what happened to an event',
      description:
        'The trail\'s story of one webhook event or command: when it arrived, whether its signature held, what each rule decided, which commands it produced, and each Userflow call made for them (status, outcome, reason). Use it for "why didn\'t Ada get the checklist?" once you know the event. id: a sender event id (e.g. Stripe "evt_…"), a command id ("cmd_…", as the write tools answer) or a request id.',
      input: z.strictObject({
        id: z.string().min(1).describe('A sender event id, a command id (cmd_…) or a request id.'),
      }),
      output: z.object({
        intake: z.record(z.string(), z.unknown()).nullable(),
        attempts: z.array(z.unknown()),
      }),
      ...bridgeRead,
      run: async ({ args }) => {
        const trail = trailOf(deps);
        const intake = await trail.findIntake(args.id);
        const commandIds = intake ? intake.events.flatMap((e) => e.commands.map((c) => c.id)) : [args.id];
        const attempts = await trail.attemptsFor(commandIds);
        if (!intake && attempts.length === 0) {
          throw new ToolRefusal(
            'trail_not_found',
            `the trail has nothing under ${args.id}`,
            'find ids with bridge_user_timeline; records expire after the retention period',
          );
        }
        return {
          structured: { intake: intake ? intakeStory(intake) : null, attempts },
          summary: intake
            ? `${intake.source} request ${intake.requestId}: ${intake.outcome}, ${commandIds.length} commands, ${attempts.length} Userflow calls`
            : `${attempts.length} records for ${args.id}`,
          audit: { outcome: 'ok' },
        };
      },
    }),
    defineTool({
      name: 'bridge_user_timeline',
      title: "A user's timeline in the bridge",
      description:
        'Everything the bridge did about one user, newest first: webhook requests that named them and every Userflow call made for them, from webhooks, database syncs and agents alike (principal says who asked). Example: {"user_id":"usr_7f3a2c91","limit":20}.',
      input: z.strictObject({
        user_id: z.string().min(1).describe('The Userflow user id.'),
        limit: z.number().int().min(1).max(100).optional().describe('How many of each kind, default 20.'),
      }),
      output: z.object({ intakes: z.array(z.unknown()), attempts: z.array(z.unknown()) }),
      ...bridgeRead,
      subject: (a) => ({ userId: a.user_id }),
      run: async ({ args }) => {
        const trail = trailOf(deps);
        const limit = args.limit ?? 20;
        const [intakes, attempts] = await Promise.all([
          trail.listIntakes({ userId: args.user_id, limit }),
          trail.listAttempts({ userId: args.user_id, limit }),
        ]);
        return {
          structured: { intakes: intakes.map(intakeStory), attempts },
          summary: `${intakes.length} webhook requests and ${attempts.length} Userflow calls for ${args.user_id}`,
          audit: { outcome: 'ok' },
        };
      },
    }),
    defineTool({
      name: 'bridge_test_rule',
      title: 'Dry-run a payload through the rules',
      description:
        'Run a webhook payload through the rules of one source, as if it had arrived signed, and show the commands it would produce and why each rule did or did not match. Nothing is queued or sent. Use it to check a rule before relying on it. Example: {"source":"stripe","payload":{…a Stripe event…}}.',
      input: z.strictObject({
        source: z.string().min(1).describe('The source name, as in the webhook URL /webhooks/<source>.'),
        payload: z.unknown().describe('The webhook body as JSON.'),
        headers: z
          .record(z.string(), z.string())
          .optional()
          .describe('Request headers the source reads (e.g. webhook-id for Standard Webhooks).'),
      }),
      output: z.object({ events: z.array(z.unknown()) }),
      ...bridgeRead,
      run: async ({ args }) => {
        const set = deps.rules?.();
        if (!set) throw new ToolRefusal('rules_unavailable', 'this bridge has no rules loaded');
        const source = set.get(args.source);
        if (!source) {
          throw new ToolRefusal(
            'unknown_source',
            `no source named ${args.source}`,
            `known sources: ${[...set.sources.keys()].sort().join(', ') || 'none'}`,
          );
        }
        const headers = Object.fromEntries(
          Object.entries(args.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        );
        let split: ReturnType<typeof source.splitEvents>;
        try {
          split = source.splitEvents(args.payload, headers);
        } catch (error) {
          if (error instanceof EventShapeError) {
            throw new ToolRefusal(
              'bad_event_shape',
              error.message,
              'check the payload and headers the source needs',
            );
          }
          throw error;
        }
        const events = [];
        for (const event of split) {
          const { envelopes, trace } = await source.evaluate(event, deps.now(), { explain: true });
          events.push({ id: event.id, type: event.type, trace, commands: envelopes.map((e) => e.command) });
        }
        const count = events.reduce((sum, e) => sum + e.commands.length, 0);
        return {
          structured: { events },
          summary: `${events.length} events, ${count} commands would be queued (nothing was)`,
          audit: { outcome: 'ok' },
        };
      },
    }),
    defineTool({
      name: 'bridge_dlq_list',
      title: 'What is in the dead-letter queue',
      description:
        'Commands that failed for good, counted by reason (e.g. a user Userflow does not know, invalid attributes), with the oldest of each and the sources and rules they came from. queue: "webhooks" (default) or "sync".',
      input: z.strictObject({
        queue: z.enum(['webhooks', 'sync']).optional().describe('Which dead-letter queue; default webhooks.'),
      }),
      output: z
        .object({
          queue: z.string(),
          scanned: z.number(),
          complete: z.boolean(),
          reasons: z.array(z.unknown()),
        })
        .loose(),
      ...bridgeRead,
      run: async ({ args }) => {
        const name = args.queue ?? 'webhooks';
        const dlq = deps.dlqs?.[name];
        if (!dlq)
          throw new ToolRefusal('dlq_unavailable', `this bridge has no ${name} dead-letter queue to read`);
        const listing = await listDlq(dlq);
        return {
          structured: { queue: name, ...listing },
          summary: `${listing.scanned} dead messages in ${name}${listing.reasons.length ? `: ${listing.reasons.map((r) => `${r.reason} ${r.count}`).join(', ')}` : ''}`,
          audit: { outcome: 'ok' },
        };
      },
    }),
  ];
}
