// A new user's first run: `start` in a fresh checkout, signed Stripe/HubSpot/portal webhooks, the sandbox's final
// state, the audit log, a rule file broken and fixed while running, and a clean Ctrl-C.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, command as commandSchema, messageGroupId } from '../../lib/commands/index.ts';
import { LOCAL_QUEUE_SETTINGS, QUEUE_NAMES } from '../../lib/local/layout.ts';
import { openSqliteQueues } from '../../lib/queue/sqlite/sqlite-queue.ts';
import {
  type Checkout,
  runCli,
  type StartedBridge,
  scratchCheckout,
  startBridgeProcess,
} from '../helpers/spawn-cli.ts';
import { eventually, postSigned, readAudit, sandboxUser, snapshotEvents, verifyOf } from './support.ts';

const ADA = 'usr_7f3a2c91';
const PORTAL_COMPANY = 'pco_01JV2A7B0D2F4H6K8M0P2R4T6V';

describe('npm start in a fresh checkout', () => {
  let checkout: Checkout;
  let bridge: StartedBridge;
  let sandboxUrl: string;
  let secrets: Record<string, string>;
  const accepted: string[] = [];

  beforeAll(async () => {
    checkout = scratchCheckout();
    bridge = await startBridgeProcess({ cwd: checkout.dir });
    sandboxUrl = bridge.sandboxUrl as string;
    secrets = JSON.parse(readFileSync(join(checkout.dir, '.local', 'dev-secrets.json'), 'utf8'));
  });

  afterAll(async () => {
    await bridge?.stop();
    checkout?.remove();
  });

  it('prints the webhook URLs, the sandbox, the audit log, the generated secrets and a send example', () => {
    for (const source of ['stripe', 'hubspot', 'portal']) {
      expect(bridge.banner).toContain(`POST ${bridge.ingestUrl}/webhooks/${source}`);
    }
    expect(bridge.banner).toContain(`Sandbox    ${sandboxUrl}`);
    expect(bridge.banner).toContain('.local/audit.jsonl');
    // Each secret in its scheme's format, printed and saved for `send`.
    expect(secrets.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_\w+$/);
    expect(secrets.PORTAL_WEBHOOK_SECRET).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secrets.HUBSPOT_CLIENT_SECRET).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    for (const [name, value] of Object.entries(secrets)) expect(bridge.banner).toContain(`${name}=${value}`);
    expect(bridge.banner).toContain(
      `npx userflow-bridge send stripe samples/stripe/trial-converted.json --url ${bridge.ingestUrl}`,
    );
  });

  it('`send` signs the Stripe sample and the bridge accepts it', async () => {
    const result = await runCli(
      ['send', 'stripe', 'samples/stripe/trial-converted.json', '--url', bridge.ingestUrl],
      {
        cwd: checkout.dir,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('202 Accepted');
    const body = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
    expect(body.accepted).toBe(4);
    accepted.push(...body.commands);
  });

  it('a signed HubSpot batch and a Standard Webhooks portal event are accepted', async () => {
    const hubspot = await postSigned(
      bridge.ingestUrl,
      'hubspot',
      verifyOf(join(checkout.dir, 'rules'), 'hubspot'),
      secrets.HUBSPOT_CLIENT_SECRET as string,
      readFileSync(join(checkout.dir, 'samples/hubspot/contact-became-customer.json'), 'utf8'),
    );
    expect(hubspot.status).toBe(202);
    const portal = await postSigned(
      bridge.ingestUrl,
      'portal',
      verifyOf(join(checkout.dir, 'rules'), 'portal'),
      secrets.PORTAL_WEBHOOK_SECRET as string,
      readFileSync(join(checkout.dir, 'samples/portal/profile-completed.json'), 'utf8'),
      { eventId: 'msg_e2e_profile_completed' },
    );
    expect(portal.status).toBe(202);
    accepted.push(...(hubspot.body.commands ?? []), ...(portal.body.commands ?? []));
  });

  it('a webhook signed with another secret is refused', async () => {
    const refused = await postSigned(
      bridge.ingestUrl,
      'stripe',
      verifyOf(join(checkout.dir, 'rules'), 'stripe'),
      'whsec_not_the_configured_secret',
      readFileSync(join(checkout.dir, 'samples/stripe/checkout-completed.json'), 'utf8'),
    );
    expect(refused.status).toBe(401);
  });

  it('the sandbox ends with Ada moved from trial to paid, with her CRM stage, and every command audited', async () => {
    const auditPath = join(checkout.dir, '.local', 'audit.jsonl');
    const audit = await eventually(() => {
      const lines = readAudit(auditPath);
      const done = new Set(lines.filter((l) => l.outcome === 'delivered').map((l) => l.commandId));
      return accepted.every((id) => done.has(id)) && lines;
    }, 'every accepted command delivered');

    const ada = await sandboxUser(sandboxUrl, ADA);
    expect(ada?.memberships.map((m) => m.group_id)).toEqual(['paid']);
    expect(ada?.attributes).toMatchObject({ subscription_status: 'active', lifecyclestage: 'customer' });

    const trialMove = audit.filter((l) => l.rule === 'trial-converted').map((l) => l.command);
    expect(trialMove).toEqual(['remove_membership', 'add_membership', 'track_event']);
    for (const line of audit) expect(line).toMatchObject({ status: 200 });
    expect(new Set(audit.map((l) => l.source))).toEqual(new Set(['stripe', 'hubspot', 'portal']));

    // The live lines: one per command, naming its event and its user, with the lookup indented under it.
    const out = bridge.cli.stdout();
    expect(out).toMatch(
      /^→ userflow \w+ {2}delivered {2}event \S+ · user with hubspot_contact_id = \d+ {2}\(200, \d+ ms\) {2}hubspot\/\S+\n {4}lookup hubspot_contact_id = \d+ · GET \/users {2}200, \d+ ms$/m,
    );
    expect(out).toMatch(/^← webhook stripe {2}202 {2}queued 4 commands {2}event evt_\w+$/m);
    expect(out).toMatch(
      /^→ userflow add_membership {2}delivered {2}event \S+ · user usr_7f3a2c91 · group paid /m,
    );
    // No JSON among the readable lines: the refused webhook above logged a warning, told by its live line.
    for (const line of [...out.split('\n'), ...bridge.cli.stderr().split('\n')])
      expect(line).not.toMatch(/^\{/);
  });

  it('a command on the database-sync queue (what `sync run` fills) is delivered by the sync consumer', async () => {
    const queues = openSqliteQueues({
      path: join(checkout.dir, '.local', 'queue.db'),
      mainName: QUEUE_NAMES.sync,
      dlqName: QUEUE_NAMES.syncDlq,
      ...LOCAL_QUEUE_SETTINGS,
    });
    try {
      const command = commandSchema.parse({ type: 'upsert_user', user_id: ADA, attributes: { projects: 7 } });
      const envelope = buildEnvelope({
        source: 'sync:app',
        rule: 'users',
        eventId: 'run-1',
        index: 0,
        receivedAt: new Date(),
        command,
      });
      await queues.main.send([
        { groupId: messageGroupId(command), dedupeId: envelope.id, body: JSON.stringify(envelope) },
      ]);
      accepted.push(envelope.id);
    } finally {
      queues.close();
    }
    await eventually(
      async () => (await sandboxUser(sandboxUrl, ADA))?.attributes.projects === 7,
      'the synced attribute',
    );
  });

  it('a broken rule file keeps the last good rules; a new valid one is loaded with a new dev secret', async () => {
    const rulesDir = join(checkout.dir, 'rules');
    writeFileSync(join(rulesDir, 'broken.yaml'), 'source: broken\nverify: { scheme: nope }\nrules: []\n');
    await bridge.cli.waitFor(/rules not reloaded[\s\S]*broken\.yaml/, { stream: 'stderr' });
    const stillServed = await postSigned(
      bridge.ingestUrl,
      'portal',
      verifyOf(rulesDir, 'portal'),
      secrets.PORTAL_WEBHOOK_SECRET as string,
      readFileSync(join(checkout.dir, 'samples/portal/profile-completed.json'), 'utf8'),
      { eventId: 'msg_e2e_while_broken' },
    );
    expect(stillServed.status).toBe(202);
    accepted.push(...(stillServed.body.commands ?? []));

    rmSync(join(rulesDir, 'broken.yaml'));
    writeFileSync(
      join(rulesDir, 'billing.yaml'),
      [
        'source: billing',
        'verify: { scheme: hmac, secrets: [BILLING_WEBHOOK_SECRET], header: x-signature }',
        'event: { id: id, type: type }',
        'rules:',
        '  - name: plan-set',
        '    when: { type: [plan.set] }',
        '    do:',
        '      - upsert_user: { user_id: "{% user %}", attributes: { plan: "{% plan %}" } }',
        '',
      ].join('\n'),
    );
    const generated = await bridge.cli.waitFor(/BILLING_WEBHOOK_SECRET=([0-9a-f]+)/);
    await bridge.cli.waitFor(/rules reloaded: .*billing/);
    const billing = await postSigned(
      bridge.ingestUrl,
      'billing',
      verifyOf(rulesDir, 'billing'),
      generated[1] as string,
      JSON.stringify({ id: 'bill_1', type: 'plan.set', user: ADA, plan: 'enterprise' }),
    );
    expect(billing.status).toBe(202);
    await eventually(
      async () => (await sandboxUser(sandboxUrl, ADA))?.attributes.plan === 'enterprise',
      'the new source to reach the sandbox',
    );
  });

  it('Ctrl-C exits 0 and the sandbox state, events included, is saved for the next start', async () => {
    await eventually(() => {
      const done = new Set(readAudit(join(checkout.dir, '.local', 'audit.jsonl')).map((l) => l.commandId));
      return accepted.every((id) => done.has(id));
    }, 'the last commands delivered');
    const exit = await bridge.stop(5_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(bridge.cli.stdout()).toContain('stopped.');

    const events = snapshotEvents(join(checkout.dir, '.local', 'sandbox.json'));
    const names = (user: string) => events.filter((e) => e.user_id === user).map((e) => e.name);
    expect(names(ADA)).toEqual(
      expect.arrayContaining(['subscription_activated', 'became_customer', 'profile_completed']),
    );
    expect(events.find((e) => e.name === 'profile_completed')).toMatchObject({
      group_id: PORTAL_COMPANY,
      attributes: { fields_completed: 4 },
    });
  });
});
