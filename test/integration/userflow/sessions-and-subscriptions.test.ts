// The client's newer actions against the sandbox: one content session by id, the group filter, and the
// webhook-subscription lifecycle (create → get → list → update → delete).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, SANDBOX_API_KEY } from '../../../lib/sandbox/index.ts';
import { UserflowClient, UserflowNotFoundError } from '../../../lib/userflow/index.ts';
import { startSandbox } from '../../helpers/sandbox.ts';

let sandbox: RunningSandbox;
let client: UserflowClient;
beforeAll(async () => {
  sandbox = await startSandbox();
  client = new UserflowClient({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox.url, timeoutMs: 5_000 });
});
afterAll(() => sandbox.close());

describe('content sessions', () => {
  it('gets one session by id, with the user and version expanded', async () => {
    const [first] = (await client.listContentSessions({ limit: 1 })).data;
    if (!first) throw new Error('the demo seed has sessions');
    const session = await client.getContentSession(first.id, { expand: ['user', 'version'] });
    expect(session.id).toBe(first.id);
    expect(session.user?.id).toBe(first.user_id);
    expect(session.version?.id).toBe(first.version_id);
  });

  it('answers 404 for a session that does not exist', async () => {
    await expect(client.getContentSession('no-such-session')).rejects.toBeInstanceOf(UserflowNotFoundError);
  });

  it('filters sessions by group', async () => {
    const all = [];
    for await (const s of client.paginate.contentSessions({})) all.push(s);
    const groupId = all.find((s) => s.group_id !== null)?.group_id as string;
    const ofGroup = [];
    for await (const s of client.paginate.contentSessions({ group_id: groupId })) ofGroup.push(s);
    expect(ofGroup.length).toBeGreaterThan(0);
    expect(ofGroup.length).toBeLessThan(all.length);
    expect(ofGroup.every((s) => s.group_id === groupId)).toBe(true);
  });
});

describe('webhook subscriptions', () => {
  it('creates, reads, lists, updates and deletes a subscription', async () => {
    const created = await client.createWebhookSubscription({
      url: 'https://example.com/hooks/userflow',
      topics: ['user.created'],
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect((await client.getWebhookSubscription(created.id)).topics).toEqual(['user.created']);

    const listed = [];
    for await (const s of client.paginate.webhookSubscriptions()) listed.push(s.id);
    expect(listed).toContain(created.id);

    const updated = await client.updateWebhookSubscription(created.id, { disabled: true, topics: ['*'] });
    expect([updated.disabled, updated.topics, updated.url]).toEqual([
      true,
      ['*'],
      'https://example.com/hooks/userflow',
    ]);

    expect(await client.deleteWebhookSubscription(created.id)).toMatchObject({ deleted: true });
    await expect(client.getWebhookSubscription(created.id)).rejects.toBeInstanceOf(UserflowNotFoundError);
  });
});
