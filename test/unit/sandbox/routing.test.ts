// The route table, query-string parsing and expand paths: the request plumbing under the handlers.

import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../lib/sandbox/api/routes.ts';
import { parseExpand } from '../../../lib/sandbox/expand.ts';
import { Query } from '../../../lib/sandbox/query.ts';
import { Router } from '../../../lib/sandbox/router.ts';

describe('Router', () => {
  const router = new Router(ROUTES);

  it('has the 18 client actions, GET /content_sessions/{id} and webhook subscriptions', () => {
    expect(ROUTES.map((r) => r.name).sort()).toEqual(
      [
        'POST /users',
        'GET /users',
        'GET /users/:id',
        'DELETE /users/:id',
        'POST /groups',
        'GET /groups',
        'GET /groups/:id',
        'DELETE /groups/:id',
        'DELETE /group_memberships',
        'POST /events',
        'GET /content',
        'GET /content/:id',
        'GET /content_versions',
        'GET /content_versions/:id',
        'GET /content_sessions',
        'GET /content_sessions/:id',
        'DELETE /content_sessions/:id',
        'GET /attribute_definitions',
        'GET /event_definitions',
        'POST /webhook_subscriptions',
        'GET /webhook_subscriptions',
        'GET /webhook_subscriptions/:id',
        'PATCH /webhook_subscriptions/:id',
        'DELETE /webhook_subscriptions/:id',
      ].sort(),
    );
  });

  it('decodes path parameters and tolerates a trailing slash', () => {
    const match = router.match('GET', '/users/a%2Fb%20c');
    expect(match).toMatchObject({ kind: 'found', params: { id: 'a/b c' } });
    expect(router.match('GET', '/users/')).toMatchObject({ kind: 'found', route: { name: 'GET /users' } });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('PATCH', '/users/x')).toEqual({
      kind: 'method_not_allowed',
      allowed: ['GET', 'DELETE'],
    });
    expect(router.match('GET', '/users/x/y')).toEqual({ kind: 'not_found' });
    expect(router.match('GET', '/users/%E0%A4%A')).toEqual({ kind: 'not_found' });
  });
});

describe('Query', () => {
  it('merges name[] and name, keeps order, and reads the last single value', () => {
    const query = new Query('expand[]=a&expand=b&limit=1&limit=2');
    expect(query.many('expand', false)).toEqual(['a', 'b']);
    expect(query.one('limit')).toBe('2');
    expect(query.many('expand', true)).toEqual(['a', 'b']);
    expect(new Query('expand=a,b').many('expand', true)).toEqual(['a', 'b']);
  });

  it('rebuilds the query for the next page with readable brackets and an encoded cursor', () => {
    const query = new Query('limit=2&expand[]=memberships&starting_after=old&email=a%2Bb%40x.org');
    expect(query.withStartingAfter('u 1/2')).toBe(
      'limit=2&expand[]=memberships&email=a%2Bb%40x.org&starting_after=u%201%2F2',
    );
  });
});

describe('parseExpand', () => {
  it('builds a tree of nested paths', () => {
    expect(parseExpand(['memberships.group', 'groups'], 'user', false)).toEqual({
      memberships: { group: {} },
      groups: {},
    });
  });

  it('rejects or drops a path the object cannot expand', () => {
    expect(() => parseExpand(['memberships.answers'], 'user', false)).toThrow(
      "expand: 'memberships.answers' cannot be expanded on user objects",
    );
    expect(parseExpand(['nope'], 'user', true)).toEqual({});
  });
});
