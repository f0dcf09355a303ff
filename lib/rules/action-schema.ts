// The zod schemas of the `do` actions in a rule file (the YAML shape; `actions.ts` turns them into commands).
import * as z from 'zod';
import { CHANGE_OPERATIONS } from '../commands/index.ts';

export const ACTIONS = [
  'upsert_user',
  'upsert_group',
  'add_membership',
  'remove_membership',
  'track_event',
  'delete_user',
  'delete_group',
] as const;
export type ActionKind = (typeof ACTIONS)[number];

const expressionHint = 'a literal, or a JSONata expression as the whole string: "{% data.object.id %}"';

const idValue = z
  .union([z.string().min(1), z.number()])
  .meta({ id: 'idValue', description: `An id: ${expressionHint}. Numbers become strings.` });

const literal = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const literalOrList = z.union([literal, z.array(literal)]);
const dataType = z.enum(['string', 'number', 'boolean', 'datetime', 'list']);

const changeShape = Object.fromEntries(CHANGE_OPERATIONS.map((op) => [op, literalOrList.optional()])) as {
  [K in (typeof CHANGE_OPERATIONS)[number]]: z.ZodOptional<typeof literalOrList>;
};
const change = z
  .strictObject({ ...changeShape, data_type: dataType.optional() })
  .refine((value) => CHANGE_OPERATIONS.filter((op) => op in value).length === 1, {
    message: `a change object needs exactly one of ${CHANGE_OPERATIONS.join(', ')}`,
  })
  .meta({
    id: 'attributeChange',
    description: 'A Userflow change operation, e.g. { add: 1 } or { set_once: "{% … %}" }',
  });

const attributeMap = z.record(z.string().min(1), z.union([literalOrList, change]));
const attributes = z.union([attributeMap, z.string().regex(/^\s*\{%[\s\S]*%\}\s*$/)]).meta({
  id: 'attributes',
  description:
    'Attribute name → value (literal, "{% expression %}" or change operation), or one expression that yields the whole object',
});

const eventAttributeMap = z.record(
  z.string().min(1),
  z.union([literalOrList, z.strictObject({ set: literalOrList, data_type: dataType.optional() })]),
);
const eventAttributes = z.union([eventAttributeMap, z.string().regex(/^\s*\{%[\s\S]*%\}\s*$/)]).meta({
  id: 'eventAttributes',
  description: 'Event attribute name → value (literal, "{% expression %}" or { set, data_type })',
});

export const userLookupSpec = z
  .strictObject({
    attribute: z.string().min(1).meta({ description: 'The Userflow user attribute to find the user by' }),
    value: idValue,
    if_missing: z
      .enum(['skip', 'fail'])
      .optional()
      .meta({ description: 'What delivery does when no user has that value (default skip)' }),
  })
  .meta({ id: 'userLookup' });

const userRef = {
  user_id: idValue.optional().meta({
    description:
      'The Userflow user id. With user_lookup too: the id when it evaluates to a value, else the lookup',
  }),
  user_lookup: userLookupSpec.optional().meta({ description: 'Find the user at delivery by an attribute' }),
};
const hasUser = (body: { user_id?: unknown; user_lookup?: unknown }) =>
  body.user_id !== undefined || body.user_lookup !== undefined;
const needsUser = { message: 'give user_id, user_lookup, or both (the id when present, else the lookup)' };

const groupRef = z.strictObject({ id: idValue, attributes: attributes.optional() }).meta({ id: 'groupRef' });
const onlyIfExists = z
  .boolean()
  .optional()
  .meta({ description: 'Skip at delivery unless it already exists' });
const time = z
  .string()
  .min(1)
  .meta({ description: `ISO 8601 time of the event: ${expressionHint}` });

export const ACTION_SCHEMAS = {
  upsert_user: z
    .strictObject({
      ...userRef,
      attributes: attributes.optional(),
      groups: z.array(groupRef).optional(),
      memberships: z.array(z.strictObject({ attributes: attributes.optional(), group: groupRef })).optional(),
      only_if_exists: onlyIfExists,
    })
    .refine(hasUser, needsUser),
  upsert_group: z.strictObject({
    group_id: idValue,
    attributes: attributes.optional(),
    only_if_exists: onlyIfExists,
  }),
  add_membership: z
    .strictObject({
      ...userRef,
      group_id: idValue,
      group_attributes: attributes.optional(),
      membership_attributes: attributes.optional(),
      only_if_exists: onlyIfExists,
    })
    .refine(hasUser, needsUser),
  remove_membership: z.strictObject({ ...userRef, group_id: idValue }).refine(hasUser, needsUser),
  track_event: z
    .strictObject({
      ...userRef,
      group_id: idValue.optional(),
      name: z.string().min(1),
      attributes: eventAttributes.optional(),
      time: time.optional(),
    })
    .refine((body) => hasUser(body) || body.group_id !== undefined, {
      message: 'a track_event needs a user (user_id and/or user_lookup) or a group_id',
    }),
  delete_user: z.strictObject({ ...userRef }).refine(hasUser, needsUser),
  delete_group: z.strictObject({ group_id: idValue }),
} satisfies Record<ActionKind, z.ZodType>;

/** For editors: each action is an object with one key, the action's name. */
export const editorAction = z.union(
  ACTIONS.map((kind) => z.strictObject({ [kind]: ACTION_SCHEMAS[kind].meta({ id: kind }) })) as unknown as [
    z.ZodType,
    z.ZodType,
  ],
);

/** For validation: dispatch on the one key, so errors name the action's own fields instead of a failed union. */
export const validatingAction = z.unknown().superRefine((raw, ctx) => {
  const keys = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.keys(raw) : [];
  if (keys.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `an action is an object with one key, one of: ${ACTIONS.join(', ')}`,
    });
    return;
  }
  const kind = keys[0] as string;
  const schema = (ACTION_SCHEMAS as Record<string, z.ZodType>)[kind];
  if (!schema) {
    ctx.addIssue({ code: 'custom', message: `unknown action "${kind}" (known: ${ACTIONS.join(', ')})` });
    return;
  }
  const result = schema.safeParse((raw as Record<string, unknown>)[kind]);
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: [kind, ...issue.path] });
  }
});
