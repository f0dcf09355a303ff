// The Userflow client against the local sandbox over real HTTP: all 18 actions, pagination, every error class, CLI.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, SANDBOX_API_KEY } from '../../lib/sandbox/index.ts';
import {
  type Content,
  UserflowAuthenticationError,
  UserflowClient,
  type UserflowClientOptions,
  UserflowError,
  UserflowInvalidParamsError,
  UserflowNetworkError,
  UserflowNotFoundError,
  UserflowRateLimitError,
  UserflowServerError,
} from '../../lib/userflow/index.ts';
import { startSandbox } from '../helpers/sandbox.ts';

const sandboxes: RunningSandbox[] = [];
const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function sandbox(options: Parameters<typeof startSandbox>[0] = {}) {
  const running = await startSandbox(options);
  sandboxes.push(running);
  return running;
}

function clientFor(running: RunningSandbox, options: Partial<UserflowClientOptions> = {}) {
  return new UserflowClient({ apiKey: SANDBOX_API_KEY, baseUrl: running.url, timeoutMs: 5_000, ...options });
}

async function failure(promise: Promise<unknown>): Promise<UserflowError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(UserflowError);
  return outcome.error as UserflowError;
}

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('users, groups, memberships and events', () => {
  let client: UserflowClient;
  beforeAll(async () => {
    client = clientFor(await sandbox({ seed: 'none' }));
  });

  it('createOrUpdateUser creates, then merges with every change operation', async () => {
    const created = await client.createOrUpdateUser({
      id: 'it_user 1',
      attributes: {
        name: 'Dana',
        projects_count: 3,
        credits: 10,
        features: ['flows'],
        tags: ['a', 'b', 'c'],
        first_seen_via: 'ads',
      },
      memberships: [
        { attributes: { role: 'owner' }, group: { id: 'it_acct/1', attributes: { plan: 'trial' } } },
      ],
    });
    expect(created).toMatchObject({ id: 'it_user 1', object: 'user', attributes: { name: 'Dana' } });

    const updated = await client.createOrUpdateUser({
      id: 'it_user 1',
      attributes: {
        name: { set: 'Dana W.' },
        first_seen_via: { set_once: 'organic' },
        projects_count: { add: 2 },
        credits: { subtract: 4 },
        features: { append: 'exports' },
        tags: { remove: 'b' },
        badges: { prepend: 'early' },
      },
    });
    expect(updated.attributes).toMatchObject({
      name: 'Dana W.',
      first_seen_via: 'ads',
      projects_count: 5,
      credits: 6,
      features: ['flows', 'exports'],
      tags: ['a', 'c'],
      badges: ['early'],
    });
  });

  it('getUser returns relations as null unless expanded', async () => {
    const plain = await client.getUser('it_user 1');
    expect([plain.memberships, plain.groups]).toEqual([null, null]);
    const expanded = await client.getUser('it_user 1', { expand: ['memberships', 'groups'] });
    expect(expanded.memberships?.map((m) => [m.group_id ?? m.group?.id, m.attributes.role])).toEqual([
      ['it_acct/1', 'owner'],
    ]);
    expect(expanded.groups?.map((g) => g.id)).toEqual(['it_acct/1']);
  });

  it('createOrUpdateGroup upserts and getGroup expands memberships', async () => {
    const created = await client.createOrUpdateGroup({ id: 'it_acct 2', attributes: { name: 'Contoso' } });
    expect(created).toMatchObject({ id: 'it_acct 2', object: 'group', attributes: { name: 'Contoso' } });
    const merged = await client.createOrUpdateGroup({ id: 'it_acct 2', attributes: { seats: 5 } });
    expect(merged.attributes).toMatchObject({ name: 'Contoso', seats: 5 });
    const group = await client.getGroup('it_acct/1', { expand: ['memberships'] });
    expect(group.memberships?.map((m) => m.user_id ?? m.user?.id)).toEqual(['it_user 1']);
  });

  it('listUsers filters by email and listGroups lists groups', async () => {
    await client.createOrUpdateUser({ id: 'it_lee', attributes: { email: 'lee@example.org' } });
    const byEmail = await client.listUsers({ email: 'lee@example.org' });
    expect(byEmail.data.map((u) => u.id)).toEqual(['it_lee']);
    const groups = await client.listGroups({ limit: 100 });
    expect(groups.data.map((g) => g.id)).toEqual(expect.arrayContaining(['it_acct/1', 'it_acct 2']));
  });

  it('removeMembership removes the pair and succeeds again when it is gone', async () => {
    await client.createOrUpdateUser({ id: 'it_member', groups: [{ id: 'it_acct 2' }] });
    await client.removeMembership({ user_id: 'it_member', group_id: 'it_acct 2' });
    const user = await client.getUser('it_member', { expand: ['memberships'] });
    expect(user.memberships).toEqual([]);
    await expect(client.removeMembership({ user_id: 'it_member', group_id: 'it_acct 2' })).resolves.toEqual({
      object: 'group_membership',
      user_id: 'it_member',
      group_id: 'it_acct 2',
      deleted: true,
    });
  });

  it('trackEvent records events for a user, a group, or both, and defines the event', async () => {
    const both = await client.trackEvent({
      name: 'report_exported',
      user_id: 'it_user 1',
      group_id: 'it_acct/1',
      attributes: { format: 'csv', rows: 1200 },
    });
    expect(both).toMatchObject({ object: 'event', name: 'report_exported', user_id: 'it_user 1' });
    const userOnly = await client.trackEvent({ name: 'logged_in', user_id: 'it_user 1' });
    expect(userOnly.group_id).toBeNull();
    const groupOnly = await client.trackEvent({ name: 'plan_changed', group_id: 'it_acct/1' });
    expect(groupOnly.user_id).toBeNull();
    const names = (await drain(client.paginate.eventDefinitions())).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['report_exported', 'logged_in', 'plan_changed']));
  });

  it('listAttributeDefinitions shows attributes once they were sent, per scope', async () => {
    const user = await drain(client.paginate.attributeDefinitions({ scope: 'user' }));
    expect(user.map((d) => d.name)).toEqual(expect.arrayContaining(['name', 'projects_count']));
    expect(new Set(user.map((d) => d.scope))).toEqual(new Set(['user']));
    const group = await drain(client.paginate.attributeDefinitions({ scope: 'group' }));
    expect(group.map((d) => d.name)).toEqual(expect.arrayContaining(['plan', 'seats']));
  });

  it('deleteGroup keeps former members; deleteUser is idempotent', async () => {
    await client.deleteGroup('it_acct/1');
    await expect(client.getGroup('it_acct/1')).rejects.toBeInstanceOf(UserflowNotFoundError);
    const member = await client.getUser('it_user 1', { expand: ['memberships'] });
    expect(member.memberships).toEqual([]);
    await client.deleteUser('it_user 1');
    await expect(client.getUser('it_user 1')).rejects.toBeInstanceOf(UserflowNotFoundError);
    await expect(client.deleteUser('it_user 1')).resolves.toEqual({
      id: 'it_user 1',
      object: 'user',
      deleted: true,
    });
    await expect(client.deleteGroup('it_acct/1')).resolves.toEqual({
      id: 'it_acct/1',
      object: 'group',
      deleted: true,
    });
  });
});

describe('content, versions and sessions (seeded demo)', () => {
  let client: UserflowClient;
  let items: Content[];
  beforeAll(async () => {
    client = clientFor(await sandbox({ seed: 'demo' }));
    items = (await client.listContent({ limit: 100 })).data;
  });

  it('listContent lists flows, checklists and launchers, and filters by type', async () => {
    expect(items.map((c) => c.type)).toEqual(expect.arrayContaining(['flow', 'checklist', 'launcher']));
    const flows = await client.listContent({ type: 'flow' });
    expect(flows.data.map((c) => c.id)).toEqual(items.filter((c) => c.type === 'flow').map((c) => c.id));
    expect(flows.data.map((c) => c.type)).toEqual(['flow']);
  });

  it('getContent expands the published version', async () => {
    const published = items.find((c) => c.published_version_id !== null);
    expect(published).toBeDefined();
    const plain = await client.getContent(published?.id ?? '');
    expect(plain.published_version).toBeNull();
    const expanded = await client.getContent(published?.id ?? '', { expand: ['published_version'] });
    expect(expanded.published_version?.id).toBe(published?.published_version_id);
  });

  it('listContentVersions and getContentVersion, with questions expanded', async () => {
    const flow = items.find((c) => c.type === 'flow');
    const versions = await client.listContentVersions({ content_id: flow?.id ?? '', order_by: 'number' });
    expect(versions.data.length).toBeGreaterThan(0);
    const numbers = versions.data.map((v) => v.number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const first = versions.data[0];
    const version = await client.getContentVersion(first?.id ?? '', { expand: ['questions', 'tasks'] });
    expect(version.id).toBe(first?.id);
    expect(Array.isArray(version.questions)).toBe(true);
  });

  it('listContentSessions filters by content and expands answers; deleteContentSession removes one', async () => {
    const sessions = await drain(client.paginate.contentSessions({ expand: ['answers'] }));
    expect(sessions.length).toBeGreaterThan(0);
    const withAnswers = sessions.find((s) => (s.answers?.length ?? 0) > 0);
    expect(withAnswers).toBeDefined();
    const ofContent = await client.listContentSessions({
      content_id: withAnswers?.content_id ?? '',
      limit: 100,
    });
    expect(ofContent.data.map((s) => s.id).sort()).toEqual(
      sessions
        .filter((s) => s.content_id === withAnswers?.content_id)
        .map((s) => s.id)
        .sort(),
    );
    expect(ofContent.data.map((s) => s.id)).toContain(withAnswers?.id);
    // The seed has sessions of other content and other users, so a filter that was ignored would show.
    expect(ofContent.data.length).toBeLessThan(sessions.length);
    const ofUser = await client.listContentSessions({ user_id: withAnswers?.user_id ?? '', limit: 100 });
    expect(ofUser.data.map((s) => s.id).sort()).toEqual(
      sessions
        .filter((s) => s.user_id === withAnswers?.user_id)
        .map((s) => s.id)
        .sort(),
    );
    expect(ofUser.data.map((s) => s.id)).toContain(withAnswers?.id);
    expect(ofUser.data.length).toBeLessThan(sessions.length);

    const victim = sessions[0]?.id ?? '';
    await client.deleteContentSession(victim);
    const after = await drain(client.paginate.contentSessions());
    expect(after.map((s) => s.id)).not.toContain(victim);
    expect(after).toHaveLength(sessions.length - 1);
  });
});

describe('pagination across pages', () => {
  let client: UserflowClient;
  const ids = Array.from({ length: 23 }, (_, i) => `page_user_${String(i).padStart(2, '0')}`);
  beforeAll(async () => {
    client = clientFor(await sandbox({ seed: 'none' }));
    for (const id of ids) await client.createOrUpdateUser({ id, attributes: { n: Number(id.slice(-2)) } });
  });

  it('the one-page call walks the list by starting_after', async () => {
    const seen: string[] = [];
    let page = await client.listUsers({ limit: 10, order_by: 'created_at' });
    const sizes = [page.data.length];
    seen.push(...page.data.map((u) => u.id));
    while (page.has_more) {
      page = await client.listUsers({ limit: 10, order_by: 'created_at', starting_after: seen.at(-1) ?? '' });
      sizes.push(page.data.length);
      seen.push(...page.data.map((u) => u.id));
    }
    expect(sizes).toEqual([10, 10, 3]);
    expect(seen).toEqual(ids);
  });

  it('the iterator yields every item once, in order', async () => {
    const users = await drain(client.paginate.users({ limit: 4, order_by: 'created_at' }));
    expect(users.map((u) => u.id)).toEqual(ids);
  });

  it('descending order reverses the walk', async () => {
    const users = await drain(client.paginate.users({ limit: 5, order_by: '-created_at' }));
    expect(users.map((u) => u.id)).toEqual([...ids].reverse());
  });
});

describe('a strict sandbox: what the client puts on the wire', () => {
  it('sends the version header, no stray query params, membership ids in the query; reads an empty 204 delete', async () => {
    const strict = clientFor(
      await sandbox({
        seed: 'none',
        flags: {
          requireVersionHeader: true,
          unknownQueryParams: 'reject',
          membershipDeleteParams: 'query',
          deleteResponse: 'empty',
        },
      }),
    );
    await strict.createOrUpdateUser({
      id: 'strict_u',
      attributes: { email: 'S@example.org' },
      groups: [{ id: 'g' }],
    });
    const page = await strict.listUsers({
      email: 'S@example.org',
      limit: 5,
      order_by: ['-created_at'],
      expand: ['memberships', 'groups'],
    });
    expect(page.data.map((u) => [u.id, u.groups?.map((g) => g.id)])).toEqual([['strict_u', ['g']]]);
    await expect(strict.removeMembership({ user_id: 'strict_u', group_id: 'g' })).resolves.toEqual({
      deleted: true,
    });
    expect((await strict.getUser('strict_u', { expand: ['memberships'] })).memberships).toEqual([]);
    await expect(strict.deleteUser('strict_u')).resolves.toEqual({ deleted: true });
  });
});

describe('errors from a running sandbox', () => {
  let running: RunningSandbox;
  let client: UserflowClient;
  beforeAll(async () => {
    running = await sandbox({ seed: 'none' });
    client = clientFor(running);
  });

  it('401 with a wrong key: authentication error, not retryable, key not echoed', async () => {
    const wrongKey = 'ak_wrongwrongwrongwrongwrong';
    const error = await failure(clientFor(running, { apiKey: wrongKey }).listUsers());
    expect(error).toBeInstanceOf(UserflowAuthenticationError);
    expect([error.status, error.retryable]).toEqual([401, false]);
    expect(inspect(error, { depth: 10 })).not.toContain(wrongKey);
  });

  it('404 for an unknown id, with Userflow’s envelope', async () => {
    const error = await failure(client.getUser('nobody-here'));
    expect(error).toBeInstanceOf(UserflowNotFoundError);
    expect([error.status, error.retryable, error.action]).toEqual([404, false, 'getUser']);
    expect(error.userflowCode).toBeTruthy();
  });

  it('400 invalid_params for an unknown cursor, naming the parameter', async () => {
    const error = await failure(client.listUsers({ starting_after: 'no-such-user' }));
    expect(error).toBeInstanceOf(UserflowInvalidParamsError);
    expect(error.userflowCode).toBe('invalid_params');
    expect(error.message).toContain('starting_after');
  });

  it('400 invalid_params for groups and memberships together', async () => {
    const error = await failure(
      client.createOrUpdateUser({
        id: 'u_both',
        groups: [{ id: 'g1' }],
        memberships: [{ group: { id: 'g2' } }],
      }),
    );
    expect(error).toBeInstanceOf(UserflowInvalidParamsError);
    expect(error.userflowCode).toBe('invalid_params');
  });

  it('400 invalid_params for a limit over 100', async () => {
    const error = await failure(client.listGroups({ limit: 101 }));
    expect(error).toBeInstanceOf(UserflowInvalidParamsError);
  });

  it('429 from the sandbox rate limiter, retryable, with Retry-After in seconds', async () => {
    const limited = clientFor(await sandbox({ seed: 'none', rateLimit: { requestsPerSecond: 1, burst: 1 } }));
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => limited.listUsers()));
    const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(rejected.length).toBeGreaterThan(0);
    const error = rejected[0] as UserflowRateLimitError;
    expect(error).toBeInstanceOf(UserflowRateLimitError);
    expect([error.status, error.retryable]).toEqual([429, true]);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('5xx from fault injection: server error, retryable', async () => {
    const failing = clientFor(await sandbox({ seed: 'none', faults: { errorRate: 1 } }));
    const error = await failure(failing.listUsers());
    expect(error).toBeInstanceOf(UserflowServerError);
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(error.retryable).toBe(true);
  });

  it('timeout from slow responses: network error with reason timeout', async () => {
    const slow = await sandbox({ seed: 'none', faults: { slowRate: 1, slowMs: 3_000 } });
    const error = await failure(clientFor(slow, { timeoutMs: 150 }).listUsers());
    expect(error).toBeInstanceOf(UserflowNetworkError);
    expect(error).toMatchObject({ reason: 'timeout', retryable: true });
  });

  it('network error from a closed port', async () => {
    const port = await closedPort();
    const error = await failure(
      new UserflowClient({ apiKey: SANDBOX_API_KEY, baseUrl: `http://127.0.0.1:${port}` }).listUsers(),
    );
    expect(error).toBeInstanceOf(UserflowNetworkError);
    expect(error).toMatchObject({ reason: 'connection', retryable: true });
  });
});

// Each run starts a fresh node + tsx process (about a second), so the runs go in parallel.
describe.concurrent('the userflow CLI against the sandbox', () => {
  let running: RunningSandbox;
  // Writes are recorded in `<cwd>/.local/trail.db`: a scratch cwd keeps them out of the checkout's own trail.
  let cwd: string;
  beforeAll(async () => {
    running = await sandbox({ seed: 'none' });
    cwd = await mkdtemp(join(tmpdir(), 'userflow-cli-'));
    tempDirs.push(cwd);
  });

  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(import.meta.dirname, '../../bin/userflow-bridge.js'), 'userflow', ...args],
        {
          cwd,
          env: { ...process.env, USERFLOW_API_KEY: SANDBOX_API_KEY, USERFLOW_API_URL: running.url, ...env },
          timeout: 20_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('create-or-update-user, get-user and list-users --all print JSON and exit 0', async () => {
    const [created] = await Promise.all([
      cli([
        'create-or-update-user',
        '--data',
        JSON.stringify({
          id: 'cli_u1',
          attributes: { email: 'cli@example.org' },
          groups: [{ id: 'cli_g1' }],
        }),
      ]),
      cli(['create-or-update-user', '--data', `@${await bodyFile({ id: 'cli_u2' })}`]),
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ id: 'cli_u1', object: 'user' });

    const [got, all] = await Promise.all([
      cli(['get-user', 'cli_u1', '--expand', 'memberships']),
      cli(['list-users', '--all', '--limit', '1']),
    ]);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout).memberships).toHaveLength(1);
    expect(all.code, all.stderr).toBe(0);
    expect(
      JSON.parse(all.stdout)
        .map((u: { id: string }) => u.id)
        .sort(),
    ).toEqual(['cli_u1', 'cli_u2']);
  });

  it('exits 1 with a JSON error on stderr for an API error', async () => {
    const result = await cli(['get-user', 'cli_nobody']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('exits 2 for a usage error and for a missing USERFLOW_API_KEY', async () => {
    const [badFlag, noKey] = await Promise.all([
      cli(['list-users', '--limit', 'many']),
      cli(['list-users'], { USERFLOW_API_KEY: '' }),
    ]);
    expect(badFlag.code).toBe(2);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('USERFLOW_API_KEY');
  });
});

async function bodyFile(body: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'userflow-cli-'));
  tempDirs.push(dir);
  const path = join(dir, 'body.json');
  await writeFile(path, JSON.stringify(body));
  return path;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}
