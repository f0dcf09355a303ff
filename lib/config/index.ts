// Public surface of the configuration: each function's environment schema and reader (zod, read once at cold
// start), the env names the CDK stack may set, and the local `.env` loading. Each reader is also importable from
// its own module, which is what a Lambda entry does, so a bundle holds only its own schema.
export { type DeliverConfig, type DeliverEnv, deliverEnvSchema, readDeliverConfig } from './deliver.ts';
export { loadDotEnv, localEnv } from './dotenv.ts';
export type {
  DeliverEnvName,
  IngestEnvName,
  McpFunctionEnvName,
  SyncEnvName,
  WatchFunctionEnvName,
} from './env-names.ts';
export { type IngestConfig, type IngestEnv, ingestEnvSchema, readIngestConfig } from './ingest.ts';
export { type McpConfig, mcpEnvSchema, readMcpConfig } from './mcp.ts';
export { type McpFunctionConfig, mcpFunctionEnvSchema, readMcpFunctionConfig } from './mcp-function.ts';
export { type Env, readEnv } from './read-env.ts';
export { readSyncConfig, type SyncConfig, syncEnvSchema } from './sync.ts';
export {
  readTrailConfig,
  readTrailTableName,
  type TrailConfig,
  trailEnvSchema,
  trailTableEnvSchema,
} from './trail.ts';
export { type UserflowAccess, type UserflowAccessEnv, userflowAccess } from './userflow-access.ts';
export {
  readWatchConfig,
  readWatchFunctionConfig,
  type WatchConfig,
  watchFunctionEnvSchema,
} from './watch.ts';
