// The environment the stack sets on each function is made only of names that function's zod schemas read
// (lib/config/env-names.ts): a variable renamed on one side only is caught here and, for literals, by the compiler.
import { describe, expect, it } from 'vitest';
import { deliverEnvSchema } from '../../lib/config/deliver.ts';
import type { DeliverEnvName, IngestEnvName } from '../../lib/config/env-names.ts';
import { ingestEnvSchema } from '../../lib/config/ingest.ts';
import { trailEnvSchema, trailTableEnvSchema } from '../../lib/config/trail.ts';
import { buildStack, logicalId, resourcesOf } from './helpers/stack.ts';

const built = buildStack();
const envOf = (fn: { node: { defaultChild?: unknown } }): Record<string, unknown> =>
  resourcesOf(built)[logicalId(built, fn)]?.Properties.Environment.Variables ?? {};

/** Names BridgeFunction sets for every function, read by Powertools and Node rather than a schema of ours. */
const RUNTIME_NAMES = new Set(['NODE_OPTIONS']);
const TRAIL_NAMES = [...Object.keys(trailEnvSchema.shape), ...Object.keys(trailTableEnvSchema.shape)];

function unread(env: Record<string, unknown>, schemaNames: readonly string[]): string[] {
  const read = new Set([...schemaNames, ...TRAIL_NAMES]);
  return Object.keys(env).filter(
    (name) => !read.has(name) && !RUNTIME_NAMES.has(name) && !name.startsWith('POWERTOOLS_'),
  );
}

describe('function environment names', () => {
  it('ingest gets only variables its schemas read, and those it must have', () => {
    const env = envOf(built.stack.ingest.fn);
    expect(unread(env, Object.keys(ingestEnvSchema.shape))).toEqual([]);
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['QUEUE_URL', 'WEBHOOK_SECRETS_ID', 'IDEMPOTENCY_TABLE']),
    );
  });

  it('deliver gets only variables its schemas read, and those it must have', () => {
    const env = envOf(built.stack.deliver.fn);
    expect(unread(env, Object.keys(deliverEnvSchema.shape))).toEqual([]);
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['QUEUE_URL', 'DLQ_URL', 'USERFLOW_API_KEY_SECRET_ID', 'IDEMPOTENCY_TABLE']),
    );
  });

  it('a name no schema reads is not an env name (checked by the compiler)', () => {
    // @ts-expect-error: ingest's schema has no QUEUE_URLS; if it compiled, the stack could set it.
    const misspelt: IngestEnvName = 'QUEUE_URLS';
    // @ts-expect-error: WEBHOOK_SECRETS_ID is ingest's, not deliver's.
    const foreign: DeliverEnvName = 'WEBHOOK_SECRETS_ID';
    expect([misspelt, foreign]).toHaveLength(2);
  });
});
