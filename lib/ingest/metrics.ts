// Ingest's metrics port: what ingest counts, by name. The core only calls `count`; the Powertools adapter
// (powertools-metrics.ts) turns it into CloudWatch EMF, and local mode may pass nothing.

export const INGEST_METRICS = {
  /** Alarm on this: a webhook was answered but its trail record was not written (the queue still has it). */
  trailWriteFailed: 'TrailWriteFailed',
  /** A rule matched an event but produced nothing (a value evaluated to nothing), by source and rule. */
  rulesSkipped: 'RulesSkipped',
} as const;
export type IngestMetric = keyof typeof INGEST_METRICS;

export interface IngestMetrics {
  /** Adds `value` to the metric under these dimensions; must not throw (metrics never decide an answer). */
  count(metric: IngestMetric, dimensions: Readonly<Record<string, string>>, value?: number): void;
}
