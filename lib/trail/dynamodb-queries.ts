// Which partition of the trail table answers a listing, and what else must be filtered out of it. Pure: the
// store (dynamodb-store.ts) runs the plan; the key layout is in dynamodb-layout.ts.
import { FEED, type IndexName, indexPk, pointerPk } from './dynamodb-layout.ts';
import type { AttemptQuery, AttemptRecord, IntakeQuery, IntakeRecord, SyncRunQuery } from './types.ts';

export interface QueryPlan<T> {
  /** The partition key value read, newest first. */
  pk: string;
  /** The GSI holding it; the table itself when undefined. */
  index: IndexName | undefined;
  /** Whether `keep` may drop items, so pages are read larger than the limit. */
  filtered: boolean;
  /** For an index item (before the record is read): the filters its projected attributes can answer. */
  keepItem: (item: Record<string, unknown>) => boolean;
  /** For the record read: what only the record can answer. */
  keep: (record: T) => boolean;
}

const named = (...values: unknown[]) => values.filter((v) => v !== undefined).length;

/** The most selective key the query names picks the partition; whatever else it names filters that partition. */
export function intakePlan(query: IntakeQuery): QueryPlan<IntakeRecord> {
  const { source, outcome, userId, groupId } = query;
  const [pk, index]: [string, IndexName | undefined] =
    userId !== undefined
      ? [pointerPk.user(userId), undefined]
      : groupId !== undefined
        ? [pointerPk.group(groupId), undefined]
        : source !== undefined
          ? [indexPk.intakeSource(source), 'gsi2']
          : outcome !== undefined
            ? [indexPk.intakeOutcome(outcome), 'gsi3']
            : [FEED.intake, 'gsi1'];
  // A user's partition says nothing about groups; only the record does.
  const needsGroup = userId !== undefined && groupId !== undefined;
  return {
    pk,
    index,
    filtered: named(source, outcome, userId, groupId) > 1,
    keepItem: (item) =>
      (source === undefined || item.source === source) && (outcome === undefined || item.outcome === outcome),
    keep: (record) => !needsGroup || record.events.some((e) => e.commands.some((c) => c.groupId === groupId)),
  };
}

export function attemptPlan(query: AttemptQuery): QueryPlan<AttemptRecord> {
  const { userId, groupId, principal } = query;
  const [pk, index]: [string, IndexName] =
    userId !== undefined
      ? [indexPk.attemptUser(userId), 'gsi2']
      : groupId !== undefined
        ? [indexPk.attemptGroup(groupId), 'gsi3']
        : principal !== undefined
          ? [indexPk.attemptPrincipal(principal), 'gsi4']
          : [FEED.attempt, 'gsi1'];
  return {
    pk,
    index,
    filtered: named(userId, groupId, principal) > 1,
    keepItem: () => true,
    keep: (a) =>
      (userId === undefined || a.userId === userId) &&
      (groupId === undefined || a.groupId === groupId) &&
      (principal === undefined || a.principal === principal),
  };
}

export function syncRunPlan(query: SyncRunQuery): Pick<QueryPlan<never>, 'pk' | 'index'> {
  return query.name === undefined
    ? { pk: FEED.run, index: 'gsi1' }
    : { pk: indexPk.runName(query.name), index: 'gsi2' };
}
