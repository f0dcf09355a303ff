// Webhook subscriptions over real HTTP: create with a secret, read, update, list, delete; validation.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../../lib/sandbox/index.ts';
import { api } from './http.ts';

let sandbox: RunningSandbox;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'none' });
  call = api(sandbox.url);
});
afterAll(() => sandbox.close());

describe('webhook subscriptions', () => {
  it('creates one with a signing secret, then reads, updates, lists and deletes it', async () => {
    const created = await call('POST', '/webhook_subscriptions', {
      body: { url: 'https://example.org/hooks', topics: ['user', 'event.tracked.flow_completed'] },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: 'webhook_subscription',
      url: 'https://example.org/hooks',
      topics: ['user', 'event.tracked.flow_completed'],
      api_version: '2020-01-03',
      disabled: false,
    });
    expect(created.body.secret).toEqual(expect.any(String));
    const id = created.body.id;

    expect((await call('GET', `/webhook_subscriptions/${id}`)).body).toEqual(created.body);
    const updated = await call('PATCH', `/webhook_subscriptions/${id}`, {
      body: { disabled: true, topics: ['*'] },
    });
    expect(updated.body).toMatchObject({
      id,
      disabled: true,
      topics: ['*'],
      url: 'https://example.org/hooks',
    });
    expect((await call('GET', '/webhook_subscriptions')).body.data.map((w: { id: string }) => w.id)).toEqual([
      id,
    ]);

    expect((await call('DELETE', `/webhook_subscriptions/${id}`)).body).toEqual({
      id,
      object: 'webhook_subscription',
      deleted: true,
    });
    expect((await call('GET', `/webhook_subscriptions/${id}`)).status).toBe(404);
  });

  it('rejects a missing url, an unknown topic and another api_version', async () => {
    const noUrl = await call('POST', '/webhook_subscriptions', { body: { topics: ['user'] } });
    expect(noUrl.body.error).toEqual({ code: 'invalid_params', message: 'url: is required' });
    const badTopic = await call('POST', '/webhook_subscriptions', {
      body: { url: 'https://example.org/h', topics: ['user', 'flow.completed'] },
    });
    expect(badTopic.body.error.message).toBe("topics[1]: unknown topic 'flow.completed'");
    const badVersion = await call('POST', '/webhook_subscriptions', {
      body: { url: 'https://example.org/h', topics: ['user'], api_version: '2019-01-01' },
    });
    expect(badVersion.status).toBe(400);
  });

  it('leaves a subscription unchanged when an update is invalid', async () => {
    const created = await call('POST', '/webhook_subscriptions', {
      body: { url: 'https://example.org/a', topics: ['group'] },
    });
    const reply = await call('PATCH', `/webhook_subscriptions/${created.body.id}`, {
      body: { url: 'https://example.org/b', topics: [] },
    });
    expect(reply.status).toBe(400);
    expect((await call('GET', `/webhook_subscriptions/${created.body.id}`)).body.url).toBe(
      'https://example.org/a',
    );
  });
});
