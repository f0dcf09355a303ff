// `userflow-bridge sandbox` as a real process: the listening line, the key, flags, a clean stop on SIGINT.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../lib/cli/main.ts';
import { api } from './http.ts';

const BIN = join(import.meta.dirname, '../../../bin/userflow-bridge.js');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  lines: string[];
}

/** Spawns the CLI and resolves once it has printed its first two lines. */
async function run(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    reader.on('line', (line) => {
      lines.push(line);
      if (lines.length === 2) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
  });
  return { child, lines };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const [code] = await exited;
  return code as number | null;
}

describe('userflow-bridge sandbox', () => {
  it('prints the listening line and the key, serves the API, saves the snapshot and exits 0 on SIGINT', async () => {
    const snapshot = join(dir, 'cli-state.json');
    const { child, lines } = await run(['--port', '0', '--seed', 'none', '--snapshot', snapshot]);
    expect(lines[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toBe('api key: ak_sandbox');
    const url = (lines[0] as string).slice('listening on '.length);
    const reply = await api(url)('POST', '/users', { body: { id: 'from_cli' } });
    expect(reply.status).toBe(200);
    expect(await stop(child)).toBe(0);
    const saved = JSON.parse(await readFile(snapshot, 'utf8'));
    expect(saved.users.map((u: { id: string }) => u.id)).toEqual(['from_cli']);
  });

  it('applies --api-key and --rate-limit/--burst', async () => {
    const { child, lines } = await run([
      '--api-key',
      'ak_cli',
      '--rate-limit',
      '0.001',
      '--burst',
      '1',
      '--seed',
      'none',
    ]);
    try {
      expect(lines[1]).toBe('api key: ak_cli');
      const call = api((lines[0] as string).slice('listening on '.length), 'ak_cli');
      expect((await call('GET', '/users')).status).toBe(200);
      const limited = await call('GET', '/users');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(1);
    } finally {
      await stop(child);
    }
  });

  it('exits 2 with a usage error for a bad flag value', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['sandbox', '--concurrency', 'many'])).toBe(2);
      expect(stderr.mock.calls.join('')).toContain('--concurrency');
    } finally {
      stderr.mockRestore();
    }
  });

  it('exits 2 with a plain line naming --port when the port is taken (the user can change it)', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['sandbox', '--port', String(port)])).toBe(2);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/already in use: pass --port N/);
    } finally {
      stderr.mockRestore();
      blocker.close();
    }
  });
});
