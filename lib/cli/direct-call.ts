// Direct writes from `userflow-bridge userflow …`, recorded in the event trail with who made them (`cli:<os user>`),
// so a change made by hand is as findable by user as one a webhook or a sync made. Reads are not recorded.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Env } from '../config/read-env.ts';
import { classifyFailure } from '../deliver/classify.ts';
import { expiresAt } from '../trail/capture.ts';
import type { AttemptRecord } from '../trail/types.ts';
import type { UserflowAction } from '../userflow/actions.ts';
import { openCliTrail, type TrailFlags } from './trail.ts';

/** One write as the trail records it: the action, the body sent, and the user and group it is about. */
export interface DirectCall {
  action: UserflowAction;
  /** What is sent (the `--data` body, or the ids of a delete); the API key is never part of it. */
  request: Record<string, unknown>;
  userId?: string | undefined;
  groupId?: string | undefined;
}

/** `cli:<os user>`; a process without a passwd entry (some containers) falls back to $USER. */
export function cliPrincipal(env: Env): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = env.USER ?? env.USERNAME;
  }
  return `cli:${name || 'unknown'}`;
}

/** The user and group a write body is about, read the way Userflow reads it. */
export function bodySubject(
  action: 'createOrUpdateUser' | 'createOrUpdateGroup' | 'trackEvent',
  body: Record<string, unknown>,
): Pick<DirectCall, 'userId' | 'groupId'> {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  if (action === 'createOrUpdateGroup') return { groupId: text(body.id) };
  if (action === 'trackEvent') return { userId: text(body.user_id), groupId: text(body.group_id) };
  const groups = Array.isArray(body.groups) ? body.groups : [];
  // One group joined: the write is about it too; several: none is singled out (as delivery does).
  const only = groups.length === 1 ? (groups[0] as { id?: unknown }) : undefined;
  return { userId: text(body.id), groupId: text(only?.id) };
}

export function directCallRecord(
  call: DirectCall,
  result: { at: Date; latencyMs: number; error?: unknown },
  who: { principal: string; retentionDays: number },
): AttemptRecord {
  // No queue message stands behind a direct call: one fresh id names it as both.
  const id = `cli-${randomUUID()}`;
  const failure = result.error === undefined ? undefined : classifyFailure(result.error);
  const status = failure ? failure.status : 200;
  return {
    commandId: id,
    messageId: id,
    at: result.at.toISOString(),
    attempt: 1,
    action: call.action,
    ...(status === undefined ? {} : { status }),
    latencyMs: result.latencyMs,
    outcome: failure ? 'failed' : 'delivered',
    ...(failure ? { reason: failure.reason } : {}),
    ...(failure?.userflowCode ? { userflowCode: failure.userflowCode } : {}),
    ...(call.userId === undefined ? {} : { userId: call.userId }),
    ...(call.groupId === undefined ? {} : { groupId: call.groupId }),
    principal: who.principal,
    origin: 'cli',
    request: call.request,
    expiresAt: expiresAt(result.at, who.retentionDays),
  };
}

/**
 * Makes the call and records it, whatever its answer. The trail is opened first, so a `--trail` naming no
 * backend stops the command before anything is written to Userflow; a trail that fails only warns.
 */
export async function recordedCall<T>(
  flags: TrailFlags,
  call: DirectCall,
  run: () => Promise<T>,
  io: { env: Env; warn: (line: string) => void; clock?: () => number },
): Promise<T> {
  const clock = io.clock ?? Date.now;
  const { store, config } = await openCliTrail(flags, io.env, io.warn);
  const started = clock();
  const record = (error?: unknown) =>
    directCallRecord(
      call,
      { at: new Date(started), latencyMs: clock() - started, ...(error === undefined ? {} : { error }) },
      { principal: cliPrincipal(io.env), retentionDays: config.retentionDays },
    );
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await run() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (store) {
    try {
      await store.putAttempt(record(outcome.ok ? undefined : outcome.error));
    } catch (error) {
      io.warn(`warning: the call was made but not recorded in the event trail: ${(error as Error).message}`);
    } finally {
      store.close();
    }
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
