// Config enters here: a zod schema over the environment, with every bad variable named in one error.
import type * as z from 'zod';
import { ConfigError } from '../errors.ts';

export type Env = Record<string, string | undefined>;

/**
 * Parses `env` with `schema` (an object schema keyed by variable name). Blank values count as unset, so
 * `FOO=` in a `.env` file falls back to the default instead of failing as an empty string.
 */
export function readEnv<S extends z.ZodType>(schema: S, env: Env, what = 'configuration'): z.infer<S> {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)';
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(`invalid ${what}`, problems);
}
