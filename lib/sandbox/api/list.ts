// The list envelope shared by every `GET /<collection>`: limit, starting_after, order_by, expand, next_page_url.

import { invalidParams } from '../api-error.ts';
import { type ExpandTree, type ObjectKind, parseExpand } from '../expand.ts';
import type { SandboxFlags } from '../flags.ts';
import { type OrderTerm, paginate, type SortValue } from '../paginate.ts';
import type { Query } from '../query.ts';
import type { BaseRecord } from '../records.ts';
import type { Table } from '../table.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './context.ts';

const MAX_LIMIT = 100;
const PAGING_PARAMS = ['limit', 'starting_after', 'order_by', 'expand'];

export interface ListConfig<T extends BaseRecord> {
  /** Name in cursor errors, e.g. `Content session`. */
  kind: string;
  root: ObjectKind;
  table: Table<T>;
  orderKeys: Readonly<Record<string, (record: T) => SortValue>>;
  /** Filter parameters this collection understands (checked against unknown-parameter rules). */
  filters: readonly string[];
  render: (record: T, expand: ExpandTree) => unknown;
}

export interface ListSelection<T> {
  filter?: ((record: T) => boolean) | undefined;
  candidates?: Iterable<T> | undefined;
}

export function listResponse<T extends BaseRecord>(
  ctx: ApiContext,
  request: ApiRequest,
  config: ListConfig<T>,
  selection: ListSelection<T> = {},
): ApiResponse {
  const { query } = request;
  const { flags } = ctx;
  checkUnknownParams(query, config.filters, flags);
  const limit = parseLimit(query.one('limit'), flags);
  const order = parseOrder(query.many('order_by', flags.commaSeparatedArrays), config.orderKeys);
  const expand = parseExpand(
    query.many('expand', flags.commaSeparatedArrays),
    config.root,
    flags.unknownExpand === 'ignore',
  );
  const page = paginate({
    table: config.table,
    kind: config.kind,
    limit,
    startingAfter: query.one('starting_after'),
    order,
    filter: selection.filter,
    candidates: selection.candidates,
    nullCursorBug: flags.nullCursorBug,
  });
  const last = page.data[page.data.length - 1];
  return {
    status: 200,
    body: {
      data: page.data.map((record) => config.render(record, expand)),
      has_more: page.hasMore,
      next_page_url: page.hasMore && last ? nextPageUrl(request, last.id, flags) : null,
    },
  };
}

/** A single-object GET shares the list's `expand` rules. */
export function parseExpandParam(ctx: ApiContext, request: ApiRequest, root: ObjectKind): ExpandTree {
  const { flags } = ctx;
  checkUnknownParams(request.query, [], flags, ['expand']);
  return parseExpand(
    request.query.many('expand', flags.commaSeparatedArrays),
    root,
    flags.unknownExpand === 'ignore',
  );
}

export function checkUnknownParams(
  query: Query,
  filters: readonly string[],
  flags: SandboxFlags,
  known: readonly string[] = PAGING_PARAMS,
): void {
  if (flags.unknownQueryParams === 'ignore') return;
  for (const name of query.names()) {
    if (known.includes(name) || filters.includes(name)) continue;
    if (flags.attributeFilters && name.startsWith('attributes.')) continue;
    throw invalidParams(name, 'unknown parameter');
  }
}

function parseLimit(raw: string | undefined, flags: SandboxFlags): number {
  if (raw === undefined) return flags.defaultLimit;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(limit) || limit < 1) {
    throw invalidParams('limit', `must be an integer between 1 and ${MAX_LIMIT}`);
  }
  if (limit > MAX_LIMIT) {
    if (flags.limitOverMax === 'clamp') return MAX_LIMIT;
    throw invalidParams('limit', `must be an integer between 1 and ${MAX_LIMIT}`);
  }
  return limit;
}

function parseOrder<T>(
  values: readonly string[],
  keys: Readonly<Record<string, (record: T) => SortValue>>,
): OrderTerm<T>[] {
  return values
    .filter((value) => value !== '')
    .map((value) => {
      const descending = value.startsWith('-');
      const key = descending ? value.slice(1) : value;
      const get = Object.hasOwn(keys, key) ? keys[key] : undefined;
      if (!get) {
        throw invalidParams(
          'order_by',
          `cannot order by '${key}'; use one of ${Object.keys(keys).join(', ')}`,
        );
      }
      return { key, get, descending };
    });
}

function nextPageUrl(request: ApiRequest, lastId: string, flags: SandboxFlags): string | null {
  if (flags.nextPageUrl === 'none') return null;
  const path = `${request.path}?${request.query.withStartingAfter(lastId)}`;
  return flags.nextPageUrl === 'absolute' ? `${request.origin}${path}` : path;
}
