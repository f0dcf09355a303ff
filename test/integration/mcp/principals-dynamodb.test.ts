// The AWS principals store against the DynamoDB emulator, behind the cache the MCP function reads it through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../../lib/mcp/principals.ts';
import { cachedPrincipals } from '../../../lib/mcp/principals-cache.ts';
import { openDynamoDbPrincipals } from '../../../lib/mcp/principals-dynamodb.ts';
import { createPrincipal, revokePrincipal } from '../../../lib/mcp/principals-store.ts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '../../helpers/dynamodb-emulator.ts';

let emulator: DynamoDbEmulator;
beforeAll(async () => {
  emulator = await startDynamoDbEmulator();
  await emulator.createTable('principals', { partitionKey: 'name' });
});
afterAll(async () => emulator?.close());

describe('principals in DynamoDB', () => {
  it('a revocation is seen by a cached reader once its window passes, and not before', async () => {
    const table = openDynamoDbPrincipals({ tableName: 'principals', client: emulator.clientConfig });
    const now = new Date();
    const { token } = await createPrincipal(
      table,
      { name: 'lambda-agent', scopes: ['userflow:read'] },
      { now },
    );
    expect(await authenticate(token, table.findByTokenHash, now)).toMatchObject({
      scopes: ['userflow:read'],
    });
    let clock = 0;
    const reader = cachedPrincipals(table, { maxAgeMs: 60_000, now: () => clock });
    expect(await authenticate(token, reader.findByTokenHash, now)).toMatchObject({ name: 'lambda-agent' });

    await revokePrincipal(table, 'lambda-agent', now);
    clock = 59_999;
    expect(await authenticate(token, reader.findByTokenHash, now)).toMatchObject({ name: 'lambda-agent' });
    clock = 60_000;
    await expect(authenticate(token, reader.findByTokenHash, now)).rejects.toMatchObject({
      code: 'revoked_token',
    });
    expect((await table.list()).map((r) => r.name)).toEqual(['lambda-agent']);
  });

  it('an unreachable table is a retryable principals_unavailable, and the failure is not cached', async () => {
    const down = openDynamoDbPrincipals({
      tableName: 'principals',
      client: { ...emulator.clientConfig, endpoint: 'http://127.0.0.1:9' },
    });
    const reader = cachedPrincipals(down);
    await expect(reader.list()).rejects.toMatchObject({ code: 'principals_unavailable', retryable: true });
    await expect(reader.list()).rejects.toMatchObject({ code: 'principals_unavailable' });
  });
});
