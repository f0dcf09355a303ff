// Public surface of ingest: the Hono app factory and its dependencies; the pipeline for callers without HTTP.
export {
  createIngestApp,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_IDEMPOTENCY_TTL_SECONDS,
  DEFAULT_TRAIL_WRITE_TIMEOUT_MS,
  type IngestApp,
  type IngestDeps,
} from './app.ts';
export {
  createDedupe,
  type Dedupe,
  type DedupeOptions,
  type EventResult,
  MIN_TTL_SECONDS,
} from './dedupe.ts';
export { IngestError, type IngestErrorCode } from './errors.ts';
// The Powertools adapter (powertools-metrics.ts) is imported on its own, by the Lambda function only.
export { INGEST_METRICS, type IngestMetric, type IngestMetrics } from './metrics.ts';
export {
  type AcceptedBody,
  createIngestPipeline,
  type EventSummary,
  type IngestOutcome,
  type IngestPipeline,
  type IngestRules,
  type IngestSource,
} from './pipeline.ts';
export type { ReadinessCheck } from './readiness.ts';
