// Userflow attribute values: literals or one change operation, as the REST API accepts them.
import * as z from 'zod';

export const attributeLiteral = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number(), z.boolean()])),
]);
export type AttributeLiteral = z.infer<typeof attributeLiteral>;

export const attributeDataType = z.enum(['string', 'number', 'boolean', 'datetime', 'list']);

export const CHANGE_OPERATIONS = [
  'set',
  'set_once',
  'add',
  'subtract',
  'append',
  'prepend',
  'remove',
] as const;
export type ChangeOperation = (typeof CHANGE_OPERATIONS)[number];

const changeShape = Object.fromEntries(CHANGE_OPERATIONS.map((op) => [op, attributeLiteral.optional()])) as {
  [K in ChangeOperation]: z.ZodOptional<typeof attributeLiteral>;
};

/** `{ "<op>": value, "data_type"?: … }` with exactly one operation. */
export const attributeChange = z
  .strictObject({ ...changeShape, data_type: attributeDataType.optional() })
  .refine((change) => CHANGE_OPERATIONS.filter((op) => op in change).length === 1, {
    message: `a change object needs exactly one of ${CHANGE_OPERATIONS.join(', ')}`,
  });
export type AttributeChange = z.infer<typeof attributeChange>;

export const attributeValue = z.union([attributeLiteral, attributeChange]);
export type AttributeValue = z.infer<typeof attributeValue>;

export const attributes = z.record(z.string().min(1), attributeValue);
export type Attributes = z.infer<typeof attributes>;

/** Event attributes accept only literals or `{ set, data_type }` (userflow.js `EventAttributeChange`). */
export const eventAttributeValue = z.union([
  attributeLiteral,
  z.strictObject({ set: attributeLiteral, data_type: attributeDataType.optional() }),
]);
export const eventAttributes = z.record(z.string().min(1), eventAttributeValue);
export type EventAttributes = z.infer<typeof eventAttributes>;
