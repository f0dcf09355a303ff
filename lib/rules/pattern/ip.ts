// IP addresses the way event-ruler reads them: exact IP values and `cidr` compare addresses, not spellings.
import { isIP } from 'node:net';

// event-ruler's own tests for "looks like an IP" (Constants.IPv4_REGEX / IPv6_REGEX): only such strings are parsed,
// so a hostname or an IPv6 address with a zone or an embedded dotted quad stays a plain string.
const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * The address as bytes (4 or 16), or undefined when `text` is not an IP literal. Like Java's InetAddress (which
 * event-ruler uses), an IPv4-mapped IPv6 address (::ffff:a00:1) is the IPv4 address it maps (10.0.0.1).
 */
export function ipBytes(text: string): Uint8Array | undefined {
  if (IPV4.test(text)) return isIP(text) === 4 ? Uint8Array.from(text.split('.'), Number) : undefined;
  if (!IPV6.test(text) || isIP(text) !== 6) return undefined;
  const [head = '', tail] = text.split('::');
  const groups = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  const mapped =
    bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** One spelling per address (hex of its bytes), for exact matching: "2001:DB8::1" and "2001:db8:0:0:0:0:0:1" agree. */
export function ipKey(text: string): string | undefined {
  const bytes = ipBytes(text);
  return bytes ? Buffer.from(bytes).toString('hex') : undefined;
}

export interface Subnet {
  network: Uint8Array;
  bits: number;
}

/** Whether `address` lies in `subnet` (same family, same leading `bits`). */
export function inSubnet(address: Uint8Array, { network, bits }: Subnet): boolean {
  if (address.length !== network.length) return false;
  const whole = bits >> 3;
  for (let i = 0; i < whole; i += 1) if (address[i] !== network[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[whole] as number) & mask) === ((network[whole] as number) & mask);
}
