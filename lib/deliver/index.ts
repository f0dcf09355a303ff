// Public surface of delivery: the handler factory (Lambda and local poller), its parts, and the audit sink.
export { type ApiKeySource, apiKeyReader, rotatingClient } from './api-key.ts';
export type { AuditOutcome, AuditRecord, AuditSink } from './audit.ts';
export { classifyFailure, type Failure, isNotFound } from './classify.ts';
export { ConsumerGate, type ConsumerRate } from './consumer-gate.ts';
export { DLQ_ATTRIBUTES, deadLetterMessage } from './dead-letter.ts';
export { type BackoffPolicy, type Disposition, dispose, retryVisibilitySeconds } from './dispose.ts';
export { IDEMPOTENCY_KEY_PREFIX } from './effectively-once.ts';
export { DeliveryError, type DeliveryErrorCode } from './errors.ts';
export {
  type DeleteNotFound,
  type DeliveryClient,
  type ExecutionResult,
  executeCommand,
} from './executor.ts';
export {
  createDeliverHandler,
  DEFAULT_BACKOFF,
  type DeliverDeps,
  type DeliverHandler,
} from './handler.ts';
export { jsonlAuditSink } from './jsonl-audit-sink.ts';
export { DELIVERY_METRICS, METRICS_NAMESPACE } from './metrics.ts';
export type { RateGate, Ticket } from './rate-gate.ts';
export { type AdaptiveRateOptions, AdaptiveTokenBucket, type RateSnapshot } from './token-bucket.ts';
export { type LookupStrategy, UserLookupResolver } from './user-lookup.ts';
