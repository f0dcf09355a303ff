// The machine's one budget: CLI, agent and watch clients lease from the record `npm start` keeps in the local dir,
// keyed by the Userflow environment, and a directory with no budget file leaves a client as it was.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetKey } from '../../lib/budget/budget-key.ts';
import { localLayout } from '../../lib/local/layout.ts';
import { onLocalBudget, openLocalBudget } from '../../lib/local/local-budget.ts';
import type { RunningSandbox } from '../../lib/sandbox/index.ts';
import { openSqliteDatabase } from '../../lib/sqlite/sqlite-db.ts';
import { UserflowClient } from '../../lib/userflow/index.ts';
import { startSandbox } from '../helpers/sandbox.ts';

let sandbox: RunningSandbox;
let root: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  root = mkdtempSync(join(tmpdir(), 'local-budget-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(root, { recursive: true, force: true });
});

function classesIn(localDir: string, key: string): string[] {
  const db = openSqliteDatabase(localLayout(localDir).budgetDb);
  try {
    const row = db.prepare<[string], { state: string }>('SELECT state FROM budget WHERE key = ?').get(key);
    return row ? Object.keys(JSON.parse(row.state).classes).sort() : [];
  } finally {
    db.close();
  }
}

/** A local dir where `npm start` has delivered: its consumers leased as the live class. */
async function startedDir(name: string): Promise<string> {
  const localDir = join(root, name);
  mkdirSync(localDir);
  const started = openLocalBudget({
    file: { path: localLayout(localDir).budgetDb, baseUrl: sandbox.url, apiKey: sandbox.apiKey },
    ceilingPerSecond: 50,
  });
  const gate = started.gate('live');
  gate.onSuccess(await gate.acquire());
  await started.close();
  return localDir;
}

describe('a client on the local budget', () => {
  it('leases from the record npm start keeps for the same environment, as its own class', async () => {
    const localDir = await startedDir('same');
    const plain = new UserflowClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url });
    const gated = onLocalBudget(plain, {
      localDir,
      apiKey: sandbox.apiKey,
      budgetClass: 'cli',
      ceilingPerSecond: 50,
    });
    expect(gated.client).not.toBe(plain);
    await gated.client.listUsers({ limit: 1 });
    await gated.close();
    expect(classesIn(localDir, budgetKey(sandbox.url, sandbox.apiKey))).toEqual(['cli', 'live']);
  });

  it('keeps another environment apart: a different key leases a record of its own', async () => {
    const localDir = await startedDir('other');
    const other = 'ak_another_environment_key';
    const gated = onLocalBudget(new UserflowClient({ apiKey: other, baseUrl: sandbox.url }), {
      localDir,
      apiKey: other,
      budgetClass: 'agent',
    });
    // The sandbox refuses the key: a 401 is still an answer Userflow gave, and the lease was made.
    await expect(gated.client.listUsers({ limit: 1 })).rejects.toThrow();
    await gated.close();
    expect(classesIn(localDir, budgetKey(sandbox.url, other))).toEqual(['agent']);
    expect(classesIn(localDir, budgetKey(sandbox.url, sandbox.apiKey))).toEqual(['live']);
  });

  it('leaves the client as it is, and makes no file, where npm start keeps no budget', async () => {
    const localDir = join(root, 'never-started');
    const plain = new UserflowClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url });
    const gated = onLocalBudget(plain, { localDir, apiKey: sandbox.apiKey, budgetClass: 'cli' });
    expect(gated.client).toBe(plain);
    expect(existsSync(localLayout(localDir).budgetDb)).toBe(false);
  });
});
