// Public surface of the DLQ operator tools: the reason attributes deliver writes on a dead letter, and listing,
// finding and redriving dead letters over any Queue (the CLI's `dlq`, the console, the agent tools).
export { DLQ_ATTRIBUTES, type DlqAttributeKey, type DlqReason, readDlqReason } from './dlq-attributes.ts';
export {
  type DlqFilter,
  type DlqListing,
  type DlqScanOptions,
  type DlqSource,
  FILTER_KEYS,
  findDeadLetter,
  listDlq,
  matchesFilter,
  type ReasonSummary,
  type RedriveOptions,
  type RedriveResult,
  redriveDlq,
  toRedriven,
} from './dlq-tools.ts';
