// A child process for the durability tests: sends messages one by one, printing each acknowledged dedupe id.
import { openSqliteQueues } from '../../../lib/queue/sqlite/sqlite-queue.ts';

const [path, countText, mode] = process.argv.slice(2);
const queues = openSqliteQueues({
  path: path ?? '',
  mainName: 'main',
  dlqName: 'dlq',
  maxReceiveCount: 3,
  visibilityTimeoutSeconds: 1,
});

if (mode === 'receive-and-hang') {
  const got = await queues.main.receive({ maxMessages: 10, waitSeconds: 5 });
  process.stdout.write(`received ${got.map((m) => m.dedupeId).join(',')}\n`);
  setInterval(() => {}, 1_000);
} else {
  const count = Number(countText);
  for (let n = 1; n <= count; n++) {
    const groupId = `user-${n % 7}`;
    await queues.main.send([{ groupId, dedupeId: `cmd-${n}`, body: JSON.stringify({ groupId, n }) }]);
    process.stdout.write(`ack cmd-${n}\n`);
  }
  setInterval(() => {}, 1_000);
}
