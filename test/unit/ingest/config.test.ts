// The ingest function's environment: defaults, bounds, and every bad variable named at once.
import { describe, expect, it } from 'vitest';
import { readIngestConfig } from '../../../lib/config/ingest.ts';
import { ConfigError } from '../../../lib/errors.ts';

const REQUIRED = {
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/commands.fifo',
  WEBHOOK_SECRETS_ID: 'userflow-bridge/webhook-secrets',
  IDEMPOTENCY_TABLE: 'ingest-idempotency',
};
const DEFAULTS = { rulesDir: '/var/task/rules' };

describe('readIngestConfig', () => {
  it('fills the defaults: 1 MiB body limit, rules next to the bundle, TTLs', () => {
    const config = readIngestConfig(REQUIRED, DEFAULTS);
    expect(config).toEqual({
      queue: { url: REQUIRED.QUEUE_URL },
      secrets: { secretId: REQUIRED.WEBHOOK_SECRETS_ID, maxAgeSeconds: 300 },
      idempotency: { tableName: REQUIRED.IDEMPOTENCY_TABLE, ttlSeconds: 4 * 24 * 3600 },
      rulesDir: '/var/task/rules',
      bodyLimitBytes: 1024 * 1024,
      maxEventsPerRequest: 1_000,
    });
  });

  it('takes overrides and endpoint variables', () => {
    const config = readIngestConfig(
      {
        ...REQUIRED,
        RULES_DIR: '/opt/rules',
        BODY_LIMIT_BYTES: '2048',
        AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566',
        PUBLIC_BASE_URL: 'https://hooks.example.com',
      },
      DEFAULTS,
    );
    expect(config.rulesDir).toBe('/opt/rules');
    expect(config.bodyLimitBytes).toBe(2048);
    expect(config.queue.endpoint).toBe('http://127.0.0.1:4566');
    expect(config.publicBaseUrl).toBe('https://hooks.example.com');
  });

  it('names every missing or bad variable in one error', () => {
    const error = (() => {
      try {
        readIngestConfig({ BODY_LIMIT_BYTES: 'lots', IDEMPOTENCY_TTL_SECONDS: '3600' }, DEFAULTS);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const named = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'QUEUE_URL',
        'WEBHOOK_SECRETS_ID',
        'IDEMPOTENCY_TABLE',
        'BODY_LIMIT_BYTES',
        'IDEMPOTENCY_TTL_SECONDS',
      ]),
    );
  });

  it('takes the events-per-request cap from MAX_EVENTS_PER_REQUEST, and refuses 0', () => {
    expect(
      readIngestConfig({ ...REQUIRED, MAX_EVENTS_PER_REQUEST: '50' }, DEFAULTS).maxEventsPerRequest,
    ).toBe(50);
    expect(() => readIngestConfig({ ...REQUIRED, MAX_EVENTS_PER_REQUEST: '0' }, DEFAULTS)).toThrow(
      ConfigError,
    );
  });

  it('refuses a body limit above what Lambda can receive', () => {
    expect(() =>
      readIngestConfig({ ...REQUIRED, BODY_LIMIT_BYTES: String(7 * 1024 * 1024) }, DEFAULTS),
    ).toThrow(ConfigError);
  });
});
