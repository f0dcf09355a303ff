// Attribute and event definitions: read-only lists of what has been written (and what was seeded).

import { invalidParams } from '../api-error.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './context.ts';
import { listResponse } from './list.ts';

const SCOPES = ['user', 'group', 'group_membership', 'event'];

export function listAttributeDefinitions(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const scope = request.query.one('scope');
  if (scope !== undefined && !SCOPES.includes(scope)) {
    throw invalidParams('scope', `must be one of ${SCOPES.join(', ')}`);
  }
  return listResponse(
    ctx,
    request,
    {
      kind: 'Attribute definition',
      root: 'leaf',
      table: ctx.store.definitions.attributes,
      orderKeys: {
        created_at: (d) => d.created_at,
        display_name: (d) => d.display_name,
        name: (d) => d.name,
      },
      filters: ['scope'],
      render: (d) => ctx.render.attributeDefinition(d),
    },
    { filter: scope === undefined ? undefined : (d) => d.scope === scope },
  );
}

export function listEventDefinitions(ctx: ApiContext, request: ApiRequest): ApiResponse {
  return listResponse(ctx, request, {
    kind: 'Event definition',
    root: 'leaf',
    table: ctx.store.definitions.events,
    orderKeys: { created_at: (d) => d.created_at, display_name: (d) => d.display_name, name: (d) => d.name },
    filters: [],
    render: (d) => ctx.render.eventDefinition(d),
  });
}
