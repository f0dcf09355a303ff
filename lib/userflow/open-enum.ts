// Open string unions: the known values for editors and `switch`es, while any other string still parses.
import * as z from 'zod';

/** `'a' | 'b' | (string & {})`: autocompletes the known values, accepts any string. */
export type OpenEnum<T extends string> = T | (string & {});

/**
 * A schema that accepts any string but is typed with the known values, for fields whose full set of values is
 * not documented (content `type`, `data_type`, `answer_type`): a new value from Userflow must not fail parsing.
 */
export function openEnum<const T extends readonly string[]>(_known: T): z.ZodType<OpenEnum<T[number]>> {
  return z.string() as z.ZodType<OpenEnum<T[number]>>;
}
