// The JSON Schema shape of an event pattern, for editor completion (the compiler does the real validation).
import * as z from 'zod';

const text = z.string();
const ignoreCase = z.strictObject({ 'equals-ignore-case': text });
const textOrList = z.union([text, z.array(text).min(1)]);

const operator = z.union([
  z.strictObject({ prefix: z.union([text, ignoreCase]) }).meta({ description: 'String starts with' }),
  z.strictObject({ suffix: z.union([text, ignoreCase]) }).meta({ description: 'String ends with' }),
  z.strictObject({ 'equals-ignore-case': text }),
  z
    .strictObject({ wildcard: text })
    .meta({ description: '"*" matches any characters; "\\*" is a literal star' }),
  z.strictObject({
    'anything-but': z.union([
      text,
      z.number(),
      z.array(text).min(1),
      z.array(z.number()).min(1),
      z.strictObject({ prefix: textOrList }),
      z.strictObject({ suffix: textOrList }),
      z.strictObject({ 'equals-ignore-case': textOrList }),
      z.strictObject({ wildcard: textOrList }),
    ]),
  }),
  z
    .strictObject({
      numeric: z
        .array(z.union([z.enum(['=', '<', '<=', '>', '>=']), z.number()]))
        .min(2)
        .max(4),
    })
    .meta({ description: '["=", n] | [op, n] | [">"|">=", low, "<"|"<=", high]' }),
  z.strictObject({ exists: z.boolean() }),
  z.strictObject({ cidr: text }),
]);

const allowedValue = z.union([z.string(), z.number(), z.boolean(), z.null(), operator]);

export const editorPattern: z.ZodType = z
  .object({
    get $or() {
      return z.array(editorPattern).min(2).optional().meta({ description: 'At least one of these patterns' });
    },
  })
  .catchall(z.union([z.array(allowedValue).min(1), z.lazy(() => editorPattern)]))
  .meta({
    id: 'eventPattern',
    description:
      'EventBridge event pattern: field → list of allowed values (or a nested pattern); all fields must match',
  });
