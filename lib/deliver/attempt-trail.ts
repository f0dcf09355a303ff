// Delivery's side of the event trail: each batch's attempt records, buffered and written once the batch is done.
// The queue is the source of truth: a trail that fails or hangs is logged and counted, never a delivery outcome.
import { type Envelope, envelopeOrigin } from '../commands/index.ts';
import type { Logger } from '../logger.ts';
import { expiresAt } from '../trail/capture.ts';
import type { TrailStore } from '../trail/store.ts';
import type { AttemptRecord } from '../trail/types.ts';
import type { AuditedCall } from './audit.ts';

export interface AttemptTrailOptions {
  trail: TrailStore;
  retentionDays: number;
  /** Longest a batch waits for its trail writes before answering (the writes are not cancelled). */
  flushTimeoutMs: number;
  logger: Logger;
}

/** The attempt record of one audited call: the audit's fields, what was sent, and where the command came from. */
export function attemptRecord(
  call: AuditedCall,
  envelope: Envelope | undefined,
  retentionDays: number,
): AttemptRecord {
  const { audit, request } = call;
  const optional = {
    status: audit.status,
    reason: audit.reason,
    userflowCode: audit.userflowCode,
    source: audit.source,
    senderEventId: audit.senderEventId,
    userId: audit.userId,
    groupId: audit.groupId,
    principal: audit.principal,
    origin: envelope ? envelopeOrigin(envelope) : undefined,
    request,
    deliveredBy: audit.deliveredBy,
    alsoDelivers: audit.alsoDelivers,
  };
  return {
    // A record that is not an envelope has no command id: its message id is the only name it has.
    commandId: audit.commandId ?? audit.messageId,
    messageId: audit.messageId,
    at: audit.at,
    attempt: audit.attempt,
    action: audit.action,
    latencyMs: audit.latencyMs,
    outcome: audit.outcome,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    expiresAt: expiresAt(new Date(audit.at), retentionDays),
  };
}

/** One batch's attempt records: added as calls are audited, written together when the batch ends. */
export class AttemptBuffer {
  readonly #records: AttemptRecord[] = [];

  constructor(readonly options: AttemptTrailOptions) {}

  add(calls: readonly AuditedCall[], envelope: Envelope | undefined): void {
    for (const call of calls) this.#records.push(attemptRecord(call, envelope, this.options.retentionDays));
  }

  /**
   * Writes what was buffered and waits at most `flushTimeoutMs`. Returns how many writes failed or had not
   * finished by then (in Lambda an unfinished write is frozen with the environment, so it counts as lost).
   */
  async flush(): Promise<number> {
    const records = this.#records.splice(0);
    if (records.length === 0) return 0;
    const { trail, logger, flushTimeoutMs } = this.options;
    let failed = 0;
    let pending = records.length;
    let firstError: unknown;
    const writes = records.map((record) =>
      Promise.resolve()
        .then(() => trail.putAttempt(record))
        .catch((error: unknown) => {
          failed += 1;
          firstError ??= error;
        })
        .finally(() => {
          pending -= 1;
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    // Not unref'd: a hung write holds no handle of its own, and the batch must still get its answer.
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, flushTimeoutMs);
    });
    await Promise.race([Promise.all(writes), timedOut]);
    clearTimeout(timer);
    const lost = failed + pending;
    if (lost > 0) {
      logger.error('trail write failed: attempts not recorded, delivery goes on', {
        records: records.length,
        failed,
        unfinished: pending,
        ...(firstError === undefined ? {} : { error: errorText(firstError) }),
      });
    }
    return lost;
  }
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
