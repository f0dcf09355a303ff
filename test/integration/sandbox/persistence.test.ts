// Seed files and the snapshot file: custom seeds load and are validated; a snapshot survives a restart.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.ts';
import { demoSeed, startSandbox } from '../../../lib/sandbox/index.ts';
import { api } from './http.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const seed = {
  groups: [{ id: 'g1', attributes: { name: 'Seeded Co' } }],
  users: [
    {
      id: 'u1',
      attributes: { email: 'u1@example.org' },
      memberships: [{ group_id: 'g1', attributes: { role: 'owner' } }],
    },
  ],
  content: [{ id: 'c1', name: 'Tour', type: 'flow', published_version_id: 'v1', draft_version_id: 'v1' }],
  content_versions: [
    {
      id: 'v1',
      content_id: 'c1',
      number: 1,
      questions: [{ id: 'q1', cvid: 'q_nps', name: 'NPS', type: 'number' }],
    },
  ],
  content_sessions: [
    {
      id: 's1',
      content_id: 'c1',
      version_id: 'v1',
      user_id: 'u1',
      progress: '0.5',
      answers: [{ question_cvid: 'q_nps', answer_type: 'number', answer_value: '10' }],
    },
  ],
  events: [{ name: 'seeded_event', user_id: 'u1', time: '2024-05-01T00:00:00Z' }],
  event_definitions: [{ name: 'flow_started', display_name: 'Flow started' }],
};

describe('seed files', () => {
  it('loads a seed file and serves it through the API', async () => {
    const path = join(dir, 'seed.json');
    await writeFile(path, JSON.stringify(seed));
    const sandbox = await startSandbox({ seed: path });
    try {
      const call = api(sandbox.url);
      expect((await call('GET', '/users?email=u1@example.org')).body.data[0].id).toBe('u1');
      const session = await call('GET', '/content_sessions/s1?expand[]=answers');
      expect(session.body).toMatchObject({
        progress: '0.5',
        answers: [{ question_cvid: 'q_nps', answer_value: '10' }],
      });
      expect(sandbox.store.getMembership('u1', 'g1')?.attributes).toEqual({ role: 'owner' });
      const events = await call('GET', '/event_definitions?order_by=name');
      expect(events.body.data.map((d: { name: string }) => d.name)).toEqual(['flow_started', 'seeded_event']);
      expect(sandbox.store.listEvents({ user_id: 'u1' })[0]?.time).toBe('2024-05-01T00:00:00.000+00:00');
    } finally {
      await sandbox.close();
    }
  });

  it('rejects a seed with dangling references, naming each one', async () => {
    const path = join(dir, 'broken.json');
    const broken = {
      ...seed,
      content_sessions: [{ ...seed.content_sessions[0], user_id: 'nobody', version_id: 'v1' }],
    };
    broken.users = [
      {
        id: 'u1',
        attributes: { email: 'x' },
        memberships: [{ group_id: 'missing', attributes: { role: 'member' } }],
      },
    ];
    await writeFile(path, JSON.stringify(broken));
    const error = await startSandbox({ seed: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "users.0.memberships.0.group_id: no group 'missing'",
      "content_sessions.0.user_id: no user 'nobody'",
    ]);
  });

  it('rejects a seed that does not match the schema', async () => {
    const path = join(dir, 'shape.json');
    await writeFile(path, JSON.stringify({ users: [{ name: 'no id' }] }));
    const error = await startSandbox({ seed: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.some((p) => p.startsWith('users.0'))).toBe(true);
  });

  it('takes a seed document, e.g. the demo set extended with one more user', async () => {
    const demo = demoSeed();
    const sandbox = await startSandbox({
      seed: { ...demo, users: [...(demo.users ?? []), { id: 'extra_user' }] },
    });
    try {
      expect(sandbox.store.getUser('extra_user')).toBeDefined();
      expect(sandbox.store.counts().users).toBe((demo.users?.length ?? 0) + 1);
      expect(sandbox.store.counts().contentSessions).toBe(demo.content_sessions?.length);
    } finally {
      await sandbox.close();
    }
  });

  it("starts empty with seed 'none'", async () => {
    const sandbox = await startSandbox({ seed: 'none' });
    try {
      expect(sandbox.store.counts()).toEqual({
        users: 0,
        groups: 0,
        memberships: 0,
        events: 0,
        content: 0,
        contentVersions: 0,
        contentSessions: 0,
      });
    } finally {
      await sandbox.close();
    }
  });
});

describe('snapshot file', () => {
  it('saves at close and restores the same state, ids and order on the next start', async () => {
    const snapshotPath = join(dir, 'state.json');
    const first = await startSandbox({ snapshotPath, snapshotDebounceMs: 10_000 });
    const call = api(first.url);
    await call('POST', '/users', { body: { id: 'persisted', attributes: { n: 1 }, groups: [{ id: 'pg' }] } });
    const event = await call('POST', '/events', { body: { name: 'persisted_event', user_id: 'persisted' } });
    await call('DELETE', '/users/demo_lee');
    await call('POST', '/webhook_subscriptions', {
      body: { url: 'https://example.org/h', topics: ['user'] },
    });
    const before = {
      webhooks: (await call('GET', '/webhook_subscriptions')).body,
      users: (await call('GET', '/users?limit=100')).body,
      definitions: (await call('GET', '/attribute_definitions?limit=100')).body,
      sessions: (await call('GET', '/content_sessions?limit=100&expand[]=answers')).body,
      events: first.store.listEvents(),
    };
    await first.close();
    expect(JSON.parse(await readFile(snapshotPath, 'utf8')).users.map((u: { id: string }) => u.id)).toContain(
      'persisted',
    );

    const second = await startSandbox({ snapshotPath });
    try {
      const again = api(second.url);
      expect((await again('GET', '/users?limit=100')).body).toEqual(before.users);
      expect((await again('GET', '/attribute_definitions?limit=100')).body).toEqual(before.definitions);
      expect((await again('GET', '/content_sessions?limit=100&expand[]=answers')).body).toEqual(
        before.sessions,
      );
      expect(second.store.listEvents()).toEqual(before.events);
      expect((await again('GET', '/webhook_subscriptions')).body).toEqual(before.webhooks);
      const next = await again('POST', '/events', { body: { name: 'after_restart', user_id: 'persisted' } });
      expect(Number(next.body.id)).toBeGreaterThan(Number(event.body.id));
    } finally {
      await second.close();
    }
  });

  it('writes after a change without waiting for close (debounced)', async () => {
    const snapshotPath = join(dir, 'debounced.json');
    const sandbox = await startSandbox({ seed: 'none', snapshotPath, snapshotDebounceMs: 10_000 });
    try {
      await api(sandbox.url)('POST', '/users', { body: { id: 'flushed' } });
      await sandbox.saveSnapshot();
      const saved = JSON.parse(await readFile(snapshotPath, 'utf8'));
      expect(saved.users.map((u: { id: string }) => u.id)).toEqual(['flushed']);
    } finally {
      await sandbox.close();
    }
  });
});
