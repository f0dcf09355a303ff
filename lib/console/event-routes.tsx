/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// One trail record's page and its Replay: a dry run first (what today's rules would queue), then a confirm that
// queues it. Origin and CSRF are checked for every POST by the access guard, before these handlers run.
import type { Context, Hono } from 'hono';
import { TrailError } from '../trail/errors.ts';
import type { IntakeRecord } from '../trail/index.ts';
import type { ConsoleDeps, ReplayResult } from './deps.ts';
import { href } from './layout.tsx';
import { commandIds, displayOutcome } from './outcome.ts';
import { EventDetailPage } from './pages/event-detail.tsx';
import { NotFound } from './pages/not-found.tsx';

/** Refusals the page states as such (409): everything else is a failure (500). */
const REFUSALS: ReadonlySet<string> = new Set(['body_not_stored', 'event_not_replayable']);

export function eventRoutes(app: Hono, deps: ConsoleDeps, csrf: string): void {
  const detail = async (
    c: Context,
    intake: IntakeRecord,
    extra: { preview?: ReplayResult; flash?: string; replayError?: string; eventId?: string },
    status: 200 | 409 = 200,
  ) => {
    const attempts = await deps.trail.attemptsFor(commandIds([intake]));
    return c.html(
      <EventDetailPage
        intake={intake}
        outcome={displayOutcome(intake, attempts)}
        attempts={attempts}
        replayAvailable={deps.replay !== undefined}
        csrf={csrf}
        {...extra}
      />,
      status,
    );
  };

  app.get('/events/:id', async (c) => {
    const intake = await deps.trail.findIntake(c.req.param('id'));
    if (!intake) return c.html(<NotFound what={`No trail record for ${c.req.param('id')}`} />, 404);
    const replayed = c.req.query('replayed') ?? '';
    // The flash is built from a number only: a crafted link cannot make the page say anything else.
    return detail(
      c,
      intake,
      /^\d+$/.test(replayed) ? { flash: `Replay queued ${replayed} command(s) on the webhook queue.` } : {},
    );
  });

  app.post('/events/:id/replay', async (c) => {
    const id = c.req.param('id');
    const intake = await deps.trail.findIntake(id);
    if (!intake) return c.html(<NotFound what={`No trail record for ${id}`} />, 404);
    if (!deps.replay)
      return c.text('replay is not available in this console: it has no queue to replay onto', 501);
    const form = await c.req.parseBody();
    const eventId = typeof form.event === 'string' && form.event ? form.event : (intake.eventIds[0] ?? '');
    const confirmed = form.confirm === '1';
    let result: ReplayResult;
    try {
      result = await deps.replay(intake, eventId, { dryRun: !confirmed });
    } catch (error) {
      if (!(error instanceof TrailError) || !REFUSALS.has(error.code)) throw error;
      return detail(c, intake, { replayError: `Replay refused: ${error.message}` }, 409);
    }
    if (!confirmed) return detail(c, intake, { preview: result, eventId });
    // The replay's own record tells its story: the commands it queued and, as they are delivered, their attempts.
    return c.redirect(
      href(`/events/${encodeURIComponent(result.replayId)}`, { replayed: result.queued }),
      303,
    );
  });
}
