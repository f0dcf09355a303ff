// Reading the raw body within the limit: hono bodyLimit's decisions (declared length first, streamed bodies cut
// off at the limit, no body unchecked), plus the bytes themselves checked, byte for byte.
import { describe, expect, it } from 'vitest';
import { readBodyWithin } from '../../../lib/ingest/read-body.ts';

const URL = 'http://localhost/webhooks/stripe';
const bytes = (length: number, fill = 0x61) => new Uint8Array(length).fill(fill);

/** A streamed body in chunks, counting how many chunks the reader pulled. */
function chunked(chunks: Uint8Array[]) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks[state.pulled];
        if (next === undefined) return controller.close();
        state.pulled += 1;
        controller.enqueue(next);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

function request(body: RequestInit['body'], headers: Record<string, string> = {}): Request {
  return new Request(URL, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

describe('readBodyWithin', () => {
  it('returns the bytes exactly when a declared length is within the limit', async () => {
    const sent = new TextEncoder().encode('{"a": "Zoë ✓ 😀"}\r\n  ');
    const read = await readBodyWithin(request(sent, { 'content-length': String(sent.length) }), sent.length);
    expect(read).toEqual(sent);
  });

  it('refuses a declared length over the limit without reading a byte', async () => {
    const { stream, state } = chunked([bytes(10)]);
    const read = await readBodyWithin(request(stream, { 'content-length': '101' }), 100);
    expect(read).toBeUndefined();
    expect(state.pulled).toBe(0);
  });

  it('refuses more bytes than the limit even when the declared length is within it', async () => {
    const read = await readBodyWithin(request(bytes(101), { 'content-length': '100' }), 100);
    expect(read).toBeUndefined();
  });

  it('reads a garbled declared length as no claim (as bodyLimit) and checks the bytes', async () => {
    expect(await readBodyWithin(request(bytes(50), { 'content-length': 'lots' }), 100)).toEqual(bytes(50));
    expect(await readBodyWithin(request(bytes(150), { 'content-length': 'lots' }), 100)).toBeUndefined();
  });

  it('joins a streamed body without a declared length, byte for byte', async () => {
    const parts = [bytes(30, 0x31), bytes(30, 0x32), bytes(40, 0x33)];
    const read = await readBodyWithin(request(chunked(parts).stream), 100);
    expect(read).toEqual(new Uint8Array(parts.flatMap((part) => [...part])));
  });

  it('stops reading a streamed body at the chunk that passes the limit', async () => {
    const { stream, state } = chunked([bytes(60), bytes(60), bytes(60), bytes(60)]);
    expect(await readBodyWithin(request(stream), 100)).toBeUndefined();
    expect(state.pulled).toBe(2);
  });

  it('streams when Transfer-Encoding is present, whatever length is declared', async () => {
    const { stream } = chunked([bytes(20)]);
    const headers = { 'content-length': '1000', 'transfer-encoding': 'chunked' };
    expect(await readBodyWithin(request(stream, headers), 100)).toEqual(bytes(20));
  });

  it('does not hold a request without a body to its declared length (as bodyLimit)', async () => {
    const read = await readBodyWithin(request(null, { 'content-length': '1000' }), 100);
    expect(read).toEqual(new Uint8Array(0));
  });

  it('reads an empty body as no bytes', async () => {
    expect(await readBodyWithin(request(''), 100)).toEqual(new Uint8Array(0));
  });
});
