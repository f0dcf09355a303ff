// The local Userflow sandbox: the documented REST API over HTTP on loopback, for tests, benches and `npm start`.

import { listen } from '../http-server.ts';
import type { SandboxFlags } from './flags.ts';
import { createHttpApp } from './http-app.ts';
import { createSandboxCore, SANDBOX_API_KEY, type SandboxOptions } from './sandbox.ts';
import { type SnapshotWriter, watchSnapshot } from './snapshot.ts';
import type { SandboxStatsSnapshot } from './stats.ts';
import type { SandboxStoreView } from './store-view.ts';

export { SandboxApiError } from './api-error.ts';
export type { FaultOptions } from './faults.ts';
export {
  DEFAULT_SANDBOX_FLAGS,
  resolveFlags,
  SANDBOX_PROFILES,
  type SandboxFlagOverrides,
  type SandboxFlags,
  type SandboxProfile,
} from './flags.ts';
export type * from './objects.ts';
export { USERFLOW_VERSIONS } from './pipeline.ts';
export type { RateLimitOptions } from './rate-limiter.ts';
export {
  createSandboxCore,
  demoSeed,
  SANDBOX_API_KEY,
  type SandboxCore,
  type SandboxOptions,
} from './sandbox.ts';
export { parseSeedDocument } from './seed/apply.ts';
export {
  mergeSeeds,
  ONBOARDING_CONTENT_ID,
  ONBOARDING_TASKS,
  ONBOARDING_VERSION_ID,
  type OnboardingSeedOptions,
  onboardingSeed,
} from './seed/onboarding.ts';
export type { SeedDocument } from './seed/schema.ts';
export type { SandboxStatsSnapshot } from './stats.ts';
export type { SandboxStoreView } from './store-view.ts';

export interface StartSandboxOptions extends SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Called after each answered request: the standalone `sandbox` command prints a line per call with it. */
  onRequest?: (request: SandboxRequestLine) => void;
}

export interface SandboxRequestLine {
  method: string;
  /** The path and query, as sent. */
  url: string;
  status: number;
  ms: number;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:N`: the API base URL (give it to the client as `baseUrl`). */
  url: string;
  port: number;
  /** The first accepted API key (`SANDBOX_API_KEY` unless `apiKeys` was given). */
  apiKey: string;
  flags: SandboxFlags;
  /** Read access to the state, in API shapes. */
  store: SandboxStoreView;
  stats(): SandboxStatsSnapshot;
  resetStats(): void;
  /** Writes the snapshot file now (no-op without `snapshotPath`). */
  saveSnapshot(): Promise<void>;
  /** Stops listening and writes the snapshot. Safe to call twice. */
  close(): Promise<void>;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const core = await createSandboxCore(options);
  const host = options.host ?? '127.0.0.1';
  const onRequest = options.onRequest;
  const handle: typeof core.handle = onRequest
    ? async (request) => {
        const started = performance.now();
        const response = await core.handle(request);
        onRequest({
          method: request.method,
          url: request.url,
          status: response.status,
          ms: Math.round(performance.now() - started),
        });
        return response;
      }
    : core.handle;
  const server = await listen(createHttpApp(handle), host, options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
  core.setOrigin(url);
  const snapshot: SnapshotWriter | undefined = options.snapshotPath
    ? watchSnapshot(core.store, options.snapshotPath, options.snapshotDebounceMs ?? 250)
    : undefined;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: server.port,
    apiKey: core.apiKeys[0] ?? SANDBOX_API_KEY,
    flags: core.flags,
    store: core.view,
    stats: () => core.stats.snapshot(),
    resetStats: () => core.stats.reset(),
    saveSnapshot: async () => snapshot?.flush(),
    close: () => {
      closing ??= (async () => {
        await server.close();
        await snapshot?.close();
      })();
      return closing;
    },
  };
}
