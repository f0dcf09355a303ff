import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.ts';
import {
  USERFLOW_VERSION,
  UserflowClient,
  type UserflowClientOptions,
  UserflowNetworkError,
  UserflowNotFoundError,
  UserflowRateLimitError,
  UserflowResponseError,
} from '../../../lib/userflow/index.ts';
import {
  createUserRequestBody,
  createUserResponse,
  listUsersResponse,
  notFoundBody,
} from './documented-examples.ts';
import { fakeTransport, json, type Reply } from './fake-transport.ts';

const API_KEY = 'ak_secretsecretsecretsecret01';

function clientWith(replies: Reply[], options: Partial<UserflowClientOptions> = {}) {
  const transport = fakeTransport(...replies);
  const client = new UserflowClient({ apiKey: API_KEY, transport, ...options });
  return { client, transport };
}

const userOf = (id: string) => ({ ...createUserResponse, id });
const page = (ids: string[], has_more: boolean) =>
  json(200, { data: ids.map(userOf), has_more, next_page_url: null });

describe('what the client sends', () => {
  it('sends the headers of every call, with content-type only on bodies', async () => {
    const { client, transport } = clientWith([json(200, createUserResponse), json(200, createUserResponse)]);
    await client.createOrUpdateUser(createUserRequestBody);
    await client.getUser('user_8841');
    const [post, get] = transport.requests;
    expect(post?.headers).toEqual({
      authorization: `Bearer ${API_KEY}`,
      'userflow-version': USERFLOW_VERSION,
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(get?.headers).not.toHaveProperty('content-type');
    expect(JSON.parse(post?.body ?? '')).toEqual(createUserRequestBody);
    expect(get?.body).toBeUndefined();
  });

  it('uses the US host by default and the EU host for region eu', async () => {
    const us = clientWith([json(200, createUserResponse)]);
    await us.client.getUser('u1');
    expect(us.transport.requests[0]?.url).toBe('https://api.userflow.com/users/u1');
    const eu = clientWith([json(200, createUserResponse)], { region: 'eu' });
    await eu.client.getUser('u1');
    expect(eu.transport.requests[0]?.url).toBe('https://api.eu.userflow.com/users/u1');
  });

  it('puts an explicit base URL (with a path prefix) in front of the path', async () => {
    const { client, transport } = clientWith([json(200, createUserResponse)], {
      baseUrl: 'http://127.0.0.1:8080/userflow/',
      region: 'eu',
    });
    await client.getUser('u1', { expand: ['memberships'] });
    expect(transport.requests[0]?.url).toBe('http://127.0.0.1:8080/userflow/users/u1?expand[]=memberships');
  });

  it('passes its timeout to the transport on every call', async () => {
    const { client, transport } = clientWith([json(200, createUserResponse)], { timeoutMs: 1234 });
    await client.getUser('u1');
    expect(transport.requests[0]?.timeoutMs).toBe(1234);
  });
});

describe('configuration', () => {
  const transport = fakeTransport();
  it.each([
    ['a missing key', { apiKey: '' }],
    ['an unknown region', { region: 'ap' as 'us' }],
    ['a base URL that is not a URL', { baseUrl: 'not a url' }],
    ['plain http to another host', { baseUrl: 'http://api.example.org' }],
    ['a base URL with credentials', { baseUrl: 'https://user:pw@api.example.org' }],
    ['a zero timeout', { timeoutMs: 0 }],
  ])('rejects %s with a ConfigError', (_what, options) => {
    expect(() => new UserflowClient({ apiKey: API_KEY, transport, ...options })).toThrow(ConfigError);
  });

  it('allows plain http to another host only when asked', () => {
    const client = new UserflowClient({
      apiKey: API_KEY,
      transport,
      baseUrl: 'http://sandbox:3000',
      allowInsecureHttp: true,
    });
    expect(client.baseUrl).toBe('http://sandbox:3000');
  });

  it('does not show the key when the client is inspected or serialised', () => {
    const client = new UserflowClient({ apiKey: API_KEY, transport });
    expect(inspect(client, { depth: 5 })).not.toContain(API_KEY);
    expect(JSON.stringify(client)).not.toContain(API_KEY);
  });
});

describe('responses', () => {
  it('returns the parsed object', async () => {
    const { client } = clientWith([json(200, createUserResponse)]);
    await expect(client.getUser('user_8841')).resolves.toEqual(createUserResponse);
  });

  it('maps an error status through the error mapping, naming the action', async () => {
    const { client } = clientWith([json(404, notFoundBody)]);
    const error = await client.getUser('does-not-exist').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserflowNotFoundError);
    expect(error).toMatchObject({ action: 'getUser', userflowCode: 'not_found', status: 404 });
  });

  it('uses the injected clock for an HTTP-date Retry-After', async () => {
    const { client } = clientWith([json(429, {}, { 'retry-after': 'Sat, 02 Mar 2024 09:20:05 GMT' })], {
      now: () => new Date('2024-03-02T09:20:00Z'),
    });
    const error = await client.listUsers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserflowRateLimitError);
    expect((error as UserflowRateLimitError).retryAfterSeconds).toBe(5);
  });

  it('turns a 2xx body that breaks the schema into a non-retryable error naming the action and the field', async () => {
    const { client } = clientWith([json(200, { ...createUserResponse, created_at: 42 })]);
    const error = await client.getUser('user_8841').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserflowResponseError);
    expect(error).toMatchObject({
      action: 'getUser',
      retryable: false,
      responseStatus: 200,
      fields: ['created_at'],
    });
    expect((error as Error).message).toMatch(/getUser.*created_at/);
  });

  it('names the field inside a list page', async () => {
    const broken = {
      ...listUsersResponse,
      data: [listUsersResponse.data[0], { ...userOf('x'), object: 'group' }],
    };
    const error = await clientWith([json(200, broken)])
      .client.listUsers()
      .catch((e: unknown) => e);
    expect((error as UserflowResponseError).fields).toEqual(['data.1.object']);
  });

  it('rejects a 2xx body that is not JSON', async () => {
    const { client } = clientWith([{ status: 200, headers: {}, bodyText: '<html>' }]);
    await expect(client.getUser('u1')).rejects.toBeInstanceOf(UserflowResponseError);
  });

  it('reads an empty 2xx body on a delete as success', async () => {
    const { client } = clientWith([
      { status: 204, headers: {}, bodyText: '' },
      { status: 200, headers: {}, bodyText: '' },
    ]);
    await expect(client.deleteUser('u1')).resolves.toEqual({ deleted: true });
    await expect(client.removeMembership({ user_id: 'u1', group_id: 'g1' })).resolves.toEqual({
      deleted: true,
    });
  });

  it('does not accept an empty body where an object is due', async () => {
    const { client } = clientWith([{ status: 200, headers: {}, bodyText: '' }]);
    await expect(client.getUser('u1')).rejects.toBeInstanceOf(UserflowResponseError);
  });

  it('wraps a transport failure as a network error naming the action', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const { client } = clientWith([refused]);
    const error = await client.trackEvent({ name: 'x', user_id: 'u1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserflowNetworkError);
    expect(error).toMatchObject({ action: 'trackEvent', reason: 'connection', retryable: true });
  });
});

describe('the API key never leaves in an error', () => {
  const echoKey = (status: number) => json(status, { error: { code: 'x', message: `bad key ${API_KEY}` } });

  it.each([400, 401, 404, 429, 500])('not when a %i echoes it', async (status) => {
    const { client } = clientWith([echoKey(status)]);
    const error = await client.getUser('u1').catch((e: unknown) => e);
    expect(inspect(error, { depth: 10 })).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });

  it('not when the transport error message contains it', async () => {
    const { client } = clientWith([new Error(`socket hang up (Bearer ${API_KEY})`)]);
    const error = await client.getUser('u1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserflowNetworkError);
    expect(inspect(error, { depth: 10 })).not.toContain(API_KEY);
  });
});

describe('pagination', () => {
  it('follows has_more with the last id as starting_after, keeping the other params', async () => {
    const { client, transport } = clientWith([
      page(['a', 'b'], true),
      page(['c', 'd'], true),
      page(['e'], false),
    ]);
    const ids: string[] = [];
    for await (const item of client.paginate.users({ limit: 2, expand: ['memberships'] })) ids.push(item.id);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(transport.requests.map((r) => new URL(r.url).search)).toEqual([
      '?limit=2&expand[]=memberships',
      '?limit=2&expand[]=memberships&starting_after=b',
      '?limit=2&expand[]=memberships&starting_after=d',
    ]);
  });

  it('starts from a given cursor', async () => {
    const { client, transport } = clientWith([page(['c'], false)]);
    for await (const _ of client.paginate.users({ starting_after: 'b' })) {
      // drain
    }
    expect(transport.requests[0]?.url).toContain('starting_after=b');
  });

  it('fetches lazily: breaking out after the first item makes one request', async () => {
    const { client, transport } = clientWith([page(['a', 'b'], true), page(['c'], false)]);
    for await (const _ of client.paginate.users()) break;
    expect(transport.requests).toHaveLength(1);
  });

  it('stops on an empty page even if has_more is true', async () => {
    const { client } = clientWith([page([], true)]);
    const ids: string[] = [];
    for await (const item of client.paginate.users()) ids.push(item.id);
    expect(ids).toEqual([]);
  });

  it('fails instead of looping when a cursor comes round again', async () => {
    const { client } = clientWith([page(['a'], true), page(['a'], true)]);
    const drain = async () => {
      for await (const _ of client.paginate.users()) {
        // drain
      }
    };
    await expect(drain()).rejects.toBeInstanceOf(UserflowResponseError);
  });

  it('passes an error from a later page to the caller', async () => {
    const { client } = clientWith([
      page(['a'], true),
      json(400, { error: { code: 'invalid_params', message: 'x' } }),
    ]);
    const seen: string[] = [];
    const drain = async () => {
      for await (const item of client.paginate.users()) seen.push(item.id);
    };
    await expect(drain()).rejects.toMatchObject({ code: 'invalid_params' });
    expect(seen).toEqual(['a']);
  });
});

describe('a client drawing on a gate', () => {
  function recordingGate() {
    const log: string[] = [];
    let turn = 0;
    let release: (() => void) | undefined;
    const gate = {
      log,
      /** Holds the next acquire until `open()`. */
      hold: false,
      open: () => release?.(),
      async acquire() {
        turn += 1;
        const ticket = turn;
        log.push(`acquire ${ticket}`);
        if (gate.hold) await new Promise<void>((resolve) => (release = resolve));
        return ticket;
      },
      onSuccess: (ticket: unknown) => log.push(`success ${ticket}`),
      onThrottle: (ticket: unknown, retryAfterMs?: number) => log.push(`throttle ${ticket} ${retryAfterMs}`),
    };
    return gate;
  }

  it('sends nothing before the gate grants a turn', async () => {
    const gate = recordingGate();
    gate.hold = true;
    const { client, transport } = clientWith([json(200, userOf('u1'))], { gate });
    const call = client.getUser('u1');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(transport.requests).toHaveLength(0);
    gate.open();
    await call;
    expect(transport.requests).toHaveLength(1);
    expect(gate.log).toEqual(['acquire 1', 'success 1']);
  });

  it('reports a 429 with its Retry-After, any other answer as taken, and a lost request not at all', async () => {
    const gate = recordingGate();
    const { client } = clientWith(
      [
        json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '2' }),
        json(404, notFoundBody),
        new Error('socket hang up'),
        json(200, userOf('u1')),
      ],
      { gate },
    );
    await expect(client.getUser('u1')).rejects.toBeInstanceOf(UserflowRateLimitError);
    await expect(client.getUser('u1')).rejects.toBeInstanceOf(UserflowNotFoundError);
    await expect(client.getUser('u1')).rejects.toBeInstanceOf(UserflowNetworkError);
    await client.getUser('u1');
    expect(gate.log).toEqual([
      'acquire 1',
      'throttle 1 2000',
      'acquire 2',
      'success 2',
      'acquire 3',
      'acquire 4',
      'success 4',
    ]);
  });

  it('withGate keeps the transport and the options, and leaves the original ungated', async () => {
    const gate = recordingGate();
    const { client, transport } = clientWith([json(200, userOf('u1')), json(200, userOf('u2'))], {
      timeoutMs: 1_234,
    });
    const gated = client.withGate(gate);
    await gated.getUser('u1');
    await client.getUser('u2');
    expect(transport.requests.map((r) => r.timeoutMs)).toEqual([1_234, 1_234]);
    expect(gated.baseUrl).toBe(client.baseUrl);
    expect(gate.log).toEqual(['acquire 1', 'success 1']);
  });
});
