// What `userflow-bridge start` prints once everything listens: where to send, where it goes, and what to try.
import type { RuleSet } from '../rules/index.ts';
import type { ConsumerPlan } from './consumers.ts';
import type { openLocalQueues } from './local-queues.ts';
import { SAMPLE_USER_ID } from './sandbox-seed.ts';
import type { openUserflowTarget } from './userflow-target.ts';
import type { DevSecret } from './webhook-secrets.ts';

export interface BannerInput {
  /** `http://127.0.0.1:8787`. */
  ingestUrl: string;
  /** Where the console answers (`…/console/`, with its token when bound beyond loopback). */
  consoleUrl?: string;
  sources: { name: string; scheme: string; rules: number }[];
  rulesDir: string;
  watching: boolean;
  userflow:
    | { mode: 'sandbox'; url: string; apiKey: string; snapshotPath: string; restored: boolean }
    | { mode: 'api'; url: string };
  /** What the queues are, one line each. */
  queue: string[];
  consumers: ConsumerPlan[];
  maxConcurrency: number;
  auditLog: string;
  devSecrets: DevSecret[];
  devSecretsPath: string;
  /** A ready-to-paste `send` command (omitted when no sample fits the loaded sources). */
  sendExample?: string;
  /** The user the sample is about, for the `get-user` example. */
  sampleUserId?: string;
}

export function formatBanner(input: BannerInput): string {
  const lines: string[] = [];
  const u = input.userflow;
  lines.push(
    `userflow-bridge is running — delivering to ${u.mode === 'sandbox' ? 'the local Userflow sandbox' : `Userflow at ${u.url}`}`,
    '',
  );

  const width = Math.max(...input.sources.map((s) => s.name.length), 0);
  input.sources.forEach((source, index) => {
    const label = index === 0 ? 'Webhooks' : '';
    lines.push(
      row(
        label,
        `POST ${input.ingestUrl}/webhooks/${source.name.padEnd(width)}  (${source.scheme}, ${plural(source.rules, 'rule')})`,
      ),
    );
  });
  if (input.sources.length === 0) lines.push(row('Webhooks', `no sources in ${input.rulesDir}`));
  if (input.consoleUrl) lines.push(row('Console', input.consoleUrl));
  lines.push(
    row(
      'Rules',
      `${input.rulesDir.replace(/\/*$/, '/')}${input.watching ? ' (reloaded when a file changes)' : ''}`,
    ),
  );

  if (u.mode === 'sandbox') {
    lines.push(
      row('Sandbox', `${u.url}  (API key ${u.apiKey})`),
      row('', `state kept in ${u.snapshotPath}${u.restored ? ' (restored from the last run)' : ''}`),
    );
  } else {
    lines.push(row('Userflow', u.url));
  }

  input.queue.forEach((line, index) => {
    lines.push(row(index === 0 ? 'Queue' : '', line));
  });
  const shares = input.consumers
    .map((c) => (c.minShare > 0 ? `${c.name} ≥ ${round(c.minShare * 100)}%` : `${c.name} first`))
    .join(', ');
  const ceiling = input.consumers[0]?.ceilingPerSecond ?? 0;
  lines.push(
    row(
      'Delivery',
      `one budget ≤ ${round(ceiling)}/s to Userflow (${shares}), ${input.maxConcurrency} batches at a time per queue`,
    ),
  );
  lines.push(row('Audit log', input.auditLog));

  if (input.devSecrets.length > 0) {
    lines.push('', `Development webhook secrets (sandbox only; kept in ${input.devSecretsPath}):`);
    for (const secret of input.devSecrets) {
      lines.push(`  ${secret.name}=${secret.value}${secret.generated ? '   ← new' : ''}`);
    }
  }

  if (input.sendExample && u.mode === 'api') {
    // The samples would create a made-up user in a real Userflow environment: name the command, not a sample.
    lines.push(
      '',
      'Send a signed test webhook (it reaches your Userflow environment):',
      `  ${input.sendExample.replace(/ send \S+ \S+/, ' send <source> <payload.json>')}`,
    );
  } else if (input.sendExample && u.mode === 'sandbox') {
    lines.push('', 'Try it — send a signed sample webhook:', `  ${input.sendExample}`);
    if (input.sampleUserId) {
      lines.push(
        'then see the result in the sandbox:',
        `  USERFLOW_API_URL=${u.url} USERFLOW_API_KEY=${u.apiKey} \\`,
        `    npx userflow-bridge userflow get-user ${input.sampleUserId} --expand memberships`,
      );
    }
  }
  lines.push('', 'Ctrl-C stops.', '');
  return lines.join('\n');
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(10)} ${value}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** The banner's input from what `start` opened, so the banner itself stays a pure format of plain data. */
export function bannerInput(
  options: { rulesDir: string; watch: boolean; budget: { maxConcurrency: number } },
  parts: {
    ingestUrl: string;
    consoleUrl?: string;
    rules: RuleSet;
    target: Awaited<ReturnType<typeof openUserflowTarget>>;
    queues: Awaited<ReturnType<typeof openLocalQueues>>;
    plans: BannerInput['consumers'];
    auditLog: string;
    devSecrets: DevSecret[];
    devSecretsPath: string;
    sendExample: string | undefined;
  },
): BannerInput {
  const { target, queues } = parts;
  return {
    ingestUrl: parts.ingestUrl,
    ...(parts.consoleUrl ? { consoleUrl: parts.consoleUrl } : {}),
    sources: [...parts.rules.sources.values()].map((s) => ({
      name: s.name,
      scheme: s.verify.scheme,
      rules: s.rules.length,
    })),
    rulesDir: options.rulesDir,
    watching: options.watch,
    userflow:
      target.mode === 'sandbox'
        ? {
            mode: 'sandbox',
            url: target.baseUrl,
            apiKey: target.apiKey,
            snapshotPath: target.snapshotPath,
            restored: target.restored,
          }
        : { mode: 'api', url: target.baseUrl },
    queue: queues.lines,
    consumers: parts.plans,
    maxConcurrency: options.budget.maxConcurrency,
    auditLog: parts.auditLog,
    devSecrets: parts.devSecrets,
    devSecretsPath: parts.devSecretsPath,
    ...(parts.sendExample ? { sendExample: parts.sendExample, sampleUserId: SAMPLE_USER_ID } : {}),
  };
}
