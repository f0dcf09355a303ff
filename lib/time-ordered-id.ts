// UUID-shaped ids that sort by creation time (the UUIDv7 layout), for ids that key a B-tree index: the embedded
// queue's message ids and the trail's intake request ids.
import { randomUUID } from 'node:crypto';

let sequence = 0;

/**
 * 48 bits of epoch milliseconds, a 12-bit in-process sequence, then random bits. New ids land at the end of a
 * B-tree index instead of a random page: with a backlog of 100,000 messages, random UUIDs made every insert dirty
 * its own index page and cost 3.5× more. The random tail keeps ids unique across processes sharing a file.
 */
export function timeOrderedId(now = Date.now()): string {
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  const seq = (sequence++ & 0xfff).toString(16).padStart(3, '0');
  // randomUUID() is `xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx`: its last two groups carry the variant and 62 random bits.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${seq}-${randomUUID().slice(19)}`;
}
