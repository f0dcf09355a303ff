// The environment variable names each Lambda reads, derived from its zod schemas: the CDK stack may set only these,
// so renaming a variable in a schema fails to compile until the stack says the same name.
import type * as z from 'zod';
import type { deliverEnvSchema } from './deliver.ts';
import type { ingestEnvSchema } from './ingest.ts';
import type { mcpFunctionEnvSchema } from './mcp-function.ts';
import type { syncEnvSchema } from './sync.ts';
import type { trailEnvSchema, trailTableEnvSchema } from './trail.ts';
import type { watchFunctionEnvSchema } from './watch.ts';

/** The keys a schema reads. */
type Keys<S extends z.ZodType> = Extract<keyof z.input<S>, string>;

/** Read by Powertools itself (service name, metrics namespace, log level), not by a schema of ours. */
type PowertoolsEnvName = `POWERTOOLS_${string}`;

/** The trail's variables (functions/trail.ts), read by every function that writes the trail. */
type TrailEnvName = Keys<typeof trailEnvSchema> | Keys<typeof trailTableEnvSchema>;

export type IngestEnvName = Keys<typeof ingestEnvSchema> | TrailEnvName | PowertoolsEnvName;
export type DeliverEnvName = Keys<typeof deliverEnvSchema> | TrailEnvName | PowertoolsEnvName;
export type McpFunctionEnvName = Keys<typeof mcpFunctionEnvSchema> | TrailEnvName | PowertoolsEnvName;
export type SyncEnvName = Keys<typeof syncEnvSchema> | TrailEnvName | PowertoolsEnvName;
export type WatchFunctionEnvName = Keys<typeof watchFunctionEnvSchema> | TrailEnvName | PowertoolsEnvName;
