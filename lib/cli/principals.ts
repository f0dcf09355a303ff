// `userflow-bridge principals create|list|revoke|rotate`: who may use the agent tools, and with which scopes.
import type { Command } from 'commander';
import type { PrincipalRecord } from '../mcp/principals.ts';
import type { PrincipalStore } from '../mcp/principals-store.ts';
import { UsageError } from './exit.ts';

// Only types are imported statically: the store and zod load inside the actions, so `--help` stays fast.

interface StoreFlags {
  localDir: string;
  table?: string;
  json?: boolean;
}

export function registerPrincipals(program: Command): void {
  const group = program
    .command('principals')
    .description('Tokens for the agent tools (`userflow-bridge mcp`, /mcp): create, list, revoke, rotate.');

  const withStore = (command: Command) =>
    command
      .option('--local-dir <dir>', 'where local mode keeps its state (principals.json, mode 0600)', '.local')
      .option('--table <name>', "the AWS stack's principals table (DynamoDB) instead of the local dir")
      .option('--json', 'print JSON');

  withStore(group.command('create'))
    .description('Create a principal and print its token once (only its SHA-256 is kept).')
    .argument('<name>', 'who holds it: an agent or a person (shown in the trail as agent:<name>)')
    .option(
      '--scopes <list>',
      'comma-separated: userflow:read, users:write, groups:write, memberships:write, events:write, delete, bridge:read, bridge:replay',
      'userflow:read',
    )
    .option('--expires <duration>', 'lifetime such as 30d, 12h or 90m (default: no expiry)')
    .action(async (name: string, flags: StoreFlags & { scopes: string; expires?: string }) => {
      const [{ parseScopes }, { parseDuration }, { createPrincipal }] = await Promise.all([
        import('../mcp/scopes.ts'),
        import('../mcp/principals.ts'),
        import('../mcp/principals-store.ts'),
      ]);
      const parsed = parseScopes(flags.scopes);
      if ('unknown' in parsed) throw new UsageError(`--scopes: unknown scope ${parsed.unknown.join(', ')}`);
      if (parsed.scopes.length === 0) throw new UsageError('--scopes: give at least one scope');
      const expiresInMs = flags.expires === undefined ? undefined : parseDuration(flags.expires);
      if (flags.expires !== undefined && expiresInMs === undefined) {
        throw new UsageError(`--expires must look like 30d, 12h or 90m, got "${flags.expires}"`);
      }
      const store = await openStore(flags);
      const { record, token } = await asUsage(() =>
        createPrincipal(
          store,
          { name, scopes: parsed.scopes, ...(expiresInMs !== undefined ? { expiresInMs } : {}) },
          { now: new Date() },
        ),
      );
      printIssued(record, token, flags, 'created');
    });

  withStore(group.command('list'))
    .description('List principals: name, scopes, status (active, expired, revoked), expiry. Never tokens.')
    .action(async (flags: StoreFlags) => {
      const { principalStatus } = await import('../mcp/principals.ts');
      const records = await (await openStore(flags)).list();
      const now = new Date();
      const rows = records.map(({ tokenSha256: _hash, ...rest }) => ({
        ...rest,
        status: principalStatus({ ...rest, tokenSha256: '' }, now),
      }));
      if (flags.json) return void process.stdout.write(`${JSON.stringify(rows)}\n`);
      if (rows.length === 0) return void process.stdout.write('no principals yet\n');
      for (const row of rows) {
        process.stdout.write(
          `${row.name}  ${row.status}  ${row.scopes.join(',')}  ${row.expiresAt ? `expires ${row.expiresAt}` : 'no expiry'}\n`,
        );
      }
    });

  withStore(group.command('revoke'))
    .description('Revoke a principal: its token fails on the next request (the record stays, for the trail).')
    .argument('<name>')
    .action(async (name: string, flags: StoreFlags) => {
      const { revokePrincipal } = await import('../mcp/principals-store.ts');
      const store = await openStore(flags);
      const record = await asUsage(() => revokePrincipal(store, name, new Date()));
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ name: record.name, revokedAt: record.revokedAt })}\n`
          : `revoked ${record.name}\n`,
      );
    });

  withStore(group.command('rotate'))
    .description(
      'Give a principal a new token (same scopes and expiry) and print it once; the old one stops working.',
    )
    .argument('<name>')
    .action(async (name: string, flags: StoreFlags) => {
      const { rotatePrincipal } = await import('../mcp/principals-store.ts');
      const store = await openStore(flags);
      const { record, token } = await asUsage(() => rotatePrincipal(store, name, { now: new Date() }));
      printIssued(record, token, flags, 'rotated');
    });
}

async function openStore(flags: StoreFlags): Promise<PrincipalStore> {
  if (flags.table) {
    // Region, credentials and AWS_ENDPOINT_URL_DYNAMODB come from the environment, as for every AWS command.
    const { openDynamoDbPrincipals } = await import('../mcp/principals-dynamodb.ts');
    return openDynamoDbPrincipals({ tableName: flags.table });
  }
  const { openPrincipalsFile, principalsPath } = await import('../mcp/principals-file.ts');
  return openPrincipalsFile(principalsPath(flags.localDir));
}

/** A name taken, unknown or malformed is the user's to fix: a plain usage error (exit 2), not a JSON failure. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  const { PrincipalError } = await import('../mcp/errors.ts');
  try {
    return await work();
  } catch (error) {
    if (error instanceof PrincipalError && error.status < 500) throw new UsageError(error.message);
    throw error;
  }
}

function printIssued(record: PrincipalRecord, token: string, flags: StoreFlags, verb: string): void {
  if (flags.json) {
    const { tokenSha256: _hash, ...rest } = record;
    process.stdout.write(`${JSON.stringify({ ...rest, token })}\n`);
    return;
  }
  process.stdout.write(
    `${verb} ${record.name} (${record.scopes.join(', ')})${record.expiresAt ? `, expires ${record.expiresAt}` : ''}\n` +
      `token (shown once, only its SHA-256 is kept):\n${token}\n`,
  );
}
