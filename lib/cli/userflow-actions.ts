// The Userflow actions the CLI offers, as tables: each write, get, delete and list with its help text and the
// client call it makes. Registration (userflow.ts) turns each row into a command.
import type { UserflowAction } from '../userflow/actions.ts';
import type { UserflowClient } from '../userflow/client.ts';
import type { ListParams } from '../userflow/requests.ts';

export type Client = UserflowClient;
export type Params = ListParams & Record<string, unknown>;

export const WRITE_ACTIONS = {
  user: 'createOrUpdateUser',
  group: 'createOrUpdateGroup',
  event: 'trackEvent',
} as const;

export const WRITES = [
  ['create-or-update-user', 'Create a user or merge attributes into an existing one (POST /users).', 'user'],
  [
    'create-or-update-group',
    'Create a group or merge attributes into an existing one (POST /groups).',
    'group',
  ],
  ['track-event', 'Track an event for a user, a group or both (POST /events).', 'event'],
] as const;

/** What `--help` shows under each write: a body that works as is against the sandbox. */
export const WRITE_EXAMPLES: Record<(typeof WRITES)[number][2], string> = {
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

export const GETS: [string, string, (c: Client, id: string, expand: string[]) => Promise<unknown>, string][] =
  [
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

export const DELETES: [
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

export interface ListSpec {
  name: string;
  summary: string;
  filters: [flag: string, param: string, help: string][];
  expand?: string;
  page: (c: Client, params: Params) => Promise<unknown>;
  all: (c: Client, params: Params) => AsyncIterable<unknown>;
}

export const LISTS: ListSpec[] = [
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

export const SUBSCRIPTION_EXAMPLE = [
  '',
  'Example:',
  `  npx userflow-bridge userflow create-webhook-subscription --data '{"url":"https://example.com/hooks/userflow","topics":["user.created","event.tracked.checklist_completed"]}'`,
  '',
  'The answer carries the signing secret of the notifications: store it, it is not shown in logs.',
].join('\n');
