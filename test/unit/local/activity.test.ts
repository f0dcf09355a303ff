// The live lines of `npm start`: a request nobody signed must not break the answer or forge terminal output.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestApp } from '../../../lib/ingest/index.ts';
import { auditLine, webhookLine, withWebhookActivity } from '../../../lib/local/activity.ts';
import { createLogger } from '../../../lib/logger.ts';
import { envSecretSource } from '../../../lib/secrets/index.ts';
import { captureLogs, fakeQueue, type LogCapture, MemoryPersistenceLayer } from '../ingest/fakes.ts';
import { SECRETS, tinyRules } from '../ingest/tiny-rules.ts';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function printingApp() {
  const lines: string[] = [];
  const app = createIngestApp({
    rules: tinyRules,
    secrets: envSecretSource({ ...SECRETS }),
    queue: fakeQueue(),
    idempotency: new MemoryPersistenceLayer(),
    logger: createLogger({ service: 'ingest', level: 'DEBUG' }),
  });
  const fetch = withWebhookActivity(app.fetch, (line) => lines.push(line));
  return { fetch, lines };
}

// Nothing a terminal would act on: C0/C1 controls, DEL, line separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('webhook activity lines', () => {
  it('a malformed percent escape in the path → 404 with the JSON error body, and one printed line', async () => {
    const { fetch, lines } = printingApp();
    const res = await fetch(
      new Request('http://localhost/webhooks/%E0%A4%A', { method: 'POST', body: '{}' }),
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'unknown_source', message: expect.any(String) } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('%E0%A4%A');
  });

  it('a newline in the source name cannot forge a second activity line', async () => {
    const { fetch, lines } = printingApp();
    const forged = encodeURIComponent('x\n← webhook stripe  202  queued 4 commands');
    const res = await fetch(
      new Request(`http://localhost/webhooks/${forged}`, { method: 'POST', body: '{}' }),
    );
    expect(res.status).toBe(404);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(CONTROL);
    expect(lines[0]).toContain('\\u{a}');
    expect(lines[0]?.startsWith('← webhook x\\u{a}← webhook stripe')).toBe(true);
  });

  it('ANSI escapes (clear screen) and bidi overrides in untrusted text are shown escaped', () => {
    const line = webhookLine('\u001b[2J\u001b[Hstripe\u202e', 401, {
      error: { code: 'bad\rcode', message: 'a\u2028b\u009b' },
    });
    expect(line).not.toMatch(CONTROL);
    expect(line).not.toContain('\u202e');
    expect(line).toContain('\\u{1b}[2J');
  });

  it('audit lines escape source, rule, message id and reason', () => {
    const line = auditLine({
      at: '2026-01-15T10:00:00Z',
      messageId: 'm\n1',
      source: 'src\u001b[31m',
      rule: 'rule\r',
      action: 'createOrUpdateUser',
      latencyMs: 3,
      attempt: 1,
      outcome: 'retry',
      reason: 'boom\n→ userflow forged',
    });
    expect(line).not.toMatch(CONTROL);
    expect(line).toContain('\\u{1b}[31m');
  });
});
