// The zod schema of a rule file (one per source), and the JSON Schema exported from it for editors.
import * as z from 'zod';
import { verifyConfig } from '../sources/verify-config.ts';
import { editorAction, validatingAction } from './action-schema.ts';
import { editorPattern } from './pattern/pattern-schema.ts';

export const SOURCE_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const BODY_PATH = /^[^.]+(\.[^.]+)*$/;

const bodyPath = z.string().regex(BODY_PATH, 'a dot-separated path like "data.object.id"');
const location = z
  .union([
    bodyPath,
    z.strictObject({ path: bodyPath }),
    z.strictObject({ header: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name') }),
  ])
  .meta({ description: 'A body path ("id", "data.object.id", or { path }) or { header: "webhook-id" }' });
export type Location = z.infer<typeof location>;

const eventSchema = z
  .strictObject({
    id: location.meta({ description: "Where the sender's event id is (per item for a batch)" }),
    type: location.optional().meta({ description: 'Where the event type is (per item for a batch)' }),
    batch: z.boolean().default(false).meta({ description: 'The body is a JSON array of events (HubSpot)' }),
    order_by: bodyPath
      .optional()
      .meta({ description: 'Batch only: process items in ascending order of this path (e.g. occurredAt)' }),
  })
  .refine((event) => !(event.batch && typeof event.id === 'object' && 'header' in event.id), {
    message: 'a batch needs a per-item id path, not a header',
    path: ['id'],
  })
  .refine((event) => event.batch || event.order_by === undefined, {
    message: 'order_by only applies to a batch',
    path: ['order_by'],
  });
export type EventConfig = z.infer<typeof eventSchema>;

/** What the event trail keeps of this source's requests: bodies often carry personal data a team must not keep. */
const trailSchema = z
  .strictObject({
    redact: z.array(bodyPath).default([]).meta({
      description:
        'Body paths replaced by "[redacted]" before the body is stored ("*" matches any key or item; per item for a batch)',
    }),
    store_body: z
      .boolean()
      .default(true)
      .meta({ description: 'false: store only the body’s size and SHA-256, never its content' }),
  })
  .meta({ description: 'Privacy settings of the event trail for this source' });
export type TrailFileConfig = z.infer<typeof trailSchema>;

function ruleFileSchemaWith(parts: { when: z.ZodType; action: z.ZodType }) {
  const rule = z.strictObject({
    name: z
      .string()
      .max(128)
      .regex(RULE_NAME, 'letters, digits and _ . : - (it goes into command ids and logs)')
      .meta({ description: 'Unique within the file; part of every command id, so renaming changes ids' }),
    description: z.string().optional(),
    enabled: z.boolean().default(true),
    when: parts.when,
    strict: z.boolean().default(false).meta({
      description:
        'All or nothing: an attribute that evaluates to nothing, or any command that cannot be built, skips the whole rule',
    }),
    required: z.array(bodyPath).min(1).optional().meta({
      description:
        'Body paths that must hold a value (not missing, not null), or the whole rule skips the event',
    }),
    do: z.array(parts.action).min(1).meta({ description: 'Actions, in the order their commands are queued' }),
  });
  return z
    .strictObject({
      source: z
        .string()
        .regex(SOURCE_NAME, 'lower-case letters, digits and "-" (it is the URL segment)')
        .meta({ description: 'The URL segment: POST /webhooks/{source}' }),
      description: z.string().optional(),
      samples: z.string().min(1).optional().meta({
        description:
          'Folder of sample payloads (*.json) that `rules check` reads the rules against, relative to this file (default: samples/<source>)',
      }),
      verify: verifyConfig,
      event: eventSchema,
      trail: trailSchema.optional(),
      rules: z.array(rule).min(1),
    })
    .meta({
      title: 'userflow-bridge rule file',
      description: 'How one webhook source becomes Userflow commands',
    });
}

/** Validates a parsed YAML rule file; `when` patterns and JSONata are checked by the compiler afterwards. */
export const ruleFileSchema = ruleFileSchemaWith({
  when: z.record(z.string(), z.unknown()),
  action: validatingAction,
});
export type RuleFile = z.infer<typeof ruleFileSchema>;

/** The JSON Schema written to `rules/schema.json` (`npm run schema`). */
export function ruleFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ruleFileSchemaWith({ when: editorPattern, action: editorAction }), { io: 'input' });
}
