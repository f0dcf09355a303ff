// What every API handler gets: the store, the renderer, the flags, the clock; and what it returns.

import type { SandboxFlags } from '../flags.ts';
import type { Query } from '../query.ts';
import type { Renderer } from '../render.ts';
import type { SandboxStore } from '../store.ts';

export interface ApiContext {
  store: SandboxStore;
  render: Renderer;
  flags: SandboxFlags;
  /** Epoch ms. */
  now: () => number;
}

export interface ApiRequest {
  method: string;
  /** Path without the query string, e.g. `/users/u%201` (still encoded). */
  path: string;
  /** Decoded route parameters. */
  params: Record<string, string>;
  query: Query;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** `http://127.0.0.1:N`, for absolute `next_page_url`s. */
  origin: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
}

export type ApiHandler = (ctx: ApiContext, request: ApiRequest) => ApiResponse;
