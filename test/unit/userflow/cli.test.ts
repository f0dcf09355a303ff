import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../../lib/cli/exit.ts';
import { buildProgram, main } from '../../../lib/cli/main.ts';
import { kebabAction, USERFLOW_ACTIONS } from '../../../lib/userflow/index.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function captureStderr() {
  const chunks: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  return chunks;
}

describe('userflow-bridge userflow', () => {
  it('has one subcommand per action, in kebab case', () => {
    const group = buildProgram().commands.find((c) => c.name() === 'userflow');
    const names = group?.commands.map((c) => c.name()) ?? [];
    expect(names.sort()).toEqual(USERFLOW_ACTIONS.map(kebabAction).sort());
  });

  it('names USERFLOW_API_KEY and exits 2 when it is missing', async () => {
    vi.stubEnv('USERFLOW_API_KEY', undefined);
    const stderr = captureStderr();
    expect(await main(['userflow', 'get-user', 'u1'])).toBe(EXIT.usage);
    expect(stderr.join('')).toContain('USERFLOW_API_KEY');
  });

  it.each([
    ['a bad --limit', ['userflow', 'list-users', '--limit', '0']],
    ['a bad --region', ['userflow', 'get-user', 'u1', '--region', 'ap']],
    ['--data that is not JSON', ['userflow', 'track-event', '--data', '{name:']],
    ['--data that misses the event name', ['userflow', 'track-event', '--data', '{"user_id":"u1"}']],
    [
      '--data from a file that is not there',
      ['userflow', 'create-or-update-group', '--data', '@/nonexistent.json'],
    ],
    ['a malformed --query', ['userflow', 'list-users', '--query', 'novalue']],
    ['a missing id', ['userflow', 'delete-user']],
  ])('exits 2 on %s', async (_what, argv) => {
    vi.stubEnv('USERFLOW_API_KEY', 'ak_cli_test');
    captureStderr();
    expect(await main(argv)).toBe(EXIT.usage);
  });

  it('never prints the key in a usage error', async () => {
    vi.stubEnv('USERFLOW_API_KEY', 'ak_cli_secret_value');
    vi.stubEnv('USERFLOW_API_URL', 'http://api.example.org');
    const stderr = captureStderr();
    expect(await main(['userflow', 'get-user', 'u1'])).toBe(EXIT.usage);
    expect(stderr.join('')).toMatch(/https/);
    expect(stderr.join('')).not.toContain('ak_cli_secret_value');
  });
});
