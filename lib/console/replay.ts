// The Replay button's port: the trail's replay (the same steps `events replay` runs) against the console's queue.
import { enqueue } from '../ingest/enqueue.ts';
import type { Queue } from '../queue/queue.ts';
import type { RuleSet } from '../rules/index.ts';
import { TrailError } from '../trail/errors.ts';
import { replayEvent } from '../trail/replay.ts';
import type { TrailStore } from '../trail/store.ts';
import type { ReplayFn } from './deps.ts';

export interface ReplayWiring {
  trail: Pick<TrailStore, 'findIntake' | 'putIntake'>;
  /** The rules in force now: a replay runs the stored body through today's rules, not the ones it met. */
  rules: () => RuleSet;
  /** The webhook queue deliveries read: the local one, or the stack's SQS queue. */
  queue: Queue;
  now?: () => Date;
}

export function replayThrough(wiring: ReplayWiring): ReplayFn {
  return async (intake, eventId, { dryRun }) => {
    const source = wiring.rules().get(intake.source);
    if (!source) {
      throw new TrailError(
        'event_not_replayable',
        `the rules in force define no source "${intake.source}", so nothing can replay its events`,
      );
    }
    const plan = await replayEvent({
      store: wiring.trail,
      intake,
      eventId,
      source,
      send: (envelopes) => enqueue(wiring.queue, envelopes),
      dryRun,
      now: (wiring.now ?? (() => new Date()))(),
    });
    const [event] = plan.record.events;
    return {
      replayId: plan.record.requestId,
      commands: event?.commands ?? [],
      rules: event?.rules ?? [],
      queued: dryRun ? 0 : plan.envelopes.length,
      dryRun,
    };
  };
}
