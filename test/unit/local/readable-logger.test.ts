// Interactive `npm start`: warnings and errors read as lines among the live ones; JSON only when a level is asked for.
import { describe, expect, it } from 'vitest';
import { resolveStartOptions } from '../../../lib/cli/start-options.ts';
import {
  createReadableLogger,
  readableLogLine,
  shownByLiveLines,
} from '../../../lib/local/readable-logger.ts';

describe('readable log lines', () => {
  it('a warning prints as one line: level, message, its own keys; no JSON, no Powertools noise', () => {
    const lines: string[] = [];
    const logger = createReadableLogger({
      service: 'userflow-bridge',
      level: 'WARN',
      print: (l) => lines.push(l),
    });
    logger.info('userflow call', { audit: { messageId: 'm-1' } });
    logger.warn('could not set the visibility of a failed record', { messageId: 'm-1', seconds: 30 });
    logger.error('Userflow refused the API key: stopping this batch', new Error('401 unauthorized'));
    expect(lines).toEqual([
      'WARN  could not set the visibility of a failed record  messageId=m-1  seconds=30',
      expect.stringMatching(
        /^ERROR {2}Userflow refused the API key: stopping this batch {2}error=401 unauthorized$/,
      ),
    ]);
  });

  it('leaves out what a live line already said, and escapes untrusted text', () => {
    const lines: string[] = [];
    const logger = createReadableLogger({
      service: 'userflow-bridge',
      level: 'WARN',
      print: (l) => lines.push(l),
      shownElsewhere: shownByLiveLines,
    });
    logger.warn('webhook rejected', { source: 'stripe', status: 401 });
    logger.warn('command dead-lettered', { reason: 'lookup_not_found' });
    expect(lines).toEqual([]);
    expect(readableLogLine({ level: 'WARN', message: 'x', source: 'a\u001b[2Jb\nWARN forged' })).toBe(
      'WARN  x  source=a\\u{1b}[2Jb\\u{a}WARN forged',
    );
  });

  it('is the default of `start`; --log-level or LOG_LEVEL asks for the structured JSON', () => {
    expect(resolveStartOptions({}, {}).structuredLogs).toBe(false);
    expect(resolveStartOptions({ logLevel: 'info' }, {}).structuredLogs).toBe(true);
    expect(resolveStartOptions({}, { LOG_LEVEL: 'WARN' }).structuredLogs).toBe(true);
  });
});
