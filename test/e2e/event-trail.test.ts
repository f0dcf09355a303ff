// The event trail as an operator meets it: five webhooks through `npm start` (accepted, duplicate, bad signature,
// unknown source, a rule that skipped), then `events list`/`events show` tell each story, and `events replay`
// re-delivers a stored event after its rule was fixed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Checkout,
  runCli,
  type StartedBridge,
  scratchCheckout,
  startBridgeProcess,
} from '../helpers/spawn-cli.ts';
import { eventually, postSigned, sandboxUser, verifyOf } from './support.ts';

interface ListedRequest {
  requestId: string;
  source: string;
  status: number;
  outcome: string;
  eventIds: string[];
}

interface Story {
  intake: { requestId: string; outcome: string; headers: Record<string, string> } | null;
  events: {
    id: string;
    rules: { name: string; decision: string; reason?: string }[];
    commands: {
      id: string;
      kind: string;
      outcome: string;
      attempts: { status?: number; outcome: string }[];
    }[];
  }[];
}

const SKIPPED_EVENT = 'msg_e2e_signup_without_user';

describe('the event trail through npm start', () => {
  let checkout: Checkout;
  let bridge: StartedBridge;
  let secrets: Record<string, string>;
  let stripeEventId: string;

  const cli = async (args: string[]) => {
    const result = await runCli(args, { cwd: checkout.dir });
    if (result.code !== 0) throw new Error(`${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  const list = async () => JSON.parse(await cli(['events', 'list', '--json'])) as ListedRequest[];
  const show = async (id: string) => JSON.parse(await cli(['events', 'show', id, '--json'])) as Story;

  beforeAll(async () => {
    checkout = scratchCheckout();
    bridge = await startBridgeProcess({ cwd: checkout.dir });
    secrets = JSON.parse(readFileSync(join(checkout.dir, '.local', 'dev-secrets.json'), 'utf8'));
    const rules = join(checkout.dir, 'rules');
    const stripeBody = readFileSync(join(checkout.dir, 'samples/stripe/trial-converted.json'), 'utf8');
    stripeEventId = (JSON.parse(stripeBody) as { id: string }).id;
    const stripe = verifyOf(rules, 'stripe');

    const accepted = await postSigned(
      bridge.ingestUrl,
      'stripe',
      stripe,
      secrets.STRIPE_WEBHOOK_SECRET as string,
      stripeBody,
    );
    expect(accepted.status).toBe(202);
    const duplicate = await postSigned(
      bridge.ingestUrl,
      'stripe',
      stripe,
      secrets.STRIPE_WEBHOOK_SECRET as string,
      stripeBody,
    );
    // A re-sent event is answered 200 (nothing new queued), not 202.
    expect(duplicate.status).toBe(200);
    const forged = await postSigned(
      bridge.ingestUrl,
      'stripe',
      stripe,
      'whsec_not_the_configured_secret',
      stripeBody,
    );
    expect(forged.status).toBe(401);
    const unknown = await fetch(`${bridge.ingestUrl}/webhooks/nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    // A sign-up the sender sent without the app's user id: the upsert has no user to name, so its rule skips.
    const skipped = await postSigned(
      bridge.ingestUrl,
      'portal',
      verifyOf(rules, 'portal'),
      secrets.PORTAL_WEBHOOK_SECRET as string,
      JSON.stringify({
        type: 'user.signed_up',
        timestamp: new Date().toISOString(),
        data: { user_ref: 'usr_trail_replayed', email: 'grace@example.com', name: 'Grace Hopper' },
      }),
      { eventId: SKIPPED_EVENT },
    );
    expect(skipped.status).toBe(202);
  });

  afterAll(async () => {
    await bridge?.stop();
    checkout?.remove();
  });

  it('lists the five requests newest first, each with its outcome', async () => {
    const requests = await eventually(async () => {
      const listed = await list();
      return listed.length >= 5 && listed;
    }, 'five trail records');
    expect(requests.map((r) => [r.source, r.status, r.outcome])).toEqual([
      ['portal', 202, 'accepted'],
      ['nope', 404, 'unknown_source'],
      ['stripe', 401, 'bad_signature'],
      ['stripe', 200, 'duplicate'],
      ['stripe', 202, 'accepted'],
    ]);
  });

  it('shows the accepted event with its rule decisions, its commands and every Userflow attempt', async () => {
    // By event id, the newest intake of a re-sent event answers: the duplicate.
    expect((await show(stripeEventId)).intake?.outcome).toBe('duplicate');
    const first = (await list()).find(
      (r) => r.source === 'stripe' && r.outcome === 'accepted',
    ) as ListedRequest;
    const story = await eventually(async () => {
      const s = await show(first.requestId);
      const commands = s.events.flatMap((e) => e.commands);
      return commands.length > 0 && commands.every((c) => c.outcome === 'delivered') && s;
    }, 'every command of the accepted event delivered');
    const [event] = story.events;
    expect(event?.id).toBe(stripeEventId);
    expect(event?.rules.find((r) => r.name === 'trial-converted')?.decision).toBe('matched');
    // The trial→paid move: out of `trial` before into `paid`, as the queue delivers them per user.
    const kinds = event?.commands.map((c) => c.kind) ?? [];
    expect(kinds).toHaveLength(4);
    expect(kinds.indexOf('remove_membership')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('remove_membership')).toBeLessThan(kinds.indexOf('add_membership'));
    for (const command of event?.commands ?? []) {
      expect(command.attempts.length).toBeGreaterThan(0);
      expect(command.attempts.at(-1)).toMatchObject({ status: 200, outcome: 'delivered' });
    }
    // No signature is ever kept.
    expect(Object.keys(story.intake?.headers ?? {})).not.toContain('stripe-signature');
  });

  it('shows why the refused and skipped requests went nowhere', async () => {
    const requests = await list();
    const forged = requests.find((r) => r.outcome === 'bad_signature') as ListedRequest;
    expect((await show(forged.requestId)).events).toEqual([]);

    const skipped = await show(SKIPPED_EVENT);
    const decisions = Object.fromEntries(skipped.events[0]?.rules.map((r) => [r.name, r]) ?? []);
    expect(decisions['user-signed-up']).toMatchObject({ decision: 'skipped' });
    expect(decisions['user-signed-up']?.reason).toMatch(/user_id/);
    expect(decisions['user-joined-company']?.decision).toBe('no_match');
    expect(skipped.events[0]?.commands).toEqual([]);
  });

  it('replays the skipped sign-up after its rule is fixed, and the user is created', async () => {
    const portalRules = join(checkout.dir, 'rules', 'portal.yaml');
    const fixed = readFileSync(portalRules, 'utf8').replace(
      'user_id: "{% data.external_id %}"',
      'user_id: "{% data.external_id ? data.external_id : data.user_ref %}"',
    );
    writeFileSync(portalRules, fixed);

    const dry = await cli(['events', 'replay', SKIPPED_EVENT, '--dry-run']);
    expect(dry).toContain('usr_trail_replayed');
    await cli(['events', 'replay', SKIPPED_EVENT]);
    const grace = await eventually(
      async () => sandboxUser(bridge.sandboxUrl as string, 'usr_trail_replayed'),
      'the replayed user in the sandbox',
    );
    expect(grace?.attributes).toMatchObject({ email: 'grace@example.com' });
  });
});
