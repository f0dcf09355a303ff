import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../../lib/userflow');

describe('module boundaries of lib/userflow', () => {
  it('imports undici (its index or any part of it) from exactly one module, the transport adapter', async () => {
    // A declaration file's types load nothing at run time.
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    const importers: string[] = [];
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      if (/from ['"]undici(\/[^'"]*)?['"]/.test(text)) importers.push(file);
    }
    expect(importers).toEqual(['undici-transport.ts']);
  });

  it('reads no environment variables', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      expect(await readFile(join(dir, file), 'utf8'), file).not.toContain('process.env');
    }
  });
});
