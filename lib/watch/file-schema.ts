// The watch file (`watches/*.yaml`): its zod schema, and the JSON Schema editors read beside the files.
import * as z from 'zod';
import { parseDuration, parseRate } from './duration.ts';

const secretName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of a secret (letters, digits, _), not its value');

const duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, 'must be a duration such as 3d, 12h or 90m');

export const watchAlertSchema = z.union([
  z.strictObject({
    /** Secret holding a Slack incoming-webhook URL. */
    slack: secretName,
  }),
  z.strictObject({
    /** A JSON POST signed with Standard Webhooks: `url` and `secret` are secret names. */
    webhook: z.strictObject({ url: secretName, secret: secretName }),
  }),
]);

export const watchFileSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Unique among the watches: part of the alert state key. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  description: z.string().optional(),
  /** A content id, or the content's exact name. */
  content: z.string().min(1),
  /** A session started this long ago and not completed is stalled. */
  stalled_after: duration,
  /** Which users count, by their Userflow attributes: an EventBridge pattern, as in rules. */
  users: z.record(z.string(), z.unknown()).optional(),
  alert: watchAlertSchema,
  /** `{% … %}` JSONata between literal text; default names the user, the progress and the stopped step. */
  message: z.string().optional(),
  /** `never` (default): one alert per session; a duration: alert again while still stalled. */
  repeat: z.union([z.literal('never'), duration]).default('never'),
  /** How often it runs, as an EventBridge rate: `rate(1 hour)`. */
  schedule: z
    .string()
    .refine((text) => parseRate(text) !== undefined, 'must be an EventBridge rate such as rate(1 hour)')
    .default('rate(1 hour)'),
});

export type WatchFile = z.output<typeof watchFileSchema>;

export function watchFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(watchFileSchema, { io: 'input' }) as Record<string, unknown>;
}
