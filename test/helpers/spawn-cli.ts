// Runs `node bin/userflow-bridge.js …` as a user would, in a scratch checkout, and reads what it prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'userflow-bridge.js');

/** Only what node and tsx need: nothing of the developer's USERFLOW_* or AWS settings leaks into a test. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'LANG'];
  const env: Record<string, string> = {};
  for (const name of keep) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

export interface Checkout {
  dir: string;
  remove(): void;
}

/** A temp directory with the shipped `rules/` and `samples/`, as a fresh clone has (and no .env, no .local). */
export function scratchCheckout(options: { rules?: readonly string[] } = {}): Checkout {
  const dir = mkdtempSync(join(tmpdir(), 'ufb-e2e-'));
  const rules = options.rules;
  cpSync(join(REPO_ROOT, 'rules'), join(dir, 'rules'), {
    recursive: true,
    filter: (src) => !rules || !src.endsWith('.yaml') || rules.some((name) => src.endsWith(`/${name}`)),
  });
  cpSync(join(REPO_ROOT, 'samples'), join(dir, 'samples'), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SpawnedCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (or stderr with `stream`), rejects on exit or timeout. */
  waitFor(
    pattern: RegExp,
    options?: { timeoutMs?: number; stream?: 'stdout' | 'stderr' },
  ): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): SpawnedCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out.stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    out.stderr += chunk;
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const listener of listeners) listener();
    }),
  );
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    waitFor(pattern, { timeoutMs = 20_000, stream = 'stdout' } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out[stream].match(pattern);
          if (match) return done(() => resolve(match));
          if (hasExited || child.exitCode !== null || child.signalCode !== null) {
            return done(() =>
              reject(
                new Error(
                  `exited before ${pattern} appeared\nstdout:\n${out.stdout}\nstderr:\n${out.stderr}`,
                ),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new Error(
                  `no ${pattern} after ${timeoutMs} ms\nstdout:\n${out.stdout}\nstderr:\n${out.stderr}`,
                ),
              ),
            ),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs a command to completion. */
export async function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, options);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

export interface StartedBridge {
  cli: SpawnedCli;
  /** `http://127.0.0.1:N`. */
  ingestUrl: string;
  /** The sandbox base URL, when the bridge runs one. */
  sandboxUrl?: string;
  banner: string;
  /** Sends SIGINT and waits for the exit (SIGKILL after `timeoutMs`, and then the code is null). */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `userflow-bridge start` on free ports; resolves once the banner is printed. */
export async function startBridgeProcess(options: {
  cwd: string;
  args?: readonly string[];
  env?: Record<string, string>;
}): Promise<StartedBridge> {
  const cli = spawnCli(['start', '--port', '0', '--sandbox-port', '0', ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
  });
  try {
    await cli.waitFor(/Ctrl-C stops\./, { timeoutMs: 30_000 });
  } catch (error) {
    cli.child.kill('SIGKILL');
    throw error;
  }
  const banner = cli.stdout();
  const ingest = banner.match(/POST (http:\/\/127\.0\.0\.1:\d+)\/webhooks\//);
  if (!ingest?.[1]) throw new Error(`no webhook URL in the banner:\n${banner}`);
  const sandbox = banner.match(/Sandbox\s+(http:\/\/127\.0\.0\.1:\d+)/);
  return {
    cli,
    ingestUrl: ingest[1],
    ...(sandbox?.[1] ? { sandboxUrl: sandbox[1] } : {}),
    banner,
    async stop(timeoutMs = 10_000) {
      if (cli.child.exitCode !== null || cli.child.signalCode !== null) return cli.exited;
      cli.child.kill('SIGINT');
      const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
      const result = await cli.exited;
      clearTimeout(timer);
      return result;
    },
  };
}
