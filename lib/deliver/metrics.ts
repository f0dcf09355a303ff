// Delivery metrics (CloudWatch EMF through Powertools Metrics): counts per outcome, by command kind, plus the alarms'
// own metrics (401, trail writes) without a dimension.
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export { METRICS_NAMESPACE } from '../metrics-namespace.ts';

export const DELIVERY_METRICS = {
  delivered: 'Delivered',
  retried: 'Retried',
  deadLettered: 'DeadLettered',
  throttled: 'Throttled',
  skipped: 'Skipped',
  duplicate: 'DuplicatesSuppressed',
  /** Alarm on this: Userflow refused the API key, nothing gets delivered until someone fixes it. */
  unauthorized: 'UserflowUnauthorized',
  /** Attempt records the trail did not take (down, read-only, too slow); delivery went on without them. */
  trailWriteFailed: 'TrailWriteFailed',
} as const;
export type DeliveryMetric = keyof typeof DELIVERY_METRICS;

/** One alarm each covers every command kind, so these carry no `action` dimension. */
const UNDIMENSIONED: ReadonlySet<DeliveryMetric> = new Set(['unauthorized', 'trailWriteFailed']);

/** Counts one invocation's outcomes, then publishes them as one EMF blob per command kind. */
export class BatchMetrics {
  readonly #counts = new Map<string, Map<DeliveryMetric, number>>();
  readonly #undimensioned = new Map<DeliveryMetric, number>();

  /** `action` is ignored for the undimensioned metrics. */
  count(metric: DeliveryMetric, action: string, by = 1): void {
    if (UNDIMENSIONED.has(metric)) {
      this.#undimensioned.set(metric, (this.#undimensioned.get(metric) ?? 0) + by);
      return;
    }
    const byMetric = this.#counts.get(action) ?? new Map<DeliveryMetric, number>();
    byMetric.set(metric, (byMetric.get(metric) ?? 0) + by);
    this.#counts.set(action, byMetric);
  }

  get(metric: DeliveryMetric, action?: string): number {
    if (UNDIMENSIONED.has(metric)) return this.#undimensioned.get(metric) ?? 0;
    if (action !== undefined) return this.#counts.get(action)?.get(metric) ?? 0;
    let total = 0;
    for (const byMetric of this.#counts.values()) total += byMetric.get(metric) ?? 0;
    return total;
  }

  publish(metrics: Metrics | undefined): void {
    if (!metrics) return;
    for (const [action, byMetric] of this.#counts) {
      metrics.addDimension('action', action);
      for (const [metric, value] of byMetric)
        metrics.addMetric(DELIVERY_METRICS[metric], MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    }
    // No `action` dimension: one alarm covers every command kind.
    if (this.#undimensioned.size > 0) {
      for (const [metric, value] of this.#undimensioned)
        metrics.addMetric(DELIVERY_METRICS[metric], MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    }
  }
}
