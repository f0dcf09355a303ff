// Content, versions and sessions from the demo seed over real HTTP: filters, ordering, expand, session delete.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../../lib/sandbox/index.ts';
import { api } from './http.ts';

let sandbox: RunningSandbox;
let call: ReturnType<typeof api>;
let flowId: string;
let checklistId: string;

beforeAll(async () => {
  sandbox = await startSandbox(); // the demo seed
  call = api(sandbox.url);
  const content = sandbox.store.listContent();
  flowId = content.find((c) => c.type === 'flow')?.id as string;
  checklistId = content.find((c) => c.type === 'checklist')?.id as string;
});
afterAll(() => sandbox.close());

describe('the demo seed', () => {
  it('has a flow, a checklist and a launcher', async () => {
    const reply = await call('GET', '/content');
    expect(reply.body.data.map((c: { type: string }) => c.type).sort()).toEqual([
      'checklist',
      'flow',
      'launcher',
    ]);
  });

  it('has a flow version with survey questions and a checklist version with tasks', async () => {
    const flow = await call('GET', `/content/${flowId}?expand[]=published_version.questions`);
    expect(flow.body.published_version.questions.length).toBeGreaterThan(0);
    const checklist = await call('GET', `/content/${checklistId}?expand[]=published_version.tasks`);
    expect(checklist.body.published_version.tasks.length).toBeGreaterThan(1);
  });

  it('has sessions with progress and answers', async () => {
    const reply = await call('GET', `/content_sessions?content_id=${flowId}&expand[]=answers&limit=100`);
    const answered = reply.body.data.filter((s: { answers: unknown[] }) => s.answers.length > 0);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered[0].answers[0]).toMatchObject({ object: 'content_session_answer' });
    expect(reply.body.data.some((s: { progress: string | null }) => s.progress !== null)).toBe(true);
  });
});

describe('GET /content', () => {
  it('filters by type', async () => {
    const reply = await call('GET', '/content?type=checklist');
    expect(reply.body.data.map((c: { id: string }) => c.id)).toEqual([checklistId]);
  });

  it('orders by name', async () => {
    const reply = await call('GET', '/content?order_by=name');
    const names = reply.body.data.map((c: { name: string }) => c.name);
    expect(names).toEqual([...names].sort());
  });

  it('leaves versions null unless expanded', async () => {
    const reply = await call('GET', `/content/${flowId}`);
    expect(reply.body).toMatchObject({ object: 'content', draft_version: null, published_version: null });
    expect(reply.body.published_version_id).toEqual(expect.any(String));
    const expanded = await call(
      'GET',
      `/content/${flowId}?expand[]=draft_version&expand[]=published_version`,
    );
    expect(expanded.body.draft_version).toMatchObject({
      id: reply.body.draft_version_id,
      object: 'content_version',
    });
    expect(expanded.body.published_version.questions).toBeNull();
  });

  it('answers 404 for unknown content', async () => {
    const reply = await call('GET', '/content/nope');
    expect(reply.body).toEqual({ error: { code: 'not_found', message: "Content with id 'nope' not found" } });
  });
});

describe('content versions', () => {
  it('lists the versions of one content item ordered by number', async () => {
    const reply = await call('GET', `/content_versions?content_id=${flowId}&order_by=-number`);
    const numbers = reply.body.data.map((v: { number: number }) => v.number);
    expect(numbers.length).toBeGreaterThan(1);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(reply.body.data.every((v: { content_id: string }) => v.content_id === flowId)).toBe(true);
  });

  it('gets one version with questions expanded', async () => {
    const list = await call('GET', `/content_versions?content_id=${flowId}`);
    const id = list.body.data[0].id;
    const reply = await call('GET', `/content_versions/${id}?expand[]=questions&expand[]=tasks`);
    expect(reply.body).toMatchObject({ id, object: 'content_version' });
    expect(Array.isArray(reply.body.questions)).toBe(true);
    expect(Array.isArray(reply.body.tasks)).toBe(true);
    expect((await call('GET', '/content_versions/nope')).status).toBe(404);
  });
});

describe('content sessions', () => {
  it('filters by user and orders by last_activity_at', async () => {
    const reply = await call('GET', '/content_sessions?user_id=demo_dana&order_by[]=-last_activity_at');
    expect(reply.body.data.length).toBeGreaterThan(1);
    expect(reply.body.data.every((s: { user_id: string }) => s.user_id === 'demo_dana')).toBe(true);
    const times = reply.body.data.map((s: { last_activity_at: string }) => s.last_activity_at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('expands content, version, user and group', async () => {
    const reply = await call(
      'GET',
      `/content_sessions?content_id=${flowId}&limit=1&expand[]=content&expand[]=version&expand[]=group&expand[]=user`,
    );
    const [session] = reply.body.data;
    expect(session.content).toMatchObject({ id: flowId, object: 'content' });
    expect(session.version).toMatchObject({ id: session.version_id, object: 'content_version' });
    expect(session.user).toMatchObject({ id: session.user_id, object: 'user' });
    expect(session.group).toMatchObject({ id: session.group_id, object: 'group' });
  });

  it('pages one at a time with order_by[] of two keys', async () => {
    const path = `/content_sessions?content_id=${flowId}&limit=1&order_by[]=last_activity_at&order_by[]=created_at`;
    const seen: string[] = [];
    let next: string | null = path;
    while (next) {
      const reply: { body: { data: { id: string }[]; next_page_url: string | null } } = await call(
        'GET',
        next,
      );
      seen.push(...reply.body.data.map((s) => s.id));
      next = reply.body.next_page_url;
    }
    expect(seen.sort()).toEqual(
      sandbox.store
        .listContentSessions({ content_id: flowId })
        .map((s) => s.id)
        .sort(),
    );
  });

  it('deletes a session; its id then breaks starting_after with the documented message', async () => {
    const [session] = sandbox.store.listContentSessions({ content_id: checklistId });
    const id = session?.id as string;
    const reply = await call('DELETE', `/content_sessions/${id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ id, object: 'content_session', deleted: true });
    expect((await call('GET', `/content_sessions/${id}`)).status).toBe(404);
    const stale = await call('GET', `/content_sessions?content_id=${checklistId}&starting_after=${id}`);
    expect(stale.status).toBe(400);
    expect(stale.body).toEqual({
      error: { code: 'invalid_params', message: `starting_after: Content session with id '${id}' not found` },
    });
  });

  it('deleting a user removes their content sessions', async () => {
    expect(sandbox.store.listContentSessions({ user_id: 'demo_sam' }).length).toBeGreaterThan(0);
    await call('DELETE', '/users/demo_sam');
    expect(sandbox.store.listContentSessions({ user_id: 'demo_sam' })).toEqual([]);
    const reply = await call('GET', '/content_sessions?user_id=demo_sam');
    expect(reply.body.data).toEqual([]);
  });
});
