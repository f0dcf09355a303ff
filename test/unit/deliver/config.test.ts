import { describe, expect, it } from 'vitest';
import { readDeliverConfig } from '../../../lib/config/deliver.ts';
import { ConfigError } from '../../../lib/errors.ts';

const base = {
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/deliver.fifo',
  DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/deliver-dlq.fifo',
  USERFLOW_API_KEY_SECRET_ID: 'userflow-api-key',
  IDEMPOTENCY_TABLE: 'idempotency',
};

function problems(env: Record<string, string | undefined>): readonly string[] {
  try {
    readDeliverConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('readDeliverConfig', () => {
  it('applies the documented defaults', () => {
    const config = readDeliverConfig(base);
    expect(config.apiKey).toEqual({ secretId: 'userflow-api-key', maxAgeSeconds: 300 });
    expect(config.rate).toEqual({ limitPerSecond: 8, maxConcurrency: 2 });
    expect(config.lookup).toEqual({ strategy: 'query', ttlMs: 60_000 });
    expect(config.deleteNotFound).toBe('gone');
    expect(config.userflow).toEqual({ region: 'us', timeoutMs: 10_000 });
    expect(config.backoff).toEqual({ baseMs: 2_000, capMs: 300_000 });
  });

  it('reads numbers and flags from their variables', () => {
    const config = readDeliverConfig({
      ...base,
      USERFLOW_RATE_LIMIT: '25.5',
      MAX_CONCURRENCY: '5',
      USERFLOW_LOOKUP_FILTER: 'scan',
      USERFLOW_DELETE_NOT_FOUND: 'fail',
      USERFLOW_REGION: 'eu',
      USERFLOW_API_URL: 'http://127.0.0.1:4000',
    });
    expect(config.rate).toEqual({ limitPerSecond: 25.5, maxConcurrency: 5 });
    expect(config.lookup.strategy).toBe('scan');
    expect(config.deleteNotFound).toBe('fail');
    expect(config.userflow).toMatchObject({ region: 'eu', baseUrl: 'http://127.0.0.1:4000' });
  });

  it('reads the shared budget only with a table, with the class and the sync share the stack sets', () => {
    expect(readDeliverConfig(base).budget).toBeUndefined();
    expect(
      readDeliverConfig({ ...base, BUDGET_TABLE: 'budget', BUDGET_CLASS: 'sync', BUDGET_SYNC_SHARE: '0.25' })
        .budget,
    ).toEqual({ tableName: 'budget', budgetClass: 'sync', syncShare: 0.25 });
    expect(problems({ ...base, BUDGET_TABLE: 'budget', BUDGET_SYNC_SHARE: '1' }).join()).toMatch(
      /BUDGET_SYNC_SHARE/,
    );
  });

  it('takes the key from USERFLOW_API_KEY for local runs', () => {
    const { USERFLOW_API_KEY_SECRET_ID: _, ...env } = base;
    expect(readDeliverConfig({ ...env, USERFLOW_API_KEY: 'ak_local' }).apiKey).toEqual({ value: 'ak_local' });
  });

  it('wants exactly one source of the key', () => {
    expect(problems({ ...base, USERFLOW_API_KEY: 'ak_local' }).join()).toMatch(/USERFLOW_API_KEY_SECRET_ID/);
    const { USERFLOW_API_KEY_SECRET_ID: _, ...none } = base;
    expect(problems(none).join()).toMatch(/exactly one of USERFLOW_API_KEY/);
  });

  it('names every bad variable at once', () => {
    const found = problems({
      ...base,
      QUEUE_URL: 'not a url',
      MAX_CONCURRENCY: '0',
      USERFLOW_LOOKUP_FILTER: 'guess',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'MAX_CONCURRENCY',
      'QUEUE_URL',
      'USERFLOW_LOOKUP_FILTER',
    ]);
  });

  it('refuses a missing idempotency table', () => {
    const { IDEMPOTENCY_TABLE: _, ...env } = base;
    expect(problems(env).join()).toMatch(/IDEMPOTENCY_TABLE/);
  });
});
