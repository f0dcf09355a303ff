// Assembles the transport-neutral sandbox: store, seed/snapshot, rate limiter, faults, stats and the pipeline.

import { randomUUID } from 'node:crypto';
import type { ApiContext } from './api/context.ts';
import { ROUTES } from './api/routes.ts';
import type { FaultOptions } from './faults.ts';
import { resolveFlags, type SandboxFlagOverrides, type SandboxFlags, type SandboxProfile } from './flags.ts';
import { createPipeline, type RawRequest, type RawResponse } from './pipeline.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limiter.ts';
import { Renderer } from './render.ts';
import { Router } from './router.ts';
import { applySeed, parseSeedDocument } from './seed/apply.ts';
import { DEMO_SEED } from './seed/demo.ts';
import type { SeedDocument } from './seed/schema.ts';
import { readJsonFile, snapshotExists } from './snapshot.ts';
import { SandboxStats } from './stats.ts';
import { SandboxStore } from './store.ts';
import { SandboxStoreView } from './store-view.ts';

/** The key a default sandbox accepts (`Authorization: Bearer ak_sandbox`). */
export const SANDBOX_API_KEY = 'ak_sandbox';

export interface SandboxOptions {
  /** Accepted bearer tokens; default `[SANDBOX_API_KEY]`; `[]` accepts any non-empty token. */
  apiKeys?: readonly string[];
  rateLimit?: RateLimitOptions;
  faults?: FaultOptions;
  /**
   * `demo` (default): the demo data set; `none`: empty; another string: a seed file path; an object: a seed
   * document (e.g. `demoSeed()` plus your own users). Ignored when the snapshot file exists.
   */
  seed?: 'demo' | 'none' | (string & {}) | SeedDocument;
  /** JSON file loaded at start when it exists, and rewritten after changes and at close. */
  snapshotPath?: string;
  /** Debounce between a change and the snapshot write (default 250 ms). */
  snapshotDebounceMs?: number;
  flags?: SandboxFlagOverrides;
  /** Named flag set under `flags` (default `lenient`); `strict` refuses whatever Userflow might refuse. */
  profile?: SandboxProfile;
  /** Epoch-ms clock for timestamps and the rate limiter; default Date.now. */
  clock?: () => number;
  /** Id generator for Userflow-named objects; default crypto.randomUUID. */
  newId?: () => string;
  /** Used by slow-response faults; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface SandboxCore {
  handle: (request: RawRequest) => Promise<RawResponse>;
  store: SandboxStore;
  view: SandboxStoreView;
  stats: SandboxStats;
  flags: SandboxFlags;
  apiKeys: readonly string[];
  /** Set by the HTTP layer once the port is known (used for absolute `next_page_url`s). */
  setOrigin(origin: string): void;
}

export async function createSandboxCore(options: SandboxOptions = {}): Promise<SandboxCore> {
  const flags = resolveFlags(options.flags, options.profile);
  const now = options.clock ?? Date.now;
  const store = new SandboxStore({ now, newId: options.newId ?? randomUUID });
  await loadInitialState(store, flags, options);
  const render = new Renderer(store, flags.sessionTaskCompletions);
  const ctx: ApiContext = { store, render, flags, now };
  const stats = new SandboxStats();
  const apiKeys = options.apiKeys ?? [SANDBOX_API_KEY];
  let origin = 'http://127.0.0.1';
  const handle = createPipeline({
    ctx,
    router: new Router(ROUTES),
    limiter: new RateLimiter(options.rateLimit, now),
    stats,
    apiKeys,
    retryAfter: options.rateLimit?.retryAfter ?? true,
    faults: options.faults,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    origin: () => origin,
  });
  return {
    handle,
    store,
    view: new SandboxStoreView(store, render),
    stats,
    flags,
    apiKeys,
    setOrigin: (value) => {
      origin = value;
    },
  };
}

async function loadInitialState(
  store: SandboxStore,
  flags: SandboxFlags,
  options: SandboxOptions,
): Promise<void> {
  if (options.snapshotPath && snapshotExists(options.snapshotPath)) {
    const source = `snapshot ${options.snapshotPath}`;
    applySeed(store, parseSeedDocument(await readJsonFile(options.snapshotPath), source), flags, source);
    return;
  }
  const seed = options.seed ?? 'demo';
  if (seed === 'none') return;
  if (typeof seed === 'object') {
    applySeed(store, parseSeedDocument(seed, 'document'), flags, 'document');
    return;
  }
  const source = seed === 'demo' ? 'demo data' : `file ${seed}`;
  const json = seed === 'demo' ? DEMO_SEED : await readJsonFile(seed);
  applySeed(store, parseSeedDocument(json, source), flags, source);
}

/** A fresh, typed copy of the demo data set, to extend and pass back as `seed`. */
export function demoSeed(): SeedDocument {
  return parseSeedDocument(structuredClone(DEMO_SEED), 'demo data');
}
