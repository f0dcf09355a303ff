// The decisions `start` makes before anything listens, in-process: development secrets each scheme accepts,
// which secrets are missing in which mode, how flags fall back to the environment, how the rate budget is split.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/cli/exit.ts';
import { resolveStartOptions } from '../../lib/cli/start-options.ts';
import { ConfigError } from '../../lib/errors.ts';
import { planConsumers } from '../../lib/local/consumers.ts';
import { generateDevSecret } from '../../lib/local/dev-secrets.ts';
import { createLocalSecrets } from '../../lib/local/webhook-secrets.ts';
import { parseRuleFiles } from '../../lib/rules/index.ts';
import { createSigner, createVerifier, type VerifyConfig } from '../../lib/sources/index.ts';

const SCHEMES: VerifyConfig[] = [
  { scheme: 'stripe', secrets: ['S'], tolerance_seconds: 300 },
  { scheme: 'standard-webhooks', secrets: ['S'], tolerance_seconds: 300 },
  { scheme: 'hubspot-v3', secrets: ['S'], tolerance_seconds: 300 },
  { scheme: 'paddle', secrets: ['S'], tolerance_seconds: 300 },
  { scheme: 'hmac', secrets: ['S'], header: 'x-sig', algorithm: 'sha256', encoding: 'hex', prefix: '' },
  { scheme: 'basic-auth', secrets: ['S'] },
  { scheme: 'shared-token', secrets: ['S'], header: 'x-token' },
];

describe('generated development secrets', () => {
  it.each(SCHEMES.map((config) => [config.scheme, config] as const))(
    '%s: a generated secret signs requests its verifier accepts, and a second one does not',
    (_scheme, config) => {
      const secret = generateDevSecret(config.scheme);
      const other = generateDevSecret(config.scheme);
      expect(other).not.toBe(secret);
      const now = new Date();
      const url = 'http://127.0.0.1:8787/webhooks/x';
      const rawBody = '{"id":"evt_1"}';
      const headers = createSigner(config)({ rawBody, secret, now, url });
      const request = { method: 'POST', url, headers, rawBody: new TextEncoder().encode(rawBody) };
      const verify = createVerifier(config);
      expect(() => verify(request, [secret], now)).not.toThrow();
      expect(() => verify(request, [other], now)).toThrow();
    },
  );
});

const RULES = parseRuleFiles([
  {
    path: 'rules/stripe.yaml',
    text: [
      'source: stripe',
      'verify: { scheme: stripe, secrets: [STRIPE_WEBHOOK_SECRET] }',
      'event: { id: id, type: type }',
      'rules:',
      '  - name: r',
      '    when: { type: [t] }',
      '    do: [{ upsert_user: { user_id: "{% id %}" } }]',
    ].join('\n'),
  },
  {
    path: 'rules/portal.yaml',
    text: [
      'source: portal',
      'verify: { scheme: standard-webhooks, secrets: [PORTAL_WEBHOOK_SECRET] }',
      'event: { id: { header: webhook-id }, type: type }',
      'rules:',
      '  - name: r',
      '    when: { type: [t] }',
      '    do: [{ upsert_user: { user_id: "{% id %}" } }]',
    ].join('\n'),
  },
]);

describe('webhook secrets of local mode', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ufb-secrets-'));
    dirs.push(dir);
    return join(dir, 'dev-secrets.json');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('with a real Userflow API, a missing secret is an error naming the variable', () => {
    const secrets = createLocalSecrets({ env: { STRIPE_WEBHOOK_SECRET: 'whsec_set' } });
    const error = (() => {
      try {
        secrets.ensure(RULES);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^PORTAL_WEBHOOK_SECRET is not set: the portal source/),
    ]);
  });

  it('in sandbox mode, missing secrets are generated once, saved, and reused by the next start', async () => {
    const path = scratch();
    const first = createLocalSecrets({ env: {}, devSecretsPath: path }).ensure(RULES);
    expect(first.map((s) => [s.name, s.generated])).toEqual([
      ['STRIPE_WEBHOOK_SECRET', true],
      ['PORTAL_WEBHOOK_SECRET', true],
    ]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(
      Object.fromEntries(first.map((s) => [s.name, s.value])),
    );

    const restarted = createLocalSecrets({ env: {}, devSecretsPath: path });
    const second = restarted.ensure(RULES);
    expect(second.map((s) => [s.value, s.generated])).toEqual(first.map((s) => [s.value, false]));
    expect(await restarted.source.get('PORTAL_WEBHOOK_SECRET')).toEqual([first[1]?.value]);
  });

  it('a secret from the environment wins and is neither generated nor printed', async () => {
    const path = scratch();
    const secrets = createLocalSecrets({
      env: { STRIPE_WEBHOOK_SECRET: 'whsec_from_env' },
      devSecretsPath: path,
    });
    expect(secrets.ensure(RULES).map((s) => s.name)).toEqual(['PORTAL_WEBHOOK_SECRET']);
    expect(await secrets.source.get('STRIPE_WEBHOOK_SECRET')).toEqual(['whsec_from_env']);
  });
});

describe('start flags', () => {
  it('fall back to their environment variables, then to the defaults', () => {
    expect(resolveStartOptions({}, {})).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      rulesDir: 'rules',
      localDir: '.local',
      queue: { kind: 'local' },
      budget: { limitPerSecond: 8, syncShare: 0.1, maxConcurrency: 2 },
      sandbox: { port: 8788, seed: 'samples', force: false },
      watch: true,
    });
    const fromEnv = resolveStartOptions(
      {},
      { PORT: '9000', USERFLOW_RATE_LIMIT: '25', SANDBOX_PORT: '9001' },
    );
    expect(fromEnv).toMatchObject({ port: 9000, budget: { limitPerSecond: 25 }, sandbox: { port: 9001 } });
    expect(resolveStartOptions({ port: '9100' }, { PORT: '9000' }).port).toBe(9100);
  });

  it.each([
    [{ queue: 'sqs' }, /--queue sqs needs --queue-url/],
    [{ queueUrl: 'http://q' }, /--queue-url needs --queue sqs/],
    [{ queue: 'rabbit' }, /--queue must be local, sqs or emulator/],
    [{ syncShare: '1' }, /--sync-share must be a number/],
    [{ port: '70000' }, /--port must be a whole number/],
    [{ rateLimit: '0' }, /--rate-limit must be a number/],
  ])('reject %o', (flags, message) => {
    expect(() => resolveStartOptions(flags, {})).toThrow(UsageError);
    expect(() => resolveStartOptions(flags, {})).toThrow(message);
  });

  it('take the SQS queue URLs from the environment as the Lambdas do', () => {
    const options = resolveStartOptions(
      { queue: 'sqs' },
      { QUEUE_URL: 'http://q/main.fifo', DLQ_URL: 'http://q/dlq.fifo' },
    );
    expect(options.queue).toEqual({
      kind: 'sqs',
      queueUrl: 'http://q/main.fifo',
      dlqUrl: 'http://q/dlq.fifo',
    });
  });
});

describe('the rate budget', () => {
  it('puts both consumers on one budget: webhooks first, sync with its minimum share', () => {
    expect(planConsumers({ limitPerSecond: 10, syncShare: 0.3, maxConcurrency: 2 }, true)).toEqual([
      { name: 'webhooks', budgetClass: 'live', minShare: 0, ceilingPerSecond: 10 },
      { name: 'sync', budgetClass: 'sync', minShare: 0.3, ceilingPerSecond: 10 },
    ]);
  });

  it('runs only the webhooks consumer when there is no sync queue', () => {
    expect(planConsumers({ limitPerSecond: 10, syncShare: 0.3, maxConcurrency: 2 }, false)).toEqual([
      { name: 'webhooks', budgetClass: 'live', minShare: 0, ceilingPerSecond: 10 },
    ]);
  });
});
