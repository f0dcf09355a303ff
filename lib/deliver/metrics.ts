// Delivery metrics (CloudWatch EMF through Powertools Metrics): counts per outcome, by command kind, plus the 401 alarm.
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'UserflowBridge';

export const DELIVERY_METRICS = {
  delivered: 'Delivered',
  retried: 'Retried',
  deadLettered: 'DeadLettered',
  throttled: 'Throttled',
  skipped: 'Skipped',
  duplicate: 'DuplicatesSuppressed',
  /** Alarm on this: Userflow refused the API key, nothing gets delivered until someone fixes it. */
  unauthorized: 'UserflowUnauthorized',
} as const;
export type DeliveryMetric = keyof typeof DELIVERY_METRICS;

/** Counts one invocation's outcomes, then publishes them as one EMF blob per command kind. */
export class BatchMetrics {
  readonly #counts = new Map<string, Map<DeliveryMetric, number>>();
  #unauthorized = 0;

  count(metric: DeliveryMetric, action: string): void {
    if (metric === 'unauthorized') {
      this.#unauthorized += 1;
      return;
    }
    const byMetric = this.#counts.get(action) ?? new Map<DeliveryMetric, number>();
    byMetric.set(metric, (byMetric.get(metric) ?? 0) + 1);
    this.#counts.set(action, byMetric);
  }

  get(metric: DeliveryMetric, action?: string): number {
    if (metric === 'unauthorized') return this.#unauthorized;
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
    if (this.#unauthorized > 0) {
      metrics.addMetric(DELIVERY_METRICS.unauthorized, MetricUnit.Count, this.#unauthorized);
      metrics.publishStoredMetrics();
    }
  }
}
