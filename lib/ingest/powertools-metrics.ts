// The ingest metrics port on Powertools Metrics (CloudWatch EMF): the one ingest module importing it.
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { INGEST_METRICS, type IngestMetrics } from './metrics.ts';

/**
 * One single-metric blob per count: ingest's dimensions differ from one count to the next (a rule per skip), and
 * a request has no batch end to publish at, as delivery's invocation has.
 */
export function powertoolsIngestMetrics(metrics: Metrics): IngestMetrics {
  return {
    count(metric, dimensions, value = 1) {
      try {
        const single = metrics.singleMetric();
        for (const [name, dimension] of Object.entries(dimensions)) single.addDimension(name, dimension);
        single.addMetric(INGEST_METRICS[metric], MetricUnit.Count, value);
      } catch {
        // A metric that cannot be written (too many dimensions, a bad name) must not fail the webhook.
      }
    },
  };
}
