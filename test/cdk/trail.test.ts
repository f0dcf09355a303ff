// Template tests of the trail table: the layout lib/trail/dynamodb-store.ts writes, kept safe and cheap.
import { describe, expect, it } from 'vitest';
import { TRAIL_TABLE_SCHEMA } from '../../lib/trail/dynamodb-layout.ts';
import { buildStack, logicalId, resourcesOf } from './helpers/stack.ts';

const built = buildStack();
const table = resourcesOf(built)[logicalId(built, built.stack.trail.table)];
const props = table?.Properties ?? {};
const envOf = (fn: { node: { defaultChild?: unknown } }) =>
  resourcesOf(built)[logicalId(built, fn)]?.Properties.Environment.Variables;

describe('trail table', () => {
  it('is on-demand, encrypted under KMS, recoverable to a point in time, and expires records on expiresAt', () => {
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    // SSEEnabled without a key id: the AWS-managed aws/dynamodb KMS key (not the default AWS-owned one).
    expect(props.SSESpecification).toEqual({ SSEEnabled: true });
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('has the key schema and indexes the store queries', () => {
    expect(props.KeySchema).toEqual([
      { AttributeName: TRAIL_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TRAIL_TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = props.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((i) => i.IndexName)).toEqual(TRAIL_TABLE_SCHEMA.indexes.map((i) => i.name));
    for (const index of TRAIL_TABLE_SCHEMA.indexes) {
      expect(indexes.find((i) => i.IndexName === index.name)?.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
    }
  });

  it('never copies an intake (its body) into an index', () => {
    for (const index of props.GlobalSecondaryIndexes as { Projection: Record<string, unknown> }[]) {
      expect(index.Projection.ProjectionType).toBe('INCLUDE');
      expect(index.Projection.NonKeyAttributes).not.toContain('intake');
      expect(index.Projection.NonKeyAttributes).toContain('attempt');
    }
  });

  it('outlives the stack: deleting the stack does not delete the record of what was sent', () => {
    expect((table as { DeletionPolicy?: string } | undefined)?.DeletionPolicy).toBe('Retain');
  });

  it('is named to ingest and deliver as TRAIL_TABLE_NAME', () => {
    const ref = { Ref: logicalId(built, built.stack.trail.table) };
    expect(envOf(built.stack.ingest.fn).TRAIL_TABLE_NAME).toEqual(ref);
    expect(envOf(built.stack.deliver.fn).TRAIL_TABLE_NAME).toEqual(ref);
  });
});
