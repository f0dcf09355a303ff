// One SQS record, start to finish: parse, resolve its user, make its call through the rate gate, then settle it —
// delivered, retried later or dead-lettered (dispose.ts decides, dispositions.ts carries it out). A record that
// leads a coalesced run (batch-plan.ts) sends the merged command; the records it carries settle as its call did.
import type { SQSRecord } from 'aws-lambda';
import type { Command, Envelope } from '../commands/index.ts';
import { BridgeError } from '../errors.ts';
import type { AuditRecord } from './audit.ts';
import type { DeliveryBatch } from './batch.ts';
import type { CarriedOutcome } from './batch-plan.ts';
import type { Failure } from './classify.ts';
import { resolveCommandUser } from './command-user.ts';
import type { Applied, Dispositions } from './dispositions.ts';
import {
  type DeleteNotFound,
  type DeliveryClient,
  type EffectivelyOnce,
  type ExecutionResult,
  runCommand,
} from './executor.ts';
import { failureFields, RecordRun, type RecordRunDeps } from './record-run.ts';
import type { UserLookupResolver } from './user-lookup.ts';

export interface RecordProcessorDeps extends RecordRunDeps {
  client: DeliveryClient;
  lookup: UserLookupResolver;
  once: EffectivelyOnce;
  deleteNotFound: DeleteNotFound;
  dispositions: Dispositions;
}

/** Thrown to fail a record in the batch processor once its retry has been arranged. */
export class RecordRetryError extends BridgeError {
  constructor(readonly failure: Failure) {
    super('retry_later', `retry later: ${failure.reason}`, { retryable: true });
  }
}

/** How far a record got: a result from Userflow, or the failure that stopped it. */
type Attempted =
  | { result: ExecutionResult; extra?: Partial<AuditRecord> }
  | { failure: Failure; outcome?: 'retry' | 'stopped'; attempt?: number };

export async function processRecord(
  record: SQSRecord,
  batch: DeliveryBatch,
  deps: RecordProcessorDeps,
): Promise<void> {
  const run = new RecordRun(record, batch, deps);
  const carried = batch.plan?.carriedBy(record.messageId);
  if (carried) return settleCarried(run, carried, deps);
  const attempted = await attempt(run, deps);
  if ('result' in attempted) {
    await deps.dispositions.settle(run, undefined);
    delivered(run, attempted.result, deps, attempted.extra);
    return;
  }
  const { failure } = attempted;
  const applied = await deps.dispositions.settle(run, failure, attempted.attempt);
  auditFailure(run, failure, applied, attempted.outcome);
  if (applied.kind === 'failed') throw new RecordRetryError(applied.failure);
}

async function attempt(run: RecordRun, deps: RecordProcessorDeps): Promise<Attempted> {
  const parsed = run.batch.envelopeOf(run.record);
  if (!parsed.ok) return { failure: run.failureOf(parsed.error) };
  run.envelope = parsed.envelope;
  const deferral = run.batch.deferral(deps.gate.snapshot(), deps.clock());
  if (deferral) return deferral;
  const { messageId } = run.record;
  const lead = run.batch.plan?.lead(messageId);
  if (lead) {
    const merged = await execute(run, lead.command, deps);
    if ('result' in merged) {
      run.batch.plan?.settled(messageId, {
        result: merged.result,
        commandId: parsed.envelope.id,
        userId: run.userId,
      });
      return { ...merged, extra: { alsoDelivers: lead.carries.map((c) => c.commandId) } };
    }
    if (merged.failure.kind !== 'permanent') return merged;
    run.batch.plan?.split(messageId);
  }
  return execute(run, parsed.envelope.command, deps);
}

/** Resolves the command's user, then makes its call. */
async function execute(run: RecordRun, command: Command, deps: RecordProcessorDeps): Promise<Attempted> {
  const ctx = {
    client: deps.client,
    call: run.call,
    lookup: deps.lookup,
    once: deps.once,
    commandId: (run.envelope as Envelope).id,
    deleteNotFound: deps.deleteNotFound,
  };
  try {
    const user = await resolveCommandUser(command, ctx);
    if (user.kind === 'missing') return { result: { outcome: 'skipped', reason: 'lookup_not_found' } };
    run.userId = user.userId;
    return { result: await runCommand(command, user.userId, ctx) };
  } catch (error) {
    return { failure: run.failureOf(error) };
  }
}

/** A record whose command an earlier record's call delivered: it settles as that call did, with no call. */
async function settleCarried(
  run: RecordRun,
  carried: CarriedOutcome,
  deps: RecordProcessorDeps,
): Promise<void> {
  const parsed = run.batch.envelopeOf(run.record);
  if (parsed.ok) run.envelope = parsed.envelope;
  run.userId = carried.userId;
  await deps.dispositions.settle(run, undefined);
  delivered(run, carried.result, deps, { deliveredBy: carried.commandId });
}

/** What each success is counted as, and the reason its audit gives. */
const SUCCESS = {
  delivered: { metric: 'delivered', reason: undefined },
  skipped: { metric: 'skipped', reason: undefined },
  already_gone: { metric: 'delivered', reason: 'userflow_not_found' },
  duplicate: { metric: 'duplicate', reason: 'already_delivered' },
} as const;

function delivered(
  run: RecordRun,
  result: ExecutionResult,
  deps: RecordProcessorDeps,
  extra: Partial<AuditRecord> = {},
): void {
  const { metric, reason: fixed } = SUCCESS[result.outcome];
  const reason = result.outcome === 'skipped' ? result.reason : fixed;
  run.batch.metrics.count(metric, run.kind);
  if (result.outcome === 'skipped') {
    deps.logger.info('command skipped', { commandId: run.envelope?.id, reason: result.reason });
  }
  run.audit(result.outcome, reason === undefined ? extra : { ...extra, reason });
}

function auditFailure(
  run: RecordRun,
  failure: Failure,
  applied: Applied,
  outcome?: 'retry' | 'stopped',
): void {
  if (applied.kind === 'deadLettered') run.audit('dead_lettered', failureFields(failure));
  else if (applied.kind === 'failed' && applied.dlqRefused !== undefined) {
    run.audit('retry', { reason: `dlq_send_failed:${applied.dlqRefused}` });
  } else if (applied.kind === 'failed') {
    run.audit(outcome ?? (failure.kind === 'unauthorized' ? 'stopped' : 'retry'), failureFields(failure));
  }
}
