// `watch run` against a seeded strict sandbox: exactly the stalled enterprise users, once, with the right step.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ONBOARDING_CONTENT_ID,
  ONBOARDING_TASKS,
  onboardingSeed,
  type RunningSandbox,
  SANDBOX_API_KEY,
  type SeedDocument,
} from '../../../lib/sandbox/index.ts';
import type { SecretSource } from '../../../lib/secrets/index.ts';
import { UserflowClient } from '../../../lib/userflow/index.ts';
import { createUndiciTransport } from '../../../lib/userflow/undici-transport.ts';
import {
  alertTarget,
  jsonFileAlertState,
  parseWatch,
  runWatch,
  type Watch,
} from '../../../lib/watch/index.ts';
import { startSandbox } from '../../helpers/sandbox.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 86_400_000;
const SEED: SeedDocument = onboardingSeed({ now: NOW.getTime(), sessions: 40, seed: 18 });

let sandbox: RunningSandbox;
let client: UserflowClient;
let dir: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  // Per-task completion on (a flag): the step names are then exact even where a user skipped a task.
  sandbox = await startSandbox({
    seed: SEED,
    profile: 'strict',
    clock: () => NOW.getTime(),
    flags: { sessionTaskCompletions: true },
  });
  client = new UserflowClient({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox.url, timeoutMs: 5_000 });
  dir = await mkdtemp(join(tmpdir(), 'watch-run-'));
});
afterAll(async () => {
  await Promise.all([sandbox.close(), ...receivers.map((r) => r.close())]);
  await rm(dir, { recursive: true, force: true });
});

/** The oracle, straight from the seed: enterprise users whose session started over 3 days ago, not completed. */
function expectedStalled(): Map<string, string> {
  const plans = new Map(SEED.users?.map((u) => [u.id, u.attributes?.plan]));
  const tasks = SEED.content_versions?.[0]?.tasks ?? [];
  const expected = new Map<string, string>();
  for (const s of SEED.content_sessions ?? []) {
    if (s.completed || plans.get(s.user_id) !== 'enterprise') continue;
    if (Date.parse(s.created_at as string) >= NOW.getTime() - 3 * DAY) continue;
    const done = new Set(s.task_completions?.map((t) => t.task_cvid));
    expected.set(s.user_id, tasks.find((t) => !done.has(t.cvid))?.name as string);
  }
  return expected;
}

function watchFile(alert: string): Watch {
  return parseWatch(
    `name: enterprise-onboarding-stalled
content: ${ONBOARDING_CONTENT_ID}
stalled_after: 3d
users:
  plan: [enterprise]
alert: ${alert}
message: "{% user.attributes.name %} has done {% done %}/{% total %} tasks; stuck at “{% next_task %}”"
repeat: never
`,
    'test.yaml',
  );
}

const secrets = (values: Record<string, string>): SecretSource => ({
  get: async (name) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no secret ${name}`);
    return [value];
  },
});

async function run(watch: Watch, statePath: string, values: Record<string, string>, sleeps: number[] = []) {
  const deliver = await alertTarget(watch, {
    secrets: secrets(values),
    transport: createUndiciTransport(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    now: () => NOW,
  });
  return runWatch({
    watch,
    userflow: client,
    state: jsonFileAlertState(statePath),
    deliver,
    now: NOW,
    accountUrl: 'https://app.userflow.com/acme',
  });
}

async function receiver(answers?: Parameters<typeof startReceiver>[0]) {
  const started = await startReceiver(answers);
  receivers.push(started);
  return started;
}

describe('the seeded data', () => {
  it('has stalled enterprise users, and complete, fresh and other-plan sessions the watch must skip', () => {
    const sessions = SEED.content_sessions ?? [];
    const plan = (id: string) => SEED.users?.find((u) => u.id === id)?.attributes?.plan;
    expect(sessions).toHaveLength(40);
    expect(SEED.content_versions?.[0]?.tasks).toHaveLength(7);
    expect(expectedStalled().size).toBeGreaterThanOrEqual(3);
    expect(sessions.some((s) => s.completed && plan(s.user_id) === 'enterprise')).toBe(true);
    expect(
      sessions.some((s) => !s.completed && Date.parse(s.created_at as string) > NOW.getTime() - 3 * DAY),
    ).toBe(true);
    expect(sessions.some((s) => !s.completed && plan(s.user_id) !== 'enterprise')).toBe(true);
  });
});

describe('watch run with a Slack alert', () => {
  it('alerts exactly the stalled enterprise users once, with their step, and nobody on the second run', async () => {
    const slack = await receiver();
    const statePath = join(dir, 'slack', 'watch-state.json');
    const watch = watchFile('{ slack: SLACK_URL }');

    const first = await run(watch, statePath, { SLACK_URL: slack.url });

    const expected = expectedStalled();
    expect(first.alerts.map((a) => [a.user_id, a.status]).sort()).toEqual(
      [...expected.keys()].map((id) => [id, 'sent']).sort(),
    );
    const messages = slack.delivered() as { text: string; blocks: { fields?: { text: string }[] }[] }[];
    expect(messages).toHaveLength(expected.size);
    for (const message of messages) {
      const userId =
        /onb_\d{3}/.exec(message.text)?.[0] ?? /`(onb_\d{3})`/.exec(JSON.stringify(message))?.[1];
      const step = expected.get(userId as string) as string;
      expect(ONBOARDING_TASKS).toContain(step);
      expect(message.text).toContain(`stuck at “${step}”`);
      const fields = message.blocks[1]?.fields?.map((f) => f.text) ?? [];
      expect(fields).toContain(`*Stopped at*\n${step}`);
      expect(fields.some((f) => f.includes(`https://app.userflow.com/acme/users/${userId}`))).toBe(true);
      expect(fields.some((f) => /^\*Progress\*\n[▰▱]{7} \d\/7$/.test(f))).toBe(true);
    }
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);

    const second = await run(watch, statePath, { SLACK_URL: slack.url });
    expect(second.alerts).toEqual([]);
    expect(second.already_alerted).toBe(expected.size);
    expect(slack.received).toHaveLength(expected.size);
  });

  it('waits out a 429 with Retry-After and delivers each alert exactly once', async () => {
    const slack = await receiver([{ status: 429, headers: { 'retry-after': '2' } }]);
    const sleeps: number[] = [];
    const result = await run(
      watchFile('{ slack: SLACK_URL }'),
      join(dir, 'retry', 'state.json'),
      { SLACK_URL: slack.url },
      sleeps,
    );

    const expected = expectedStalled();
    expect(result.alerts.every((a) => a.status === 'sent')).toBe(true);
    expect(slack.received.map((r) => r.status)).toEqual([429, ...[...expected.keys()].map(() => 200)]);
    const delivered = slack.delivered().map((m) => JSON.stringify(m));
    expect(new Set(delivered).size).toBe(expected.size);
    expect(sleeps).toEqual([2_000]);
  });

  it('records nothing for an alert the receiver refuses, so the next run sends it', async () => {
    const expected = expectedStalled();
    const refusing = await receiver([...expected.keys()].map(() => ({ status: 400 })));
    const statePath = join(dir, 'refused', 'state.json');
    const watch = watchFile('{ slack: SLACK_URL }');
    const failed = await run(watch, statePath, { SLACK_URL: refusing.url });
    expect(failed.alerts.map((a) => a.status)).toEqual([...expected.keys()].map(() => 'failed'));
    const retried = await run(watch, statePath, { SLACK_URL: refusing.url });
    expect(retried.alerts.map((a) => a.status)).toEqual([...expected.keys()].map(() => 'sent'));
  });
});

describe('watch run with a Standard Webhooks alert', () => {
  it('signs each alert so the standardwebhooks library verifies it', async () => {
    const hook = await receiver();
    const secret = `whsec_${Buffer.from('watch-alert-test-secret-0123456789').toString('base64')}`;
    const result = await run(
      watchFile('{ webhook: { url: ALERT_URL, secret: ALERT_SECRET } }'),
      join(dir, 'webhook', 'state.json'),
      { ALERT_URL: hook.url, ALERT_SECRET: secret },
    );
    expect(result.alerts.length).toBe(expectedStalled().size);
    const verifier = new Webhook(secret);
    for (const request of hook.received) {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      // Verified at the alert's own time: the library checks the timestamp against its clock.
      const payload = withClock(NOW, () => verifier.verify(request.body, headers)) as {
        type: string;
        data: { user_id: string; next_task: string };
      };
      expect(payload.type).toBe('watch.stalled');
      expect(payload.data.next_task).toBe(expectedStalled().get(payload.data.user_id));
    }
    expect(() =>
      withClock(NOW, () =>
        new Webhook(secret.replace(/.$/, 'A')).verify(
          hook.received[0]?.body as string,
          Object.fromEntries(Object.entries(hook.received[0]?.headers ?? {}).map(([k, v]) => [k, String(v)])),
        ),
      ),
    ).toThrow();
  });
});

function withClock<T>(now: Date, fn: () => T): T {
  const real = Date.now;
  Date.now = () => now.getTime();
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}
