// Ingest's metrics: skipped rules counted by source and rule and logged at WARN, and the Powertools adapter
// writing each count as its own EMF blob with its dimensions.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventSummary } from '../../../lib/ingest/index.ts';
import type { IngestMetric, IngestMetrics } from '../../../lib/ingest/metrics.ts';
import { powertoolsIngestMetrics } from '../../../lib/ingest/powertools-metrics.ts';
import { reportSkips } from '../../../lib/ingest/skips.ts';
import { createLogger } from '../../../lib/logger.ts';
import { captureLogs, type LogCapture } from './fakes.ts';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function counting(): IngestMetrics & { counts: [IngestMetric, object, number][] } {
  const counts: [IngestMetric, object, number][] = [];
  return { counts, count: (metric, dims, value = 1) => void counts.push([metric, { ...dims }, value]) };
}

const event = (id: string, trace: EventSummary['trace']): EventSummary => ({
  id,
  outcome: 'accepted',
  commands: 0,
  ...(trace ? { trace } : {}),
});

describe('reportSkips', () => {
  it('counts whole-rule skips per rule across a batch, and logs each skip and each skipped action at WARN', () => {
    const metrics = counting();
    reportSkips(createLogger({ service: 'ingest' }), metrics, 'hubspot', [
      event('1', [{ rule: 'a', matched: true, commands: 0, reason: 'skipped: required email has no value' }]),
      event('2', [
        { rule: 'a', matched: true, commands: 0, reason: 'skipped: required email has no value' },
        {
          rule: 'b',
          matched: true,
          commands: 1,
          reason: 'skipped: do[1].user_id: x evaluated to nothing',
          skipped: [{ action: 1, reason: 'do[1].user_id: x evaluated to nothing' }],
        },
        { rule: 'c', matched: true, commands: 2 },
      ]),
      event('3', undefined),
    ]);
    expect(metrics.counts).toEqual([['rulesSkipped', { source: 'hubspot', rule: 'a' }, 2]]);
    const warnings = logs.entries().filter((e) => e.level === 'WARN');
    expect(warnings.map((w) => [w.message, w.eventId, w.rule])).toEqual([
      ['rule skipped', '1', 'a'],
      ['rule skipped', '2', 'a'],
      ['rule action skipped', '2', 'b'],
    ]);
  });
});

describe('powertoolsIngestMetrics', () => {
  it('writes one EMF blob per count, with its own dimensions under the namespace', () => {
    const metrics = powertoolsIngestMetrics(
      new Metrics({ namespace: 'UserflowBridge', serviceName: 'ingest' }),
    );
    metrics.count('rulesSkipped', { source: 'stripe', rule: 'team-membership' }, 3);
    metrics.count('trailWriteFailed', {});
    const blobs = logs.entries().filter((e) => '_aws' in e);
    expect(blobs).toHaveLength(2);
    expect(blobs[0]).toMatchObject({ source: 'stripe', rule: 'team-membership', RulesSkipped: 3 });
    expect(blobs[1]).toMatchObject({ TrailWriteFailed: 1 });
    expect(blobs[1]).not.toHaveProperty('rule');
  });
});
