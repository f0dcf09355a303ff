// Where local mode delivers: the in-process Userflow sandbox, or the real API when USERFLOW_API_KEY is set.
import { existsSync } from 'node:fs';
import type { Env } from '../config/read-env.ts';
import { USERFLOW_TIMEOUT_MS } from '../policy.ts';
import { type RunningSandbox, startSandbox } from '../sandbox/index.ts';
import { UserflowClient, type UserflowRegion } from '../userflow/index.ts';
import { writeQuickStartSeed } from './sandbox-seed.ts';

/** `samples`: the demo data plus the user the sample payloads are about; the rest as the sandbox takes them. */
export type SandboxSeed = 'samples' | 'demo' | 'none' | (string & {});

export interface UserflowTargetOptions {
  /** The process environment over `.env`. */
  env: Env;
  /** Use the sandbox even when USERFLOW_API_KEY is set. */
  forceSandbox: boolean;
  /** Region of the real API (USERFLOW_API_URL wins). */
  region?: UserflowRegion;
  sandbox: { host: string; port: number; seed: SandboxSeed; snapshotPath: string; seedPath: string };
  timeoutMs?: number;
}

export type UserflowTarget = {
  client: UserflowClient;
  /** The API base URL the client calls. */
  baseUrl: string;
  /** The key it sends: with the base URL, it names the environment's budget. */
  apiKey: string;
  close(): Promise<void>;
} & ({ mode: 'sandbox'; snapshotPath: string; restored: boolean; sandbox: RunningSandbox } | { mode: 'api' });

export async function openUserflowTarget(options: UserflowTargetOptions): Promise<UserflowTarget> {
  const apiKey = options.env.USERFLOW_API_KEY?.trim();
  const timeoutMs = options.timeoutMs ?? USERFLOW_TIMEOUT_MS;
  if (apiKey && !options.forceSandbox) {
    const apiUrl = options.env.USERFLOW_API_URL?.trim();
    const client = new UserflowClient({
      apiKey,
      timeoutMs,
      ...(apiUrl ? { baseUrl: apiUrl } : { region: options.region ?? 'us' }),
    });
    return { mode: 'api', client, baseUrl: client.baseUrl, apiKey, close: async () => {} };
  }

  const { host, port, seed, snapshotPath, seedPath } = options.sandbox;
  const restored = existsSync(snapshotPath);
  const sandbox = await startSandbox({
    host,
    port,
    snapshotPath,
    // Read only when there is no snapshot yet: after the first run the sandbox carries on from where it was.
    seed: seed === 'samples' ? (restored ? 'none' : writeQuickStartSeed(seedPath)) : seed,
  });
  const client = new UserflowClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, timeoutMs });
  return {
    mode: 'sandbox',
    client,
    baseUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    snapshotPath,
    restored,
    sandbox,
    close: () => sandbox.close(),
  };
}
