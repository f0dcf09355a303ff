// Writes intake records so that the trail never decides a webhook's answer: the answer is settled first, a
// failed or slow write is logged and counted, never thrown, and a write is held to a short bound.
import type { Logger } from '../logger.ts';
import type { TrailStore } from '../trail/store.ts';
import type { IntakeRecord } from '../trail/types.ts';
import type { IngestMetrics } from './metrics.ts';
import { describeError } from './request-log.ts';

export interface TrailWriterOptions {
  store: TrailStore;
  logger: Logger;
  metrics?: IngestMetrics | undefined;
  /**
   * How long one write may take before it counts as failed. The response waits at most this long when writes
   * are awaited; Lambda freezes the process once the handler returns, so a write still pending then may never land.
   */
  timeoutMs: number;
  /**
   * Write after the response is handed back instead of before: for a long-lived server (local mode), where the
   * process outlives the request. Not for Lambda, which may freeze before the write ran.
   */
  background: boolean;
}

export interface TrailWriter {
  /** Builds and writes one record. Resolves, never rejects: at once in background mode, else once settled. */
  record(build: () => IntakeRecord): Promise<void>;
  /** Resolves when every write started so far has settled (a clean stop, and tests). */
  drain(): Promise<void>;
}

/** What a failed write's log line names: never the record's headers or body. */
type RecordIds = Pick<IntakeRecord, 'requestId' | 'source' | 'outcome'>;

/** One record's write; a late failure is not counted again once the timer has counted it. */
interface Put {
  ids: RecordIds;
  done: Promise<void>;
  settled: boolean;
}

export function createTrailWriter(options: TrailWriterOptions): TrailWriter {
  const pending = new Set<Promise<void>>();

  const failed = (reason: string, error: unknown, ids?: RecordIds) => {
    // Ids and the error's name and message only: the record itself (headers, body) is never logged.
    options.logger.error('trail write failed', {
      reason,
      ...ids,
      error: describeError(error),
    });
    options.metrics?.count('trailWriteFailed', {});
  };

  /**
   * Builds and stores records started together (one, or a background batch), then waits for them under one
   * timer. Only a record's ids are kept while its write is out: the builders and records (a webhook's body)
   * would otherwise outlive a young-generation collection and cost a full one.
   */
  const write = (builds: readonly (() => IntakeRecord)[]): Promise<void> => {
    const puts: Put[] = [];
    for (const build of builds) {
      let ids: RecordIds | undefined;
      try {
        const record = build();
        ids = { requestId: record.requestId, source: record.source, outcome: record.outcome };
        const put: Put = { ids, done: options.store.putIntake(record), settled: false };
        const written = ids;
        put.done = put.done.then(
          () => {
            put.settled = true;
          },
          (error: unknown) => {
            if (!put.settled) failed('write_failed', error, written);
            put.settled = true;
          },
        );
        puts.push(put);
      } catch (error) {
        failed('write_failed', error, ids);
      }
    }
    return puts.length === 0 ? Promise.resolve() : settled(puts);
  };

  /** A write still unanswered when the timer fires counts as failed now, since nothing waits longer. */
  const settled = async (puts: readonly Put[]): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs);
    });
    await Promise.race([Promise.all(puts.map((put) => put.done)), timedOut]);
    clearTimeout(timer);
    for (const put of puts) {
      if (put.settled) continue;
      put.settled = true;
      failed('timed_out', new Error(`no answer within ${options.timeoutMs} ms`), put.ids);
    }
  };

  const track = (running: Promise<void>) => {
    pending.add(running);
    void running.finally(() => pending.delete(running));
    return running;
  };

  // Background records are built once the turn that answered them ends (an immediate, not a microtask: the
  // responses are written out first) and go to the store together. Not later: until built, a record's builder
  // holds its request's body, events and commands, which would then outlive a young-generation collection (with
  // a 10 ms wait, scavenges took 10–20% longer). The SQLite store still commits many turns' records at once.
  let buffered: (() => IntakeRecord)[] = [];
  let immediate: NodeJS.Immediate | undefined;
  const flush = () => {
    if (immediate) clearImmediate(immediate);
    immediate = undefined;
    const batch = buffered;
    buffered = [];
    if (batch.length > 0) track(write(batch));
  };

  return {
    record(build) {
      if (!options.background) return track(write([build]));
      buffered.push(build);
      immediate ??= setImmediate(flush);
      return Promise.resolve();
    },
    async drain() {
      flush();
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
