// Skipped rules made visible: a WARN line per rule that matched but skipped (with the rules engine's reason),
// and the `RulesSkipped` count by source and rule, so an alarm can catch a rule file that drifted from payloads.
import type { Logger } from '../logger.ts';
import { isSkipped } from '../rules/decisions.ts';
import type { IngestMetrics } from './metrics.ts';
import type { EventSummary } from './pipeline.ts';

export function reportSkips(
  logger: Logger,
  metrics: IngestMetrics | undefined,
  source: string,
  events: readonly EventSummary[],
): void {
  const counts = new Map<string, number>();
  for (const event of events) {
    for (const entry of event.trace ?? []) {
      const whole = isSkipped(entry);
      // A rule whose other commands went out still lost one: worth the same line, not the skip count.
      if (!whole && !(entry.matched && entry.skipped?.length)) continue;
      // Reasons name rule paths and templates, never payload values (rules engine, actions.ts).
      logger.warn(whole ? 'rule skipped' : 'rule action skipped', {
        source,
        eventId: event.id,
        rule: entry.rule,
        reason: entry.reason,
      });
      if (whole) counts.set(entry.rule, (counts.get(entry.rule) ?? 0) + 1);
    }
  }
  for (const [rule, count] of counts) metrics?.count('rulesSkipped', { source, rule }, count);
}
