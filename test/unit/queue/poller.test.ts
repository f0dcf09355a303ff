// The poller's own bookkeeping, without a queue behind it: what a long run of failed receives leaves behind.
import { afterEach, describe, expect, it } from 'vitest';
import { startPoller } from '../../../lib/local/poller.ts';
import type { Queue } from '../../../lib/queue/queue.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('poller', () => {
  it('many failed receives (each followed by a backoff sleep) leave no abort listeners behind', async () => {
    process.on('warning', onWarning);
    let receives = 0;
    const queue = {
      async receive() {
        receives++;
        await nextTurn();
        throw new Error('receive failed');
      },
    } as unknown as Queue;
    const poller = startPoller({ queue, handler: async () => {}, maxConcurrency: 1, sleep: nextTurn });
    while (receives < 50) await nextTurn();
    await poller.stop();
    await nextTurn();
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
