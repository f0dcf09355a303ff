// `userflow-bridge dev-db`: a throwaway PostgreSQL with the sync example's tables, until Ctrl-C.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Command } from 'commander';
import { UsageError } from './exit.ts';

/** Not 5432, so it never meets a PostgreSQL already on the machine; the README's URL uses it. */
export const DEV_DB_DEFAULT_PORT = 54329;

interface DevDbFlags {
  port: string;
  sql: string;
  verbose?: boolean;
}

export function registerDevDb(program: Command): void {
  program
    .command('dev-db')
    .description(
      'Run a throwaway PostgreSQL loaded with the sync example (syncs/example-db.sql); Ctrl-C stops it and deletes its data',
    )
    .option('--port <n>', 'port to listen on (127.0.0.1)', String(DEV_DB_DEFAULT_PORT))
    .option('--sql <file>', "SQL to load once started ('none' for an empty database)", 'syncs/example-db.sql')
    .option('--verbose', "print the server's own log")
    .addHelpText(
      'after',
      `\nThen, in another terminal:\n  export DATABASE_URL=postgres://postgres:postgres@127.0.0.1:${DEV_DB_DEFAULT_PORT}/postgres\n  npx userflow-bridge sync run syncs/example.yaml --dry-run`,
    )
    .action(async (flags: DevDbFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new UsageError(`--port must be an integer between 1 and 65535, got '${flags.port}'`);
      // Read first: a mistyped path is a usage error before anything starts.
      const sql = flags.sql === 'none' ? undefined : await readFile(flags.sql, 'utf8');
      if (!(await portFree(port))) throw new UsageError(`127.0.0.1:${port} is already in use: pass --port N`);

      // Ctrl-C or SIGTERM ends the wait; the finally below stops the server and deletes its data.
      let signalled: () => void = () => {};
      const signal = new Promise<void>((resolve) => {
        signalled = () => {
          process.stderr.write('\nstopping PostgreSQL and deleting its data…\n');
          resolve();
        };
      });
      process.once('SIGINT', signalled);
      process.once('SIGTERM', signalled);

      const { runsAsPostgresUser, startDevDb } = await import('../local/dev-db.ts');
      process.stderr.write(
        runsAsPostgresUser()
          ? 'starting a throwaway PostgreSQL as the `postgres` user (root may not run it; the user is created if missing)…\n'
          : 'starting a throwaway PostgreSQL…\n',
      );
      const db = await startDevDb({
        port,
        ...(flags.verbose ? { onLog: (line: string) => process.stderr.write(line) } : {}),
      });
      try {
        if (sql !== undefined) await load(db.url, sql);
        process.stdout.write(`DATABASE_URL=${db.url}\n`);
        process.stdout.write(`data: ${db.dataDir}\n`);
        process.stdout.write(
          `${sql !== undefined ? `loaded ${flags.sql}; ` : ''}up until Ctrl-C, which stops it and deletes its data.\n`,
        );
        await signal;
      } finally {
        process.off('SIGINT', signalled);
        process.off('SIGTERM', signalled);
        await db.stop();
      }
    });
}

async function load(url: string, sql: string): Promise<void> {
  const { connectPostgres } = await import('../sync/postgres.ts');
  const db = await connectPostgres({ url, label: 'the dev database' });
  try {
    await db.query(sql);
  } finally {
    await db.close();
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
