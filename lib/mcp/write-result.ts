// How a queued write answers: the command id and `queued`, the delivery outcome after `wait`, or a preview.
import * as z from 'zod';
import { type Command, type CommandInput, command as commandSchema } from '../commands/index.ts';
import { checkConfirmation, confirmationUse, issueConfirmation } from './confirm.ts';
import type { ToolDeps } from './deps.ts';
import { enqueueCommand, waitForDelivery } from './enqueue.ts';
import type { ToolCall, ToolOutcome } from './tool.ts';
import { ToolRefusal } from './tool-error.ts';

export const writeOutput = z.object({
  status: z
    .string()
    .describe('queued, confirmation_required, or after wait the delivery outcome (delivered, skipped, …)'),
  commandId: z.string().optional().describe('The queued command: find it with bridge_explain_event.'),
  delivery: z
    .object({ outcome: z.string(), status: z.number().optional(), reason: z.string().optional() })
    .optional(),
  waited: z
    .boolean()
    .optional()
    .describe('True when wait was asked for and the outcome was not in within 20 s.'),
  preview: z.record(z.string(), z.unknown()).optional().describe('What would be deleted or removed.'),
  confirm: z.string().optional().describe('Pass this back as confirm, with the same arguments, to go ahead.'),
  expiresAt: z.string().optional(),
  result: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Userflow's answer, for a call made directly."),
});

export const waitField = z
  .boolean()
  .optional()
  .describe(
    'Wait (up to 20 s) for the delivery outcome instead of answering as soon as the command is queued.',
  );

export const confirmField = z
  .string()
  .optional()
  .describe(
    'Leave out on the first call. The first call answers with a preview and a confirm token; show the preview to the user, and only if they agree call again with the same arguments and confirm set to that token.',
  );

/** The command a rule would produce, checked by the queue's own schema before it is sent. */
export function checkedCommand(input: CommandInput): Command {
  const result = commandSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`);
  throw new ToolRefusal('invalid_arguments', problems.join('; '), 'fix those fields and call again');
}

export async function queueWrite(
  deps: ToolDeps,
  tool: string,
  call: ToolCall<{ wait?: boolean | undefined }>,
  command: Command,
  extra: Pick<ToolOutcome['audit'], 'userId' | 'groupId' | 'confirmation'> = {},
): Promise<ToolOutcome> {
  const queued = await enqueueCommand(deps.queue, {
    principal: call.principal.name,
    tool,
    callId: call.callId,
    command,
    now: deps.now(),
  });
  const audit = { outcome: 'queued', commandId: queued.commandId, ...extra };
  if (!call.args.wait) {
    return {
      structured: { ...queued },
      summary: `queued ${command.type} as ${queued.commandId}: it is delivered in order after earlier commands for the same user`,
      audit,
    };
  }
  const attempt = deps.trail ? await waitForDelivery(deps.trail, queued.commandId, deps.wait) : undefined;
  if (!attempt) {
    return {
      structured: { ...queued, waited: true },
      summary: `queued ${command.type} as ${queued.commandId}; no delivery outcome yet (check later with bridge_explain_event)`,
      audit,
    };
  }
  const delivery = {
    outcome: attempt.outcome,
    ...(attempt.status !== undefined ? { status: attempt.status } : {}),
    ...(attempt.reason ? { reason: attempt.reason } : {}),
  };
  return {
    structured: { status: attempt.outcome, commandId: queued.commandId, delivery },
    summary: `${command.type} ${queued.commandId}: ${attempt.outcome}${attempt.reason ? ` (${attempt.reason})` : ''}`,
    audit: { ...audit, outcome: attempt.outcome },
  };
}

/**
 * The two-step gate of destructive tools. Without `confirm`: the preview and a token bound to these exact
 * arguments. With it: the token is checked and claimed in the trail, so that it confirms this one call only, and
 * `act` runs. `undefined` means "act"; an outcome means "stop here".
 */
export async function confirmation(
  deps: ToolDeps,
  tool: string,
  call: ToolCall<{ confirm?: string | undefined; wait?: boolean | undefined }>,
  describe: () => Promise<{ preview: Record<string, unknown>; summary: string }>,
): Promise<{ stop: ToolOutcome } | { confirmed: string }> {
  const { confirm, wait: _wait, ...bound } = call.args;
  const input = { principal: call.principal.name, tool, args: bound };
  if (confirm === undefined && call.ask) {
    const { preview, summary } = await describe();
    const answer = await call.ask(`${summary} Go ahead?`).catch(() => undefined);
    if (answer === 'accept') return { confirmed: 'elicitation:accept' };
    if (answer !== undefined) {
      return {
        stop: {
          structured: { status: 'declined', preview },
          summary: `Nothing was changed: the user answered ${answer} when asked. ${summary}`,
          audit: { outcome: 'declined', confirmation: `elicitation:${answer}` },
        },
      };
    }
    // The client failed to ask: fall back to the portable two-step confirm below.
  }
  if (confirm === undefined) {
    const { preview, summary } = await describe();
    const { token, expiresAt } = issueConfirmation(deps.confirmSecret, input, deps.now());
    return {
      stop: {
        structured: { status: 'confirmation_required', preview, confirm: token, expiresAt },
        summary: `Nothing was changed. ${summary} To go ahead, show this to the user and, if they agree, call ${tool} again with the same arguments and confirm: "${token}" (valid 5 minutes).`,
        audit: { outcome: 'confirmation_required', confirmation: 'issued' },
      },
    };
  }
  const check = checkConfirmation(deps.confirmSecret, confirm, input, deps.now());
  if (check !== 'ok') {
    throw new ToolRefusal(
      `confirmation_${check}`,
      check === 'expired'
        ? 'the confirmation token expired'
        : check === 'malformed'
          ? 'confirm is not a confirmation token'
          : 'the confirmation token was issued for other arguments',
      `call ${tool} without confirm to get a fresh preview and token`,
    );
  }
  // A trail outage rejects here: a destructive call the bridge cannot hold to one use is not made.
  const use = confirmationUse(confirm);
  if (deps.trail && !(await deps.trail.claimConfirmation(use.id, use.expiresAt))) {
    throw new ToolRefusal(
      'confirmation_used',
      'the confirmation token was already used: each one confirms a single call',
      `call ${tool} without confirm to get a fresh preview and token`,
    );
  }
  return { confirmed: 'token' };
}
