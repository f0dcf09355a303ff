// The status page's numbers: queue depth and oldest age per queue, and Userflow calls, 429s and retries lately.
import type { AttemptRecord, TrailStore } from '../trail/index.ts';
import type { ConsoleQueuePair } from './deps.ts';

export interface QueueStat {
  name: string;
  visible?: number;
  inFlight?: number;
  /** Seconds since the oldest message was sent, when the queue can be browsed (the embedded one). */
  oldestAgeSeconds?: number;
  error?: string;
}

export async function queueStats(pairs: readonly ConsoleQueuePair[], now: Date): Promise<QueueStat[]> {
  const stats: QueueStat[] = [];
  for (const pair of pairs) {
    stats.push(await oneQueue(pair.name, pair.main, now), await oneQueue(`${pair.name}-dlq`, pair.dlq, now));
  }
  return stats;
}

async function oneQueue(name: string, queue: ConsoleQueuePair['main'], now: Date): Promise<QueueStat> {
  try {
    const counts = await queue.counts?.();
    const messages = queue.browse ? await queue.browse() : undefined;
    const oldest = messages?.reduce((min, m) => Math.min(min, m.sentAt), Number.POSITIVE_INFINITY);
    return {
      name,
      ...(counts ? { visible: counts.visible, inFlight: counts.inFlight } : {}),
      ...(oldest !== undefined && Number.isFinite(oldest)
        ? { oldestAgeSeconds: Math.max(0, Math.round((now.getTime() - oldest) / 1000)) }
        : {}),
    };
  } catch (error) {
    return { name, error: (error as Error).message };
  }
}

export interface CallBucket {
  /** Start of the minute, epoch ms. */
  at: number;
  calls: number;
  throttled: number;
}

export interface CallStats {
  /** One bucket per minute over the window, oldest first. */
  buckets: CallBucket[];
  last5: { calls: number; throttled: number; retries: number; perSecond: number };
  /** True when the window held more attempts than were read: the counts are a floor. */
  truncated: boolean;
}

const ATTEMPT_LIMIT = 20_000;

export async function callStats(trail: TrailStore, now: Date, minutes = 15): Promise<CallStats> {
  const since = new Date(now.getTime() - minutes * 60_000);
  const attempts = await trail.listAttempts({ since, limit: ATTEMPT_LIMIT });
  return { ...summariseCalls(attempts, now, minutes), truncated: attempts.length >= ATTEMPT_LIMIT };
}

/** Pure: attempts into per-minute buckets and last-five-minute totals. */
export function summariseCalls(
  attempts: readonly AttemptRecord[],
  now: Date,
  minutes: number,
): Omit<CallStats, 'truncated'> {
  const end = Math.floor(now.getTime() / 60_000) * 60_000;
  const buckets: CallBucket[] = [];
  for (let i = minutes - 1; i >= 0; i--) buckets.push({ at: end - i * 60_000, calls: 0, throttled: 0 });
  const fiveAgo = now.getTime() - 5 * 60_000;
  const last5 = { calls: 0, throttled: 0, retries: 0, perSecond: 0 };
  for (const a of attempts) {
    const t = Date.parse(a.at);
    if (!Number.isFinite(t)) continue;
    // An attempt without a status made no Userflow call (skipped before sending).
    const called = a.status !== undefined;
    const bucket = buckets[Math.floor((t - (buckets[0]?.at ?? 0)) / 60_000)];
    if (bucket && called) {
      bucket.calls++;
      if (a.status === 429) bucket.throttled++;
    }
    if (t >= fiveAgo) {
      if (called) last5.calls++;
      if (a.status === 429) last5.throttled++;
      if (a.outcome === 'retry') last5.retries++;
    }
  }
  last5.perSecond = Math.round((last5.calls / 300) * 100) / 100;
  return { buckets, last5 };
}

/** Queue depth samples kept in memory for the depth chart (the console's own, since it started). */
export class DepthHistory {
  readonly #samples: { at: number; depth: number }[] = [];
  constructor(
    private readonly keepMs = 15 * 60_000,
    private readonly everyMs = 5_000,
  ) {}

  record(at: number, depth: number): void {
    const last = this.#samples.at(-1);
    if (last && at - last.at < this.everyMs) {
      last.depth = depth;
    } else {
      this.#samples.push({ at, depth });
    }
    while (this.#samples.length > 0 && (this.#samples[0]?.at ?? at) < at - this.keepMs) this.#samples.shift();
  }

  samples(): readonly { at: number; depth: number }[] {
    return this.#samples;
  }
}
