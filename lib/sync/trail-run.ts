// A sync run as the event trail tells it: one SyncRunRecord written when the run starts and replaced when it ends.
// The trail is a witness, not a gate: a write that fails is reported and the run's own result stands.
import { randomUUID } from 'node:crypto';
import { expiresAt } from '../trail/capture.ts';
import type { TrailStore } from '../trail/store.ts';
import type { SyncRunRecord } from '../trail/types.ts';
import { DeletionCapError } from './errors.ts';
import { runSync, type SyncResult, type SyncRunOptions } from './run-sync.ts';
import type { RunCounts } from './state-store.ts';

export interface SyncRunTrail {
  trail: TrailStore;
  retentionDays: number;
  /** Told about a trail write that failed (the CLI prints it, the Lambda logs it). */
  onTrailError: (error: unknown) => void;
  /** Default: a random UUID (the state store's run id is only known once the run has started). */
  runId?: () => string;
}

/** The trail's word for how a run ended: a tripped deletion cap is a refusal, not a crash. */
export function syncRunOutcome(dryRun: boolean, error?: unknown): SyncRunRecord['outcome'] {
  if (error === undefined) return dryRun ? 'dry_run' : 'completed';
  return error instanceof DeletionCapError ? 'refused' : 'failed';
}

/** `runSync`, recorded in the trail when one is given. */
export async function runSyncRecorded(
  options: SyncRunOptions,
  recording: SyncRunTrail | undefined,
): Promise<SyncResult> {
  if (!recording) return runSync(options);
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock();
  const dryRun = options.dryRun ?? false;
  // The live counts, as progress reports them: what a failed run had done by then.
  let counts: RunCounts | undefined;
  const record = (fields: Pick<SyncRunRecord, 'outcome' | 'counts'> & Partial<SyncRunRecord>) =>
    recording.trail
      .putSyncRun({
        runId,
        name: options.file.name,
        startedAt: startedAt.toISOString(),
        ...fields,
        expiresAt: expiresAt(startedAt, recording.retentionDays),
      })
      .catch(recording.onTrailError);
  const runId = (recording.runId ?? randomUUID)();

  await record({ outcome: 'running', counts: {} });
  try {
    const result = await runSync({
      ...options,
      clock: () => startedAt,
      onProgress: (progress) => {
        counts = progress.counts;
        options.onProgress?.(progress);
      },
    });
    await record({
      outcome: syncRunOutcome(dryRun),
      counts: { ...result.counts },
      finishedAt: clock().toISOString(),
    });
    return result;
  } catch (error) {
    await record({
      outcome: syncRunOutcome(dryRun, error),
      counts: { ...counts },
      finishedAt: clock().toISOString(),
      error: (error as Error).message,
    });
    throw error;
  }
}
