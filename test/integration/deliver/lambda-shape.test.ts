// Lambda shape: records received from the SQS emulator, as an SQSEvent, in; batchItemFailures for exactly the
// records that must come back out (and nothing for records that succeeded or were dead-lettered).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSqsEvent } from '../../../lib/local/sqs-event.ts';
import { type Rig, startRig } from './harness.ts';

describe('deliver handler on a real SQS event', () => {
  let rig: Rig;
  // The sandbox draws twice per request (slow?, then error?): the first request fails (500), the rest pass.
  const draws = [0.99, 0];

  beforeAll(async () => {
    rig = await startRig({
      sandbox: {
        faults: { errorRate: 0.5, random: () => draws.shift() ?? 0.99 },
        flags: { eventUnknownSubject: 'reject' },
      },
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('returns batchItemFailures exactly for the failed records', async () => {
    await rig.send([
      { type: 'upsert_user', user_id: 'a', attributes: { n: 1 } }, // 500 → retry later
      { type: 'upsert_user', user_id: 'b', attributes: { n: 2 } }, // delivered
      { type: 'track_event', user_id: 'ghost', name: 'x' }, // 404 → DLQ, reported as handled
      { type: 'delete_group', group_id: 'g-gone' }, // delivered (already gone is done)
    ]);
    const received = await rig.main.receive({ maxMessages: 10, waitSeconds: 1 });
    expect(received).toHaveLength(4);
    const event = buildSqsEvent(received);
    const byUser = new Map(
      event.Records.map((r) => [JSON.parse(r.body).command.user_id ?? 'group', r.messageId] as const),
    );

    const response = await rig.handler(event);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: byUser.get('a') }] });
    const dlq = await rig.dlq.counts();
    expect(dlq.visible).toBe(1);
  });
});
