import { describe, expect, it } from 'vitest';
import {
  buildRequest,
  requestTarget,
  USERFLOW_ACTIONS,
  UserflowInvalidParamsError,
} from '../../../lib/userflow/index.ts';
import {
  createUserRequestBody,
  listSessionsTarget,
  listUsersResponse,
  listUsersTarget,
  notFoundTarget,
  trackEventRequestBody,
} from './documented-examples.ts';

describe('request building against the documented examples (the Userflow API reference)', () => {
  it('§11.1 create-or-update user: POST /users with the body as given', () => {
    const request = buildRequest.createOrUpdateUser(createUserRequestBody);
    expect(request.method).toBe('POST');
    expect(requestTarget(request)).toBe('/users');
    expect(JSON.parse(JSON.stringify(request.body))).toEqual(createUserRequestBody);
  });

  it('§11.2 list users: limit, single order_by without brackets, expand[] repeated', () => {
    const request = buildRequest.listUsers({ limit: 2, order_by: 'created_at', expand: ['memberships'] });
    expect(request.method).toBe('GET');
    expect(requestTarget(request)).toBe(listUsersTarget);
  });

  it('§11.2 the next page adds starting_after exactly as next_page_url shows it', () => {
    const request = buildRequest.listUsers({
      limit: 2,
      order_by: 'created_at',
      expand: ['memberships'],
      starting_after: 'user_8841',
    });
    expect(requestTarget(request)).toBe(listUsersResponse.next_page_url);
  });

  it('§11.3 track event: POST /events with name, user_id, group_id and attributes', () => {
    const request = buildRequest.trackEvent(trackEventRequestBody);
    expect(request.method).toBe('POST');
    expect(requestTarget(request)).toBe('/events');
    expect(JSON.parse(JSON.stringify(request.body))).toEqual(trackEventRequestBody);
  });

  it('§11.4 get user: GET /users/{id}', () => {
    const request = buildRequest.getUser('does-not-exist');
    expect([request.method, requestTarget(request)]).toEqual(['GET', notFoundTarget]);
  });

  it('§11.6 list content sessions: filter first, order_by[] repeated in order, expand[]', () => {
    const request = buildRequest.listContentSessions({
      content_id: '5b0c7a52-2f7e-4c1d-9d55-0a1b2c3d4e5f',
      limit: 1,
      order_by: ['last_activity_at', 'created_at'],
      expand: ['answers'],
    });
    expect(requestTarget(request)).toBe(listSessionsTarget);
  });
});

describe('the endpoint catalogue (the Userflow API reference)', () => {
  const cases: [ReturnType<(typeof buildRequest)[keyof typeof buildRequest]>, string, string][] = [
    [buildRequest.createOrUpdateUser({ id: 'u1' }), 'POST', '/users'],
    [
      buildRequest.getUser('u1', { expand: ['memberships', 'groups'] }),
      'GET',
      '/users/u1?expand[]=memberships&expand[]=groups',
    ],
    [buildRequest.deleteUser('u1'), 'DELETE', '/users/u1'],
    [buildRequest.listUsers({ email: 'dana@example.org' }), 'GET', '/users?email=dana%40example.org'],
    [buildRequest.createOrUpdateGroup({ id: 'g1', attributes: { name: 'N' } }), 'POST', '/groups'],
    [buildRequest.getGroup('g1', { expand: ['memberships'] }), 'GET', '/groups/g1?expand[]=memberships'],
    [buildRequest.deleteGroup('g1'), 'DELETE', '/groups/g1'],
    [
      buildRequest.listGroups({ limit: 100, expand: ['memberships'] }),
      'GET',
      '/groups?limit=100&expand[]=memberships',
    ],
    [
      buildRequest.removeMembership({ user_id: 'u1', group_id: 'g1' }),
      'DELETE',
      '/group_memberships?user_id=u1&group_id=g1',
    ],
    [buildRequest.trackEvent({ name: 'e', group_id: 'g1' }), 'POST', '/events'],
    [
      buildRequest.getContent('c1', { expand: ['published_version'] }),
      'GET',
      '/content/c1?expand[]=published_version',
    ],
    [
      buildRequest.listContent({ type: 'flow', order_by: '-created_at' }),
      'GET',
      '/content?type=flow&order_by=-created_at',
    ],
    [
      buildRequest.getContentVersion('v1', { expand: ['questions', 'tasks'] }),
      'GET',
      '/content_versions/v1?expand[]=questions&expand[]=tasks',
    ],
    [
      buildRequest.listContentVersions({ content_id: 'c1', order_by: 'number' }),
      'GET',
      '/content_versions?content_id=c1&order_by=number',
    ],
    [buildRequest.deleteContentSession('s1'), 'DELETE', '/content_sessions/s1'],
    [
      buildRequest.getContentSession('s1', { expand: ['user', 'version'] }),
      'GET',
      '/content_sessions/s1?expand[]=user&expand[]=version',
    ],
    [
      buildRequest.listContentSessions({ user_id: 'u1', group_id: 'g 1' }),
      'GET',
      '/content_sessions?user_id=u1&group_id=g%201',
    ],
    [
      buildRequest.listAttributeDefinitions({ scope: 'group_membership', limit: 10 }),
      'GET',
      '/attribute_definitions?scope=group_membership&limit=10',
    ],
    [buildRequest.listEventDefinitions({ order_by: 'name' }), 'GET', '/event_definitions?order_by=name'],
    [buildRequest.listWebhookSubscriptions({ limit: 5 }), 'GET', '/webhook_subscriptions?limit=5'],
    [buildRequest.getWebhookSubscription('w1'), 'GET', '/webhook_subscriptions/w1'],
    [
      buildRequest.createWebhookSubscription({ url: 'https://example.com/h', topics: ['*'] }),
      'POST',
      '/webhook_subscriptions',
    ],
    [buildRequest.updateWebhookSubscription('w1', { disabled: true }), 'PATCH', '/webhook_subscriptions/w1'],
    [buildRequest.deleteWebhookSubscription('w1'), 'DELETE', '/webhook_subscriptions/w1'],
  ];

  it('covers each action exactly once', () => {
    expect(cases.map(([request]) => request.action).sort()).toEqual([...USERFLOW_ACTIONS].sort());
  });

  it.each(cases.map(([request, method, target]) => [request.action, request, method, target] as const))(
    '%s',
    (_action, request, method, target) => {
      expect([request.method, requestTarget(request)]).toEqual([method, target]);
      expect(request.body === undefined).toBe(method !== 'POST' && method !== 'PATCH');
    },
  );
});

describe('encoding', () => {
  it('URL-encodes ids in paths', () => {
    expect(buildRequest.getUser('a b/c?d#e&é').path).toBe('/users/a%20b%2Fc%3Fd%23e%26%C3%A9');
  });

  it('encodes the dot segments . and .. so they cannot climb out of the collection', () => {
    expect(buildRequest.deleteUser('..').path).toBe('/users/%2E%2E');
    expect(buildRequest.deleteUser('.').path).toBe('/users/%2E');
  });

  it('keeps dots inside ordinary ids', () => {
    expect(buildRequest.deleteGroup('acme.com').path).toBe('/groups/acme.com');
  });

  it('encodes query values, including filter values with reserved characters', () => {
    const request = buildRequest.listUsers({ email: 'dana+test@example.org', starting_after: 'a&b=c' });
    expect(request.query).toBe('email=dana%2Btest%40example.org&starting_after=a%26b%3Dc');
  });

  it('sends extra filters as given, arrays as repeated name[]', () => {
    const request = buildRequest.listUsers({ query: { segment_id: 's1', tags: ['a', 'b'] } });
    expect(request.query).toBe('segment_id=s1&tags[]=a&tags[]=b');
  });

  it('omits the query string when nothing is set', () => {
    expect(buildRequest.listGroups().query).toBe('');
    expect(buildRequest.getGroup('g1', { expand: [] }).query).toBe('');
  });

  it('encodes both ids of a membership removal', () => {
    const request = buildRequest.removeMembership({ user_id: 'u 1', group_id: 'g&1' });
    expect(request.query).toBe('user_id=u%201&group_id=g%261');
  });
});

describe('ids that cannot be sent', () => {
  it.each([
    ['getUser', () => buildRequest.getUser('')],
    ['deleteGroup', () => buildRequest.deleteGroup('')],
    ['deleteContentSession', () => buildRequest.deleteContentSession('')],
  ])('%s rejects an empty id instead of calling the collection', (action, build) => {
    expect(build).toThrow(UserflowInvalidParamsError);
    expect(build).toThrow(action);
  });

  it('removeMembership rejects an empty group_id', () => {
    expect(() => buildRequest.removeMembership({ user_id: 'u1', group_id: '' })).toThrow(/group_id/);
  });
});
