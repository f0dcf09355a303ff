// `npm start`'s watches note in the local trail a session completed after its alert, as the watch Lambda does.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalWatches } from '../../../lib/local/local-watches.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { ContentSession, UserflowClient } from '../../../lib/userflow/index.ts';
import { COMPLETED_AFTER_ALERT } from '../../../lib/watch/index.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const dirs: string[] = [];
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const session = (completed: boolean): ContentSession =>
  ({
    id: 's1',
    object: 'content_session',
    created_at: '2025-06-01T00:00:00.000Z',
    content_id: 'c1',
    version_id: 'v1',
    user_id: 'u1',
    completed,
    completed_at: completed ? new Date().toISOString() : null,
    progress: '0.5',
  }) as unknown as ContentSession;

/** The calls a watch run makes, answering with `sessions` (a port-level stand-in for the client). */
const userflow = (sessions: ContentSession[]) =>
  ({
    getContent: async () => ({ id: 'c1', name: 'Checklist' }),
    getContentVersion: async () => ({
      tasks: [
        { cvid: 't1', name: 'One' },
        { cvid: 't2', name: 'Two' },
      ],
    }),
    getUser: async () => ({ id: 'u1', attributes: { name: 'Ann' } }),
    paginate: {
      contentSessions: async function* () {
        yield* sessions;
      },
      content: async function* () {},
    },
  }) as unknown as UserflowClient;

describe('local watches', () => {
  it('alert, then the session completes: the next run writes the trail note', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ufb-local-watch-'));
    dirs.push(cwd);
    mkdirSync(join(cwd, 'watches'));
    writeFileSync(
      join(cwd, 'watches', 'w.yaml'),
      'name: w\ncontent: c1\nstalled_after: 3d\nalert: { slack: SLACK_URL }\n',
    );
    receiver = await startReceiver();
    const store = openSqliteTrail(':memory:');
    const lines: string[] = [];
    const start = (sessions: ContentSession[]) =>
      startLocalWatches({
        cwd,
        localDir: cwd,
        client: userflow(sessions),
        env: { SLACK_URL: (receiver as Receiver).url },
        print: (line) => lines.push(line),
        printProblem: (line) => lines.push(`problem: ${line}`),
        trail: { store, retentionDays: 30 },
      });

    await (await start([session(false)]))?.stop();
    expect(receiver.delivered()).toHaveLength(1);
    expect(await store.listAttempts({ limit: 10 })).toEqual([]);

    await (await start([session(true)]))?.stop();
    const notes = await store.listAttempts({ limit: 10 });
    expect(notes.map((n) => [n.outcome, n.userId])).toEqual([[COMPLETED_AFTER_ALERT, 'u1']]);
    expect(receiver.delivered()).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('problem'))).toEqual([]);
    store.close();
  });
});
