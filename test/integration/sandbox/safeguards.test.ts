// Auth, the version header, the two rate-limit safeguards (429 + Retry-After), fault injection and stats.

import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSandbox, type StartSandboxOptions, startSandbox } from '../../../lib/sandbox/index.ts';
import { api, defaultHeaders } from './http.ts';

const running: RunningSandbox[] = [];
async function start(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ seed: 'none', ...options });
  running.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

describe('bearer auth', () => {
  it('answers 401 in the error envelope without an Authorization header', async () => {
    const sandbox = await start();
    const { authorization: _, ...headers } = defaultHeaders();
    const reply = await api(sandbox.url)('GET', '/users', { headers });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('unauthorized');
    expect(reply.body.error.message).toEqual(expect.any(String));
  });

  it('answers 401 for a key it does not know', async () => {
    const sandbox = await start();
    const reply = await api(sandbox.url, 'ak_wrong')('GET', '/users');
    expect(reply.status).toBe(401);
    expect(reply.body.error.message).toBe('Invalid API key');
  });

  it('accepts the configured keys, and any key when the list is empty', async () => {
    const custom = await start({ apiKeys: ['ak_one', 'ak_two'] });
    expect((await api(custom.url, 'ak_two')('GET', '/users')).status).toBe(200);
    expect((await api(custom.url)('GET', '/users')).status).toBe(401);
    const open = await start({ apiKeys: [] });
    expect((await api(open.url, 'anything')('GET', '/users')).status).toBe(200);
  });

  it('does not count a 401 against the rate limit', async () => {
    const sandbox = await start({ rateLimit: { requestsPerSecond: 1, burst: 1 }, clock: () => 0 });
    await api(sandbox.url, 'ak_wrong')('GET', '/users');
    expect((await api(sandbox.url)('GET', '/users')).status).toBe(200);
  });
});

describe('Userflow-Version header', () => {
  it('accepts a request without the header by default', async () => {
    const sandbox = await start();
    const { 'userflow-version': _, ...headers } = defaultHeaders();
    expect((await api(sandbox.url)('GET', '/users', { headers })).status).toBe(200);
  });

  it('requires it with requireVersionHeader', async () => {
    const sandbox = await start({ flags: { requireVersionHeader: true } });
    const { 'userflow-version': _, ...headers } = defaultHeaders();
    const reply = await api(sandbox.url)('GET', '/users', { headers });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('invalid_params');
    expect((await api(sandbox.url)('GET', '/users')).status).toBe(200);
  });

  it('rejects a version that does not exist', async () => {
    const sandbox = await start();
    const reply = await api(sandbox.url)('GET', '/users', {
      headers: { ...defaultHeaders(), 'userflow-version': '2023-01-01' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^Userflow-Version: /);
  });
});

describe('unknown routes', () => {
  it('answers 404 for an unknown path and 405 for a known path with the wrong method', async () => {
    const sandbox = await start();
    const call = api(sandbox.url);
    const missing = await call('GET', '/flows');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const wrongMethod = await call('PUT', '/users/x', { body: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error).toEqual(expect.objectContaining({ code: 'method_not_allowed' }));
  });
});

describe('rate limit: requests per second', () => {
  it('answers 429 with the envelope and Retry-After once the burst is spent, then recovers', async () => {
    let now = 1_000_000;
    const sandbox = await start({ rateLimit: { requestsPerSecond: 2, burst: 2 }, clock: () => now });
    const call = api(sandbox.url);
    expect((await call('GET', '/users')).status).toBe(200);
    expect((await call('GET', '/users')).status).toBe(200);
    const limited = await call('GET', '/users');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(limited.headers.get('retry-after')).toBe('1');
    now += 500; // one token at 2/s
    expect((await call('GET', '/users')).status).toBe(200);
    expect((await call('GET', '/users')).status).toBe(429);
    expect(sandbox.stats()).toMatchObject({ requests: 5, rateLimited: 2, byStatus: { '200': 3, '429': 2 } });
  });

  it('rounds Retry-After up to the seconds the next token needs', async () => {
    const sandbox = await start({ rateLimit: { requestsPerSecond: 0.2, burst: 1 }, clock: () => 0 });
    const call = api(sandbox.url);
    await call('GET', '/users');
    expect((await call('GET', '/users')).headers.get('retry-after')).toBe('5');
  });

  it('omits Retry-After when retryAfter is false', async () => {
    const sandbox = await start({
      rateLimit: { requestsPerSecond: 1, burst: 1, retryAfter: false },
      clock: () => 0,
    });
    const call = api(sandbox.url);
    await call('GET', '/users');
    const limited = await call('GET', '/users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
  });

  it('shares one bucket across keys by default and splits it per key with rateLimitScope key', async () => {
    const shared = await start({
      apiKeys: ['a', 'b'],
      rateLimit: { requestsPerSecond: 1, burst: 1 },
      clock: () => 0,
    });
    await api(shared.url, 'a')('GET', '/users');
    expect((await api(shared.url, 'b')('GET', '/users')).status).toBe(429);
    const perKey = await start({
      apiKeys: ['a', 'b'],
      rateLimit: { requestsPerSecond: 1, burst: 1 },
      clock: () => 0,
      flags: { rateLimitScope: 'key' },
    });
    await api(perKey.url, 'a')('GET', '/users');
    expect((await api(perKey.url, 'b')('GET', '/users')).status).toBe(200);
  });
});

describe('rate limit: requests in flight', () => {
  it('answers 429 while the concurrency cap is reached', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const sandbox = await start({
      rateLimit: { requestsPerSecond: Number.POSITIVE_INFINITY, concurrency: 1 },
      // Every request is "slow"; the injected sleep parks it until the test lets it go.
      faults: { slowRate: 1, slowMs: 1, random: () => 0 },
      sleep: () => {
        entered();
        return held;
      },
    });
    const call = api(sandbox.url);
    const first = call('GET', '/users');
    await inside;
    const second = await call('GET', '/users');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    release();
    expect((await first).status).toBe(200);
    expect(sandbox.stats()).toMatchObject({ rateLimited: 1, concurrencyLimited: 1, maxInFlight: 2 });
  });
});

describe('fault injection', () => {
  it('answers 500 in the envelope for the drawn share and leaves the state untouched', async () => {
    const draws = [0.9, 0.1]; // slow draw, then error draw (below errorRate)
    const sandbox = await start({ faults: { errorRate: 0.5, random: () => draws.shift() ?? 0.99 } });
    const call = api(sandbox.url);
    const failed = await call('POST', '/users', { body: { id: 'ghost' } });
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('internal_error');
    expect(sandbox.store.getUser('ghost')).toBeUndefined();
    expect((await call('POST', '/users', { body: { id: 'ghost' } })).status).toBe(200);
    expect(sandbox.stats().faults).toBe(1);
  });

  it("with errorTiming 'after', the write happens and the caller still sees a 500", async () => {
    const sandbox = await start({ faults: { errorRate: 1, errorTiming: 'after', random: () => 0 } });
    const reply = await api(sandbox.url)('POST', '/users', { body: { id: 'applied' } });
    expect(reply.status).toBe(500);
    expect(sandbox.store.getUser('applied')).toBeDefined();
  });

  it('delays a slow response by slowMs through the injected sleep', async () => {
    const slept: number[] = [];
    const sandbox = await start({
      faults: { slowRate: 1, slowMs: 250, random: () => 0 },
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect((await api(sandbox.url)('GET', '/users')).status).toBe(200);
    expect(slept).toEqual([250]);
  });
});

describe('stats', () => {
  it('counts requests by status and by route, and resets', async () => {
    const sandbox = await start();
    const call = api(sandbox.url);
    await call('POST', '/users', { body: { id: 'u' } });
    await call('GET', '/users/u');
    await call('GET', '/users/missing');
    expect(sandbox.stats()).toMatchObject({
      requests: 3,
      byStatus: { '200': 2, '404': 1 },
      byRoute: { 'POST /users': 1, 'GET /users/:id': 2 },
      inFlight: 0,
    });
    sandbox.resetStats();
    expect(sandbox.stats().requests).toBe(0);
  });
});
