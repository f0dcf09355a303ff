// The console command's flags through zod: defaults as documented, and errors that name the flag.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSOLE_PORT, parseConsoleOptions } from '../../../lib/console/options.ts';
import { isLoopbackAddress } from '../../../lib/console/security.ts';
import { ConfigError } from '../../../lib/errors.ts';

describe('console options', () => {
  it('defaults to loopback on 8789 against the local dir', () => {
    expect(parseConsoleOptions({})).toMatchObject({
      port: DEFAULT_CONSOLE_PORT,
      host: '127.0.0.1',
      localDir: '.local',
    });
    expect(DEFAULT_CONSOLE_PORT).toBe(8789);
  });

  it('names the flag that is wrong', () => {
    expect(() => parseConsoleOptions({ port: '99999', consoleToken: 'short' })).toThrow(ConfigError);
    try {
      parseConsoleOptions({ port: '99999', consoleToken: 'short' });
    } catch (error) {
      expect((error as ConfigError).problems.join('\n')).toMatch(/--port[\s\S]*--console-token/);
    }
  });

  it('treats only loopback addresses as needing no token', () => {
    expect(['127.0.0.1', 'localhost', '::1'].map(isLoopbackAddress)).toEqual([true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.5'].map(isLoopbackAddress)).toEqual([false, false, false]);
  });
});
