// `userflow-bridge console`: the console on its own port, against a local dir or a deployed stack's trail and queues.
import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import type { Env } from '../config/read-env.ts';
import { createConsoleApp } from '../console/app.tsx';
import type { ConsoleQueuePair, StatusInfo } from '../console/deps.ts';
import type { ConsoleOptions } from '../console/options.ts';
import { replayThrough } from '../console/replay.ts';
import { isLoopbackAddress, newSecret } from '../console/security.ts';
import { userStateFrom } from '../console/userflow-state.ts';
import { listen } from '../http-server.ts';
import { LOCAL_QUEUE_SETTINGS, localLayout, QUEUE_NAMES } from '../local/layout.ts';
import { watchRules } from '../local/rules-watcher.ts';
import { stopOnSignal } from '../local/shutdown.ts';
import { loadRules, type RuleSet } from '../rules/index.ts';
import { openTrail } from '../trail/index.ts';
import { UserflowClient } from '../userflow/index.ts';

export interface RunConsoleIo {
  env: Env;
  print: (line: string) => void;
  printProblem: (line: string) => void;
}

export async function runConsole(options: ConsoleOptions, io: RunConsoleIo): Promise<void> {
  const closers: (() => unknown)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
  };
  try {
    const layout = localLayout(options.localDir);
    const trail = await openTrail(options.trail ?? layout.trailDb);
    closers.push(() => trail.close());
    const queues = await openQueues(options, io.env, layout.queueDb, closers);
    if (queues.length === 0) {
      io.printProblem(`no queues: no ${layout.queueDb} and no --queue-url (the queue pages stay empty)`);
    }

    let rulesError: string | undefined;
    const initial = await loadRules(options.rules).catch((error: Error): RuleSet => {
      rulesError = error.message;
      return { sources: new Map(), get: () => undefined };
    });
    const watcher = watchRules({
      dir: options.rules,
      initial,
      load: loadRules,
      onReload: () => {
        rulesError = undefined;
      },
      onInvalid: (error) => {
        rulesError = (error as Error).message;
      },
    });
    closers.push(() => watcher.close());

    const apiKey = io.env.USERFLOW_API_KEY?.trim();
    const apiUrl = io.env.USERFLOW_API_URL?.trim();
    const client = apiKey
      ? new UserflowClient({ apiKey, ...(apiUrl ? { baseUrl: apiUrl } : { region: 'us' }) })
      : undefined;
    const status = (): StatusInfo => ({
      target: client ? { mode: 'api', url: client.baseUrl } : { mode: 'unknown' },
      rulesDir: options.rules,
      ...(rulesError ? { rulesError } : {}),
    });

    // Off loopback the console is reachable by others: it then needs a token, given or made up here.
    const token = isLoopbackAddress(options.host) ? undefined : (options.consoleToken ?? newSecret());
    const webhooks = queues.find((q) => q.name === QUEUE_NAMES.webhooks);
    const { app, endStreams } = createConsoleApp({
      trail,
      queues,
      rules: watcher.rules,
      status,
      ...(client ? { userState: userStateFrom(client) } : {}),
      // Onto the stack's webhook queue (or the local one): its consumers deliver a replay like any webhook.
      ...(webhooks ? { replay: replayThrough({ trail, rules: watcher.rules, queue: webhooks.main }) } : {}),
      samplesDir: options.samples,
      ...(token ? { token } : {}),
    });
    const root = new Hono({ strict: false });
    root.get('/', (c) => c.redirect('/console/'));
    root.route('/', app);
    const signals = stopOnSignal({ stop: closeAll, print: io.print, printProblem: io.printProblem });
    const server = await listen(root, options.host, options.port);
    closers.push(() => server.close());
    // Run first (closers run last-in first-out): the server would wait for the open event streams.
    closers.push(endStreams);
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${server.port}/console/`;
    io.print(`console: ${url}${token ? `?token=${token}` : ''}`);
    io.print(`trail: ${options.trail ?? layout.trailDb}`);
    for (const q of queues) io.print(`queue: ${q.name}`);
    io.print('Ctrl-C stops.');
    await signals.stopped;
    io.print('stopped.');
    // As `start`: keep-alive sockets must not hold the process once everything is closed.
    setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function openQueues(
  options: ConsoleOptions,
  env: Env,
  queueDb: string,
  closers: (() => unknown)[],
): Promise<ConsoleQueuePair[]> {
  if (options.queueUrl) {
    const { createSqsQueue } = await import('../queue/sqs/sqs-queue.ts');
    const endpoint = env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
    const region =
      env.AWS_REGION ??
      env.AWS_DEFAULT_REGION ??
      /sqs[.-]([a-z0-9-]+)\./.exec(options.queueUrl)?.[1] ??
      'us-east-1';
    const client = { region, ...(endpoint ? { endpoint } : {}) };
    const main = createSqsQueue({ queueUrl: options.queueUrl, client });
    closers.push(() => main.close());
    const dlqUrl = options.dlqUrl ?? (await main.deadLetterQueueUrl());
    if (!dlqUrl) throw new Error(`${options.queueUrl} has no RedrivePolicy: give --dlq-url`);
    const dlq = createSqsQueue({ queueUrl: dlqUrl, client });
    closers.push(() => dlq.close());
    return [{ name: QUEUE_NAMES.webhooks, main, dlq, mainArn: await main.arn() }];
  }
  if (!existsSync(queueDb)) return [];
  const { openSqliteQueues } = await import('../queue/sqlite/sqlite-queue.ts');
  const pairs: ConsoleQueuePair[] = [];
  for (const [mainName, dlqName] of [
    [QUEUE_NAMES.webhooks, QUEUE_NAMES.webhooksDlq],
    [QUEUE_NAMES.sync, QUEUE_NAMES.syncDlq],
  ] as const) {
    const opened = openSqliteQueues({ path: queueDb, mainName, dlqName, ...LOCAL_QUEUE_SETTINGS });
    closers.push(() => opened.close());
    pairs.push({ name: mainName, main: opened.main, dlq: opened.dlq });
  }
  return pairs;
}
