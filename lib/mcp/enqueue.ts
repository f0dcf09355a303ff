// Writes as queued commands: the envelope a rule would produce, on the same FIFO queue, and waiting for delivery.
import { buildEnvelope, type Command, envelopeMessage } from '../commands/index.ts';
import type { Queue } from '../queue/queue.ts';
import type { TrailStore } from '../trail/store.ts';
import type { AttemptRecord } from '../trail/types.ts';
import { MCP_ORIGIN } from './audit.ts';

export interface QueuedCommand {
  commandId: string;
  status: 'queued';
}

export async function enqueueCommand(
  queue: Queue,
  input: { principal: string; tool: string; callId: string; command: Command; now: Date },
): Promise<QueuedCommand> {
  // Source and rule say who asked: delivery and the DLQ show `agent:<name>` / the tool where a webhook shows its source.
  const envelope = buildEnvelope({
    source: `agent:${input.principal}`,
    rule: input.tool,
    eventId: input.callId,
    index: 0,
    receivedAt: input.now,
    command: input.command,
  });
  await queue.send([envelopeMessage(envelope)]);
  return { commandId: envelope.id, status: 'queued' };
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** A delivery outcome that will not change: anything but a retry scheduled for later. */
const settled = (attempt: AttemptRecord) => attempt.origin !== MCP_ORIGIN && attempt.outcome !== 'retry';

/** The last delivery attempt once the command settled, or undefined when it had not within the time. */
export async function waitForDelivery(
  trail: TrailStore,
  commandId: string,
  options: WaitOptions,
): Promise<AttemptRecord | undefined> {
  const deadline = options.now() + options.timeoutMs;
  for (;;) {
    const attempts = await trail.attemptsFor([commandId]);
    const last = attempts.filter(settled).at(-1);
    if (last) return last;
    if (options.now() + options.pollMs > deadline) return undefined;
    await options.sleep(options.pollMs);
  }
}
