// The attempt side of the event trail over real parts: the embedded SQLite queue, local mode's consumers, the
// sandbox over HTTP and the SQLite trail. Each command leaves one attempt record per Userflow call; a trail that is
// gone changes nothing about delivery.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildEnvelope,
  type CommandInput,
  command as commandSchema,
  envelopeMessage,
} from '../../../lib/commands/index.ts';
import type { AuditRecord } from '../../../lib/deliver/audit.ts';
import { type RunningConsumers, startConsumers } from '../../../lib/local/consumers.ts';
import { readDeliverTuning } from '../../../lib/local/deliver-tuning.ts';
import { openLocalQueues } from '../../../lib/local/local-queues.ts';
import { createLogger } from '../../../lib/logger.ts';
import type { RunningSandbox, StartSandboxOptions } from '../../../lib/sandbox/index.ts';
import { openSqliteTrail } from '../../../lib/trail/sqlite-store.ts';
import type { TrailStore } from '../../../lib/trail/store.ts';
import type { AttemptRecord } from '../../../lib/trail/types.ts';
import { UserflowClient } from '../../../lib/userflow/index.ts';
import { startSandbox } from '../../helpers/sandbox.ts';
import { MemoryPersistenceLayer } from '../../unit/deliver/memory-persistence.ts';

interface LocalRig {
  sandbox: RunningSandbox;
  trail: TrailStore;
  trailPath: string;
  audit: AuditRecord[];
  logger: ReturnType<typeof createLogger>;
  /** Queues one command from webhook source `stripe`; returns its command id. */
  send(command: CommandInput, eventId: string): Promise<string>;
  /** Waits until every queue is empty (delivered or dead-lettered). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startLocal(
  options: { sandbox?: StartSandboxOptions; trail?: (path: string) => TrailStore } = {},
): Promise<LocalRig> {
  const dir = await mkdtemp(join(tmpdir(), 'trail-deliver-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const sandbox = await startSandbox({ seed: 'none', ...options.sandbox });
  const queues = await openLocalQueues({ kind: 'local', queueDb: join(dir, 'queue.db'), env: {} });
  const trailPath = join(dir, 'trail.db');
  const trail = (options.trail ?? openSqliteTrail)(trailPath);
  const audit: AuditRecord[] = [];
  const logger = createLogger({ service: 'trail-test', level: 'SILENT' });
  const consumers: RunningConsumers = startConsumers({
    client: new UserflowClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, timeoutMs: 2_000 }),
    queues: { webhooks: queues.webhooks },
    idempotency: () => new MemoryPersistenceLayer(),
    auditSink: { write: (record) => audit.push(record) },
    trail,
    logger,
    budget: { limitPerSecond: 500, syncShare: 0, maxConcurrency: 2 },
    // Sub-second backoff: a failed record is visible again at once.
    tuning: { ...readDeliverTuning({}), backoff: { baseMs: 100, capMs: 500 } },
    visibilityTimeoutSeconds: 30,
    stopTimeoutMs: 1_000,
    onError: () => {},
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await consumers.stop();
    await queues.close();
    trail.close();
    await sandbox.close();
  };
  cleanups.push(close);
  return {
    sandbox,
    trail,
    trailPath,
    audit,
    logger,
    async send(input, eventId) {
      const envelope = buildEnvelope({
        source: 'stripe',
        rule: 'subscription',
        eventId,
        index: 0,
        receivedAt: new Date(),
        command: commandSchema.parse(input),
      });
      await queues.webhooks.main.send([envelopeMessage(envelope)]);
      return envelope.id;
    },
    async settle() {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const counts = await queues.webhooks.main.counts();
        // An audit record is written once a command is decided; an empty queue alone could be a receive in flight.
        if (counts.visible + counts.inFlight === 0 && audit.length > 0) return;
        if (Date.now() > deadline) throw new Error(`queue not settled: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close,
  };
}

/** The trail as a fresh process reads it: every write the consumers made is in the file. */
function attemptsOnDisk(path: string, commandId: string): Promise<AttemptRecord[]> {
  const reader = openSqliteTrail(path);
  return reader.attemptsFor([commandId]).finally(() => reader.close());
}

describe('attempt records in the trail', () => {
  it('records a delivered command: the call, what was sent, who asked and where it came from', async () => {
    const rig = await startLocal();
    const id = await rig.send(
      {
        type: 'upsert_user',
        user_id: 'ada',
        attributes: { plan: 'trial', email: 'ada@example.com' },
        groups: [{ id: 'acme' }],
      },
      'evt_delivered',
    );
    await rig.settle();
    await rig.close();

    const attempts = await attemptsOnDisk(rig.trailPath, id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      commandId: id,
      attempt: 1,
      action: 'createOrUpdateUser',
      status: 200,
      outcome: 'delivered',
      source: 'stripe',
      senderEventId: 'evt_delivered',
      userId: 'ada',
      groupId: 'acme',
      principal: 'webhook:stripe',
      origin: 'webhook:stripe',
      request: {
        id: 'ada',
        attributes: { plan: 'trial', email: 'ada@example.com' },
        groups: [{ id: 'acme' }],
      },
    });
    expect(attempts[0]?.expiresAt).toBeGreaterThan(Date.parse(attempts[0]?.at ?? '') / 1000);
    // Findable by user across origins, as `events list --user` asks.
    const reader = openSqliteTrail(rig.trailPath);
    const byUser = await reader.listAttempts({ userId: 'ada', limit: 10 }).finally(() => reader.close());
    expect(byUser.map((a) => a.commandId)).toEqual([id]);
    // The audit record names the user, the group and the principal too.
    expect(rig.audit[0]).toMatchObject({ userId: 'ada', groupId: 'acme', principal: 'webhook:stripe' });
    // The key the consumer authenticated with is in no record.
    expect(JSON.stringify(attempts)).not.toContain(rig.sandbox.apiKey);
    expect(JSON.stringify(attempts).toLowerCase()).not.toContain('authorization');
  }, 30_000);

  it('records an event name, and both attempts of a command that failed once and was then delivered', async () => {
    let draws = 0;
    // decideFault draws twice per request (delay, then error): only the first request's error draw hits.
    const random = () => {
      draws += 1;
      return draws === 2 ? 0 : 0.99;
    };
    const rig = await startLocal({ sandbox: { faults: { errorRate: 0.5, random } } });
    await rig.send({ type: 'upsert_user', user_id: 'grace' }, 'evt_user');
    const id = await rig.send(
      { type: 'track_event', user_id: 'grace', name: 'subscription_started', attributes: { plan: 'pro' } },
      'evt_retried',
    );
    await rig.settle();
    await vi.waitFor(() => expect(rig.audit.filter((a) => a.outcome === 'delivered')).toHaveLength(2), {
      timeout: 10_000,
    });
    await rig.close();

    const [upsert] = rig.audit;
    const upsertAttempts = await attemptsOnDisk(rig.trailPath, upsert?.commandId ?? '');
    expect(upsertAttempts.map((a) => [a.attempt, a.outcome, a.status])).toEqual([
      [1, 'retry', 500],
      [2, 'delivered', 200],
    ]);
    expect(upsertAttempts[0]?.reason).toBeDefined();
    const event = await attemptsOnDisk(rig.trailPath, id);
    expect(event).toHaveLength(1);
    expect(event[0]).toMatchObject({
      action: 'trackEvent',
      outcome: 'delivered',
      request: { name: 'subscription_started', user_id: 'grace', attributes: { plan: 'pro' } },
    });
  }, 30_000);

  it('records a dead-lettered command with its status, reason and Userflow error code', async () => {
    const rig = await startLocal();
    const id = await rig.send(
      { type: 'upsert_user', user_id: 'bad', attributes: { credits: { add: 'lots' } } },
      'evt_rejected',
    );
    await rig.settle();
    await rig.close();

    const attempts = await attemptsOnDisk(rig.trailPath, id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, outcome: 'dead_lettered', status: 400, userId: 'bad' });
    expect(attempts[0]?.reason).toEqual(expect.any(String));
    expect(attempts[0]?.userflowCode).toEqual(expect.any(String));
  }, 30_000);

  it('delivers exactly as without a trail when the trail is closed, and logs the failed writes', async () => {
    const rig = await startLocal({
      trail: (path) => {
        const trail = openSqliteTrail(path);
        trail.close();
        return trail;
      },
    });
    const errors = vi.spyOn(rig.logger, 'error');
    const id = await rig.send(
      { type: 'upsert_user', user_id: 'linus', attributes: { plan: 'pro' } },
      'evt_x',
    );
    await rig.settle();
    await rig.close();

    expect(rig.sandbox.store.getUser('linus')?.attributes.plan).toBe('pro');
    expect(rig.audit.map((a) => a.outcome)).toEqual(['delivered']);
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('trail write failed'),
      expect.objectContaining({ failed: 1 }),
    );
    expect(await attemptsOnDisk(rig.trailPath, id)).toEqual([]);
  }, 30_000);
});
