// The sync function's configuration: env variables named when wrong, sync files loaded by name, all problems listed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSyncConfig } from '../../../lib/config/sync.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { loadSyncFiles } from '../../../lib/sync/sync-files.ts';

const valid = {
  SYNC_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync.fifo',
  SYNC_STATE_TABLE: 'sync-state',
  SYNC_SECRETS_ID: 'userflow-bridge/sync-connections',
};

describe('readSyncConfig', () => {
  it('applies the defaults', () => {
    expect(readSyncConfig(valid, { filesDir: '/var/task/syncs' })).toEqual({
      filesDir: '/var/task/syncs',
      queue: { url: valid.SYNC_QUEUE_URL },
      state: { tableName: 'sync-state', runRetentionDays: 90 },
      secrets: { secretId: valid.SYNC_SECRETS_ID, maxAgeSeconds: 300 },
      connectTimeoutMs: 10_000,
    });
  });

  it('takes the endpoint overrides and the files directory', () => {
    const config = readSyncConfig(
      {
        ...valid,
        SYNC_FILES_DIR: '/tmp/syncs',
        AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      },
      { filesDir: '/var/task/syncs' },
    );
    expect(config.filesDir).toBe('/tmp/syncs');
    expect(config.queue.endpoint).toBe('http://127.0.0.1:9324');
    expect(config.state.endpoint).toBe('http://127.0.0.1:8000');
  });

  it.each([
    ['SYNC_QUEUE_URL', undefined],
    ['SYNC_QUEUE_URL', 'not a url'],
    ['SYNC_STATE_TABLE', undefined],
    ['SYNC_SECRETS_ID', ''],
    ['SYNC_RUN_RETENTION_DAYS', '0'],
  ])('names %s when it is %j', (name, value) => {
    const error = (() => {
      try {
        return readSyncConfig({ ...valid, [name]: value }, { filesDir: '/x' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });
});

describe('loadSyncFiles', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'ufb-syncs-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const users = 'connection: DATABASE_URL\nusers:\n  query: SELECT id FROM people\n';

  it('keys each YAML file by its sync name', async () => {
    const files = await loadSyncFiles(
      write({ 'app.yaml': users, 'b.yml': `name: crm\n${users}`, 'x.json': '{}' }),
    );
    expect([...files.keys()]).toEqual(['app', 'crm']);
    expect(files.get('crm')?.path).toBe(join(dir, 'b.yml'));
  });

  it('lists the problems of every broken file at once', async () => {
    const error = await loadSyncFiles(
      write({ 'a.yaml': 'connection: lower\nusers:\n  query: SELECT 1\n', 'b.yaml': 'connection: DB\n' }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      expect.stringMatching(/a\.yaml: connection: secret names are UPPER_SNAKE_CASE/),
      expect.stringMatching(/b\.yaml: .*give at least one of users, groups, memberships/),
    ]);
  });

  it('refuses two files with one sync name', async () => {
    await expect(
      loadSyncFiles(write({ 'app.yaml': users, 'other.yaml': `name: app\n${users}` })),
    ).rejects.toThrow(/two sync files are named app/);
  });
});
