// Stack settings: defaults, CDK context strings, and every problem reported in one error.
import { describe, expect, it } from 'vitest';
import { configFromContext, parseBridgeConfig } from '../../cdk/config.ts';
import { ConfigError } from '../../lib/errors.ts';

function problemsOf(input: Record<string, unknown>): readonly string[] {
  try {
    parseBridgeConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('stack configuration', () => {
  it('has working defaults', () => {
    expect(parseBridgeConfig({})).toMatchObject({
      environmentName: 'dev',
      userflowRegion: 'us',
      maxConcurrency: 2,
    });
  });

  it('reports every bad setting in one error, each by name', () => {
    const problems = problemsOf({
      environmentName: 'Prod!',
      userflowRegion: 'ap',
      maxConcurrency: 1,
      alarmEmail: 'not-an-email',
      throttlingBurstLimit: -5,
      logRetentionDays: 31,
      syncSchedule: 'every hour',
    });
    const keys = problems.map((p) => p.split(':')[0]);
    expect(keys).toEqual(
      expect.arrayContaining([
        'environmentName',
        'userflowRegion',
        'maxConcurrency',
        'alarmEmail',
        'throttlingBurstLimit',
        'logRetentionDays',
        'syncSchedule',
      ]),
    );
  });

  it('names every bad setting in the error message', () => {
    expect(() => parseBridgeConfig({ userflowRegion: 'ap', maxConcurrency: 0 })).toThrow(
      /userflowRegion[\s\S]*maxConcurrency/,
    );
  });

  it('reads numbers given as strings on the command line (-c maxConcurrency=5)', () => {
    expect(parseBridgeConfig({ maxConcurrency: '5', userflowRateLimit: '12.5' })).toMatchObject({
      maxConcurrency: 5,
      userflowRateLimit: 12.5,
    });
  });

  it('rejects a rate ceiling too small to share among the consumers', () => {
    const problems = problemsOf({ userflowRateLimit: 1, maxConcurrency: 10 });
    expect(problems.join('\n')).toMatch(/^maxConcurrency: .*userflowRateLimit/m);
  });

  it('accepts the same share once the ceiling is high enough', () => {
    expect(parseBridgeConfig({ userflowRateLimit: 10, maxConcurrency: 10 }).maxConcurrency).toBe(10);
  });

  it('takes only its own keys from CDK context', () => {
    const context: Record<string, unknown> = {
      maxConcurrency: '3',
      '@aws-cdk/core:newStyleStackSynthesis': true,
      alarmEmail: '',
    };
    expect(configFromContext((key) => context[key])).toEqual({ maxConcurrency: '3' });
  });
});
