// `npm start` and the event trail: every webhook answered leaves a record in `.local/trail.db`, expired records
// are dropped at start, and a trail that cannot be opened never stops webhooks from being accepted.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteTrail } from '../../lib/trail/sqlite-store.ts';
import type { IntakeRecord } from '../../lib/trail/types.ts';
import {
  type Checkout,
  cleanEnv,
  type StartedBridge,
  scratchCheckout,
  startBridgeProcess,
} from '../helpers/spawn-cli.ts';
import { PORTAL_SECRET, postSignup } from './portal-signups.ts';

const env = cleanEnv({ PORTAL_WEBHOOK_SECRET: PORTAL_SECRET });
const checkouts: Checkout[] = [];
const bridges: StartedBridge[] = [];

afterAll(() => {
  for (const bridge of bridges) bridge.cli.child.kill('SIGKILL');
  for (const checkout of checkouts) checkout.remove();
});

function checkout(): Checkout {
  const made = scratchCheckout({ rules: ['portal.yaml'] });
  checkouts.push(made);
  return made;
}

async function start(dir: string): Promise<StartedBridge> {
  const bridge = await startBridgeProcess({ cwd: dir, env });
  bridges.push(bridge);
  return bridge;
}

const expired: IntakeRecord = {
  requestId: 'req-expired',
  source: 'portal',
  receivedAt: '2020-01-01T00:00:00.000Z',
  status: 202,
  outcome: 'accepted',
  eventIds: ['msg_old'],
  headers: {},
  body: { stored: false, size: 0, sha256: '', reason: 'not_read' },
  events: [],
  expiresAt: 1,
};

describe('npm start and the event trail', () => {
  it('records accepted, rejected and unknown-source webhooks, and purges expired records at start', async () => {
    const { dir } = checkout();
    const trailDb = join(dir, '.local', 'trail.db');
    const seed = openSqliteTrail(trailDb);
    await seed.putIntake(expired);
    seed.close();

    const bridge = await start(dir);
    expect(await postSignup(bridge.ingestUrl, 'trail', 1)).toBe(202);
    const forged = await fetch(`${bridge.ingestUrl}/webhooks/portal`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_x',
        'webhook-timestamp': '1',
        'webhook-signature': 'v1,Zm9v',
      },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    const unknown = await fetch(`${bridge.ingestUrl}/webhooks/nope`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await bridge.stop()).toEqual({ code: 0, signal: null });

    const trail = openSqliteTrail(trailDb);
    try {
      const records = (await trail.listIntakes({ limit: 10 })).reverse();
      expect(records.map((r) => [r.source, r.status, r.outcome])).toEqual([
        ['portal', 202, 'accepted'],
        ['portal', 401, expect.any(String)],
        ['nope', 404, 'unknown_source'],
      ]);
      expect(records[0]?.eventIds).toEqual(['msg_trail_1']);
      expect(await trail.findIntake('req-expired')).toBeUndefined();
    } finally {
      trail.close();
    }
  }, 60_000);

  it('a trail that cannot be opened is reported, and webhooks are still accepted', async () => {
    const { dir } = checkout();
    // A directory where the database file should be: no SQLite can open it, whoever runs the test.
    mkdirSync(join(dir, '.local', 'trail.db'), { recursive: true });
    const bridge = await start(dir);
    expect(bridge.cli.stderr()).toContain('the event trail');
    expect(await postSignup(bridge.ingestUrl, 'notrail', 1)).toBe(202);
    expect(await bridge.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);
});
