// The trail's note that a session alerted earlier was completed after all: in the attempt shape, like the agent
// tools' audit, so `events list --principal watch:<name>` and a user's timeline show it beside what was sent.
import { expiresAt } from '../trail/capture.ts';
import type { AttemptRecord } from '../trail/types.ts';
import type { AlertRecord } from './state.ts';

/** The `origin` and `action` of the note: no Userflow call was made, so no status or latency to report. */
export const WATCH_ORIGIN = 'watch';
export const COMPLETED_AFTER_ALERT = 'completed_after_alert';

export function completedAfterAlertNote(
  record: AlertRecord & { completed_at: string },
  now: Date,
  retentionDays: number,
): AttemptRecord {
  // One id per (watch, session): the note is written once, when the state first records the completion.
  const id = `watch:${record.watch}:${record.session_id}`;
  return {
    commandId: id,
    messageId: id,
    at: now.toISOString(),
    attempt: 1,
    action: COMPLETED_AFTER_ALERT,
    latencyMs: 0,
    outcome: COMPLETED_AFTER_ALERT,
    reason: `completed ${record.completed_at}, after ${record.alerts} alert(s), the last at ${record.alerted_at}`,
    source: WATCH_ORIGIN,
    userId: record.user_id,
    principal: `watch:${record.watch}`,
    origin: WATCH_ORIGIN,
    request: {
      session_id: record.session_id,
      alerted_at: record.alerted_at,
      completed_at: record.completed_at,
      alerts: record.alerts,
    },
    expiresAt: expiresAt(now, retentionDays),
  };
}
