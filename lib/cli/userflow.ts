// `userflow-bridge userflow <action>`: any Userflow action from the shell, printing the JSON answer.
import type { Command } from 'commander';
import { USERFLOW_TIMEOUT_MS } from '../policy.ts';
import type { DirectCall } from './direct-call.ts';
import {
  DELETES,
  GETS,
  LISTS,
  type ListSpec,
  SUBSCRIPTION_EXAMPLE,
  WRITE_ACTIONS,
  WRITE_EXAMPLES,
  WRITES,
} from './userflow-actions.ts';
import {
  append,
  type CommonOptions,
  collect,
  listParams,
  makeClient,
  readBody,
  type WriteOptions,
} from './userflow-input.ts';

// Only types are imported statically: zod, undici and the client load inside the actions, so `--help` stays fast.

export function registerUserflow(program: Command): void {
  const group = program
    .command('userflow')
    .description(
      'Call the Userflow REST API (USERFLOW_API_KEY; USERFLOW_API_URL for the sandbox or a proxy).',
    )
    .addHelpText(
      'after',
      '\nEnvironment:\n  USERFLOW_API_KEY  the environment API key (required)\n' +
        '  USERFLOW_API_URL  base URL instead of the region host, e.g. http://127.0.0.1:8788 for the sandbox\n' +
        '\nPrints the JSON response on stdout. Exit 0 ok, 1 Userflow/API error (JSON on stderr), 2 usage error.',
    );

  for (const [name, summary, kind] of WRITES) {
    recording(common(group.command(name).description(summary)))
      .requiredOption('--data <json>', 'the body: JSON text, @file.json, or @- for stdin')
      .addHelpText('after', WRITE_EXAMPLES[kind])
      .action(async (options: WriteOptions & { data: string }) => {
        const [body, client] = await Promise.all([readBody(kind, options.data), makeClient(options)]);
        const action = WRITE_ACTIONS[kind];
        const { bodySubject } = await import('./direct-call.ts');
        const request = body as Record<string, unknown>;
        const call = { action, request, ...bodySubject(action, request) };
        print(
          await recorded(options, call, (): Promise<unknown> => {
            if (kind === 'user') return client.createOrUpdateUser(body as never);
            if (kind === 'group') return client.createOrUpdateGroup(body as never);
            return client.trackEvent(body as never);
          }),
        );
      });
  }

  for (const [name, summary, call, known] of GETS) {
    common(group.command(name).description(summary).argument('<id>'))
      .option('--expand <field>', `expand a related field (${known}); repeatable`, collect)
      .action(async (id: string, options: CommonOptions & { expand?: string[] }) => {
        print(await call(await makeClient(options), id, options.expand ?? []));
      });
  }

  for (const [name, summary, call, action, subject] of DELETES) {
    recording(common(group.command(name).description(summary).argument('<id>'))).action(
      async (id: string, options: WriteOptions) => {
        const client = await makeClient(options);
        const what = { action, request: { id }, ...(subject ? { [subject]: id } : {}) };
        print(await recorded(options, what, () => call(client, id)));
      },
    );
  }

  recording(
    common(
      group
        .command('remove-membership')
        .description(
          'Remove a user from a group; succeeds if they were not a member (DELETE /group_memberships).',
        )
        .argument('<user-id>')
        .argument('<group-id>'),
    ),
  ).action(async (userId: string, groupId: string, options: WriteOptions) => {
    const client = await makeClient(options);
    const request = { user_id: userId, group_id: groupId };
    const what = { action: 'removeMembership' as const, request, userId, groupId };
    print(await recorded(options, what, () => client.removeMembership(request)));
  });

  recording(
    common(
      group
        .command('create-webhook-subscription')
        .description('Subscribe a URL to Userflow notifications (POST /webhook_subscriptions).'),
    ),
  )
    .requiredOption('--data <json>', '{url, topics, api_version?}: JSON text, @file.json, or @- for stdin')
    .addHelpText('after', SUBSCRIPTION_EXAMPLE)
    .action(async (options: WriteOptions & { data: string }) => {
      const [body, client] = await Promise.all([readBody('subscription', options.data), makeClient(options)]);
      const what = { action: 'createWebhookSubscription' as const, request: body as Record<string, unknown> };
      print(await recorded(options, what, () => client.createWebhookSubscription(body as never)));
    });

  recording(
    common(
      group
        .command('update-webhook-subscription')
        .description(
          'Change the url, topics or disabled flag of a subscription (PATCH /webhook_subscriptions/{id}).',
        )
        .argument('<id>'),
    ),
  )
    .requiredOption('--data <json>', '{url?, topics?, disabled?}: JSON text, @file.json, or @- for stdin')
    .addHelpText(
      'after',
      `\nExample:\n  npx userflow-bridge userflow update-webhook-subscription ws_1 --data '{"disabled":true}'`,
    )
    .action(async (id: string, options: WriteOptions & { data: string }) => {
      const [body, client] = await Promise.all([
        readBody('subscription-update', options.data),
        makeClient(options),
      ]);
      const what = {
        action: 'updateWebhookSubscription' as const,
        request: { id, ...(body as Record<string, unknown>) },
      };
      print(await recorded(options, what, () => client.updateWebhookSubscription(id, body as never)));
    });

  common(
    group
      .command('get-webhook-subscription')
      .description('Get a webhook subscription, with its secret (GET /webhook_subscriptions/{id}).')
      .argument('<id>'),
  ).action(async (id: string, options: CommonOptions) => {
    print(await (await makeClient(options)).getWebhookSubscription(id));
  });

  for (const spec of LISTS) registerList(group, spec);
}

function registerList(group: Command, spec: ListSpec): void {
  const command = common(group.command(spec.name).description(spec.summary))
    .option('--limit <n>', 'page size (Userflow allows at most 100)')
    .option('--starting-after <id>', 'start after this id (the last id of the previous page)')
    .option('--order-by <key>', 'sort key, `-` prefix for descending; repeatable', collect)
    .option('--query <name=value>', 'an extra filter the CLI has no flag for; repeatable', append)
    .option('--all', 'follow every page and print one JSON array of items');
  if (spec.expand)
    command.option('--expand <field>', `expand a related field (${spec.expand}); repeatable`, collect);
  for (const [flag, , help] of spec.filters) command.option(flag, help);
  command.action(async (options: CommonOptions & Record<string, unknown>) => {
    const params = listParams(spec, options);
    const client = await makeClient(options);
    if (!options.all) return print(await spec.page(client, params));
    const items: unknown[] = [];
    for await (const item of spec.all(client, params)) items.push(item);
    print(items);
  });
}

function common(command: Command): Command {
  return command
    .option('--region <region>', 'us or eu (ignored when USERFLOW_API_URL is set)')
    .option('--timeout <ms>', `per-request timeout in milliseconds (default ${USERFLOW_TIMEOUT_MS})`)
    .option(
      '--local-dir <dir>',
      'draw on the Userflow budget `start` keeps in this dir, and record writes in its trail.db',
      '.local',
    );
}

/** The flags of a write: every write is recorded in the event trail, reads are not. */
function recording(command: Command): Command {
  return command.option(
    '--trail <target>',
    'record the call in this trail instead of <local-dir>/trail.db (dynamodb://<table> or a file)',
  );
}

/** Makes a write and records it (principal `cli:<os user>`); a trail problem warns on stderr, never fails it. */
async function recorded<T>(options: WriteOptions, call: DirectCall, run: () => Promise<T>): Promise<T> {
  const { recordedCall } = await import('./direct-call.ts');
  const flags = { localDir: options.localDir, ...(options.trail ? { trail: options.trail } : {}) };
  const warn = (line: string) => process.stderr.write(`${line}\n`);
  return recordedCall(flags, call, run, { env: process.env, warn });
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
