// `userflow-bridge userflow <action>`: any Userflow action from the shell, printing the JSON answer.
import type { Command } from 'commander';
import { USERFLOW_TIMEOUT_MS } from '../policy.ts';
import type { UserflowAction } from '../userflow/actions.ts';
import type { UserflowClient } from '../userflow/client.ts';
import type { ListParams } from '../userflow/requests.ts';
import type { DirectCall } from './direct-call.ts';
import { UsageError } from './exit.ts';

// Only types are imported statically: zod, undici and the client load inside the actions, so `--help` stays fast.

type Client = UserflowClient;
type Params = ListParams & Record<string, unknown>;

interface CommonOptions {
  region?: string;
  timeout?: string;
}

/** Writes are recorded in the event trail; these say which one. */
interface WriteOptions extends CommonOptions {
  localDir: string;
  trail?: string;
}

const WRITE_ACTIONS = {
  user: 'createOrUpdateUser',
  group: 'createOrUpdateGroup',
  event: 'trackEvent',
} as const;

const WRITES = [
  ['create-or-update-user', 'Create a user or merge attributes into an existing one (POST /users).', 'user'],
  [
    'create-or-update-group',
    'Create a group or merge attributes into an existing one (POST /groups).',
    'group',
  ],
  ['track-event', 'Track an event for a user, a group or both (POST /events).', 'event'],
] as const;

/** What `--help` shows under each write: a body that works as is against the sandbox. */
const WRITE_EXAMPLES: Record<(typeof WRITES)[number][2], string> = {
  user: [
    '',
    'Example:',
    `  npx userflow-bridge userflow create-or-update-user --data '{"id":"u_1","attributes":{"name":"Grace Hopper","email":"grace@example.com"},"groups":[{"id":"g_1","attributes":{"name":"Navy"}}]}'`,
    '',
    'A membership is added through `groups` (or `memberships`, with membership attributes) in the user body;',
    'there is no separate command for it. remove-membership removes one.',
  ].join('\n'),
  group: [
    '',
    'Example:',
    `  npx userflow-bridge userflow create-or-update-group --data '{"id":"g_1","attributes":{"name":"Navy"}}'`,
    '',
    'Members are added from the user side: `groups` in create-or-update-user.',
  ].join('\n'),
  event: [
    '',
    'Example:',
    `  npx userflow-bridge userflow track-event --data '{"name":"subscription_started","user_id":"u_1","group_id":"g_1","attributes":{"plan":"pro"}}'`,
    '',
    'Tracking an event does not add a membership: to make u_1 a member of g_1, send `groups` in',
    'create-or-update-user.',
  ].join('\n'),
};

const GETS: [string, string, (c: Client, id: string, expand: string[]) => Promise<unknown>, string][] = [
  [
    'get-user',
    'Get a user (GET /users/{id}).',
    (c, id, expand) => c.getUser(id, { expand }),
    'memberships, groups',
  ],
  [
    'get-group',
    'Get a group (GET /groups/{id}).',
    (c, id, expand) => c.getGroup(id, { expand }),
    'memberships, users',
  ],
  [
    'get-content',
    'Get a flow, checklist or launcher (GET /content/{id}).',
    (c, id, expand) => c.getContent(id, { expand }),
    'draft_version, published_version',
  ],
  [
    'get-content-version',
    'Get a content version (GET /content_versions/{id}).',
    (c, id, expand) => c.getContentVersion(id, { expand }),
    'questions, tasks',
  ],
  [
    'get-content-session',
    "Get one user's session of a flow, checklist or launcher (GET /content_sessions/{id}).",
    (c, id, expand) => c.getContentSession(id, { expand }),
    'answers, content, group, version, user',
  ],
];

const DELETES: [
  string,
  string,
  (c: Client, id: string) => Promise<unknown>,
  UserflowAction,
  'userId' | 'groupId' | undefined,
][] = [
  [
    'delete-user',
    'Delete a user and their data; their groups stay (DELETE /users/{id}).',
    (c, id) => c.deleteUser(id),
    'deleteUser',
    'userId',
  ],
  [
    'delete-group',
    'Delete a group; its former members stay (DELETE /groups/{id}).',
    (c, id) => c.deleteGroup(id),
    'deleteGroup',
    'groupId',
  ],
  [
    'delete-content-session',
    'Delete a content session (DELETE /content_sessions/{id}).',
    (c, id) => c.deleteContentSession(id),
    'deleteContentSession',
    undefined,
  ],
  [
    'delete-webhook-subscription',
    'Delete a webhook subscription; Userflow stops sending to it (DELETE /webhook_subscriptions/{id}).',
    (c, id) => c.deleteWebhookSubscription(id),
    'deleteWebhookSubscription',
    undefined,
  ],
];

interface ListSpec {
  name: string;
  summary: string;
  filters: [flag: string, param: string, help: string][];
  expand?: string;
  page: (c: Client, params: Params) => Promise<unknown>;
  all: (c: Client, params: Params) => AsyncIterable<unknown>;
}

const LISTS: ListSpec[] = [
  {
    name: 'list-users',
    summary: 'List users (GET /users).',
    filters: [['--email <email>', 'email', 'only the user with this email']],
    expand: 'memberships, groups',
    page: (c, p) => c.listUsers(p),
    all: (c, p) => c.paginate.users(p),
  },
  {
    name: 'list-groups',
    summary: 'List groups (GET /groups).',
    filters: [],
    expand: 'memberships, users',
    page: (c, p) => c.listGroups(p),
    all: (c, p) => c.paginate.groups(p),
  },
  {
    name: 'list-content',
    summary: 'List flows, checklists and launchers (GET /content).',
    filters: [['--type <type>', 'type', 'flow, checklist, launcher, …']],
    expand: 'draft_version, published_version',
    page: (c, p) => c.listContent(p),
    all: (c, p) => c.paginate.content(p),
  },
  {
    name: 'list-content-versions',
    summary: 'List versions of content (GET /content_versions).',
    filters: [['--content-id <id>', 'content_id', 'versions of this content']],
    expand: 'questions, tasks',
    page: (c, p) => c.listContentVersions(p),
    all: (c, p) => c.paginate.contentVersions(p),
  },
  {
    name: 'list-content-sessions',
    summary: 'List content sessions (GET /content_sessions).',
    filters: [
      ['--content-id <id>', 'content_id', 'sessions of this content'],
      ['--user-id <id>', 'user_id', 'sessions of this user'],
      ['--group-id <id>', 'group_id', 'sessions of this group'],
    ],
    expand: 'answers, content, group, version',
    page: (c, p) => c.listContentSessions(p),
    all: (c, p) => c.paginate.contentSessions(p),
  },
  {
    name: 'list-attribute-definitions',
    summary: 'List attribute definitions (GET /attribute_definitions).',
    filters: [['--scope <scope>', 'scope', 'user, group, group_membership or event']],
    page: (c, p) => c.listAttributeDefinitions(p),
    all: (c, p) => c.paginate.attributeDefinitions(p),
  },
  {
    name: 'list-event-definitions',
    summary: 'List event definitions (GET /event_definitions).',
    filters: [],
    page: (c, p) => c.listEventDefinitions(p),
    all: (c, p) => c.paginate.eventDefinitions(p),
  },
  {
    name: 'list-webhook-subscriptions',
    summary: "List the environment's webhook subscriptions (GET /webhook_subscriptions).",
    filters: [],
    page: (c, p) => c.listWebhookSubscriptions(p),
    all: (c, p) => c.paginate.webhookSubscriptions(p),
  },
];

const SUBSCRIPTION_EXAMPLE = [
  '',
  'Example:',
  `  npx userflow-bridge userflow create-webhook-subscription --data '{"url":"https://example.com/hooks/userflow","topics":["user.created","event.tracked.checklist_completed"]}'`,
  '',
  'The answer carries the signing secret of the notifications: store it, it is not shown in logs.',
].join('\n');

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
    .option('--timeout <ms>', `per-request timeout in milliseconds (default ${USERFLOW_TIMEOUT_MS})`);
}

/** The flags of a write: every write is recorded in the event trail, reads are not. */
function recording(command: Command): Command {
  return command
    .option(
      '--local-dir <dir>',
      'record the call in this local dir’s trail.db (as `start` keeps it)',
      '.local',
    )
    .option('--trail <target>', 'record the call in this trail instead (dynamodb://<table> or a file)');
}

/** Makes a write and records it (principal `cli:<os user>`); a trail problem warns on stderr, never fails it. */
async function recorded<T>(options: WriteOptions, call: DirectCall, run: () => Promise<T>): Promise<T> {
  const { recordedCall } = await import('./direct-call.ts');
  const flags = { localDir: options.localDir, ...(options.trail ? { trail: options.trail } : {}) };
  const warn = (line: string) => process.stderr.write(`${line}\n`);
  return recordedCall(flags, call, run, { env: process.env, warn });
}

function listParams(spec: ListSpec, options: Record<string, unknown>): Params {
  const params: Params = {};
  const orderBy = (options.orderBy as string[] | undefined) ?? [];
  const expand = options.expand as string[] | undefined;
  if (options.limit !== undefined) params.limit = positiveInteger('--limit', options.limit as string);
  if (options.startingAfter !== undefined) params.starting_after = options.startingAfter as string;
  if (orderBy.length) params.order_by = orderBy.length === 1 ? orderBy[0] : orderBy;
  if (expand?.length) params.expand = expand;
  for (const [flag, param] of spec.filters) {
    const value = options[camel(flag)];
    if (value !== undefined) params[param] = value;
  }
  const query = extraQuery((options.query as string[] | undefined) ?? []);
  if (query) params.query = query;
  return params;
}

function extraQuery(pairs: string[]): Record<string, string | string[]> | undefined {
  if (!pairs.length) return undefined;
  const query: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--query needs name=value, got "${pair}"`);
    const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
    const previous = query[name];
    query[name] = previous === undefined ? value : [previous, value].flat();
  }
  return query;
}

async function makeClient(options: CommonOptions): Promise<Client> {
  const [{ z }, { readEnv }, { UserflowClient }, { ConfigError }] = await Promise.all([
    import('zod'),
    import('../config/read-env.ts'),
    import('../userflow/client.ts'),
    import('../errors.ts'),
  ]);
  const schema = z.object({
    USERFLOW_API_KEY: z.string({ error: 'is not set: export the API key of your Userflow environment' }),
    USERFLOW_API_URL: z.string().optional(),
  });
  if (options.region !== undefined && options.region !== 'us' && options.region !== 'eu') {
    throw new UsageError(`--region must be us or eu, got "${options.region}"`);
  }
  try {
    const env = readEnv(schema, process.env, 'Userflow configuration');
    return new UserflowClient({
      apiKey: env.USERFLOW_API_KEY,
      ...(env.USERFLOW_API_URL ? { baseUrl: env.USERFLOW_API_URL } : {}),
      ...(options.region ? { region: options.region as 'us' | 'eu' } : {}),
      ...(options.timeout !== undefined ? { timeoutMs: positiveInteger('--timeout', options.timeout) } : {}),
    });
  } catch (error) {
    // Missing or bad configuration is something to fix before calling again, like a bad flag: exit 2.
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

type BodyKind = 'user' | 'group' | 'event' | 'subscription' | 'subscription-update';

async function readBody(kind: BodyKind, data: string): Promise<unknown> {
  const text = data.startsWith('@') ? await readSource(data.slice(1)) : data;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--data is not valid JSON: ${(error as Error).message}`);
  }
  const [bodies, subscriptions] = await Promise.all([
    import('../userflow/bodies.ts'),
    import('../userflow/webhook-subscriptions.ts'),
  ]);
  const schema = {
    user: bodies.createOrUpdateUserBody,
    group: bodies.createOrUpdateGroupBody,
    event: bodies.trackEventBody,
    subscription: subscriptions.createWebhookSubscriptionBody,
    'subscription-update': subscriptions.updateWebhookSubscriptionBody,
  }[kind];
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new UsageError(`--data does not fit the body:\n  - ${problems.join('\n  - ')}`);
  }
  return body;
}

async function readSource(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --data @${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
}

function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  }
  return number;
}

/** Repeatable list flags; `--expand a,b` also works. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter(Boolean)];
}

function append(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--content-id <id>` → `contentId`, the key commander stores it under. */
function camel(flag: string): string {
  return (flag.split(' ')[0] ?? '')
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
