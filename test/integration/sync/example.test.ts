// The README's sync quick-start, run exactly as written: the shipped SQL and sync file, through the real CLI.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';

const run = promisify(execFile);
let pgServer: TestPostgres;
let localDir: string;

beforeAll(async () => {
  pgServer = await startPostgres();
  await pgServer.sql(readFileSync('syncs/example-db.sql', 'utf8'));
  localDir = mkdtempSync(join(tmpdir(), 'ufb-sync-cli-'));
}, 120_000);
afterAll(async () => {
  await pgServer?.stop();
  rmSync(localDir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  run(process.execPath, ['bin/userflow-bridge.js', 'sync', ...args, '--local-dir', localDir], {
    env: { ...process.env, DATABASE_URL: pgServer.url },
  });

describe('sync quick-start (syncs/example.yaml)', () => {
  it('dry-runs, syncs, then finds nothing to do, and lists the runs', async () => {
    const dryText = await cli('run', 'syncs/example.yaml', '--dry-run');
    // A dry run is not a run: no number, so the first real run is not "run #2" after a "run #1".
    expect(dryText.stdout.split('\n')[0]).toMatch(/^dry run of example \(mirror\) in [\d.]+ s$/);
    const dry = await cli('run', 'syncs/example.yaml', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      byKind: { users: { created: 3 }, groups: { created: 2 }, memberships: { created: 3 } },
      counts: { queued: 0 },
    });
    const sample = JSON.parse(dry.stdout).samples.find((s: { key: string }) => s.key === 'user_1');
    expect(sample.attributes).toEqual({
      email: 'katherine@acme.test',
      name: 'Katherine Johnson',
      signed_up_at: '2026-01-05T09:00:00.000Z',
    });

    const real = await cli('run', 'syncs/example.yaml');
    expect(real.stdout).toMatch(
      /synced example \(mirror\).*\n.*8 rows read · 0 unchanged · 8 changed · 5 queued/,
    );
    // Each kind's last progress line agrees with the summary: its changes and commands, adding up to the 8
    // changes and 5 commands (the memberships travel in their users' upserts, so count as the users').
    const lastLine = (kind: string) =>
      real.stderr
        .split('\n')
        .filter((l) => l.startsWith(kind))
        .at(-1);
    expect(lastLine('groups')).toMatch(/ 2\/2 · .* · 2 changed · 2 queued$/);
    expect(lastLine('users')).toMatch(/ 3\/3 · .* · 3 changed · 3 queued$/);
    expect(lastLine('memberships')).toMatch(/ 3\/3 · .* · 3 changed · 0 queued$/);

    const again = await cli('run', 'syncs/example.yaml', '--json');
    expect(JSON.parse(again.stdout).counts).toMatchObject({ read: 8, unchanged: 8, queued: 0 });

    const status = await cli('status', '--json');
    expect(
      JSON.parse(status.stdout).map((r: { status: string; dryRun: boolean }) => [r.status, r.dryRun]),
    ).toEqual([
      ['succeeded', false],
      ['succeeded', false],
      ['succeeded', true],
      ['succeeded', true],
    ]);
    const table = (await cli('status')).stdout.split('\n');
    expect(table[0]).toMatch(/^#\d+ {2}example {2}/);
    expect(table[3]).toMatch(/^dry run {2}example {2}/);

    // A mistyped name is told apart from a sync that never ran.
    expect((await cli('status', '--sync', 'nope')).stdout).toBe(
      'sync nope has no runs; syncs with runs: example\n',
    );
  }, 60_000);

  it('warns when a copy of the file under another name would start from nothing (after the runs above)', async () => {
    const copy = join(localDir, 'example-copy.yaml');
    writeFileSync(copy, readFileSync('syncs/example.yaml', 'utf8'));
    const dry = await cli('run', copy, '--dry-run');
    expect(dry.stderr).toContain(
      `warning: sync example-copy (${copy}) has no runs yet, but sync example (syncs/example.yaml) has the same queries and 2 runs`,
    );
    expect(dry.stderr).toContain('add `name: example` to continue that one');

    // Named after the original, it continues that sync: no warning, nothing to do.
    writeFileSync(copy, `name: example\n${readFileSync('syncs/example.yaml', 'utf8')}`);
    const named = await cli('run', copy, '--dry-run', '--json');
    expect(named.stderr).not.toContain('warning');
    expect(JSON.parse(named.stdout).counts).toMatchObject({ unchanged: 8 });
    const original = await cli('run', 'syncs/example.yaml', '--dry-run');
    expect(original.stderr).not.toContain('warning');
  }, 60_000);

  it('fails with the file and the missing secret named, exit 2 (a usage error)', async () => {
    const failed = await run(
      process.execPath,
      ['bin/userflow-bridge.js', 'sync', 'run', 'syncs/example.yaml'],
      {
        env: { ...process.env, DATABASE_URL: '' },
      },
    ).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('syncs/example.yaml: the connection secret DATABASE_URL is not set');
  });
});
