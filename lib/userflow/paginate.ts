// Cursor pagination: follow `has_more`, passing the last item's id as `starting_after`.
import type { UserflowAction } from './actions.ts';
import { UserflowResponseError } from './errors.ts';
import type { ListPage } from './objects.ts';

/**
 * Yields every item of every page, fetching the next page only when the caller asks for it. The cursor is the
 * last item's id rather than `next_page_url`, whose form is not documented.
 */
export async function* paginate<T extends { id: string }, P extends { starting_after?: string }>(
  action: UserflowAction,
  fetchPage: (params: P) => Promise<ListPage<T>>,
  params: P,
): AsyncGenerator<T, void, undefined> {
  let cursor = params.starting_after;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor === undefined ? params : { ...params, starting_after: cursor });
    yield* page.data;
    const last = page.data.at(-1);
    if (!page.has_more || last === undefined) return;
    // A cursor that comes round again would loop forever: stop with an error instead.
    if (seen.has(last.id)) {
      throw new UserflowResponseError(
        'invalid_response',
        `Userflow ${action}: pagination returned cursor "${last.id}" twice`,
        { retryable: false, status: 502, action, responseStatus: 200, fields: ['data'] },
      );
    }
    seen.add(last.id);
    cursor = last.id;
  }
}
