// The MCP Lambda: POST /mcp on the HTTP API → the stateless streamable HTTP handler of lib/mcp. Clients, the
// rules and the principals cache are built once per cold start; a revoked token fails within the cache window.
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { MCP_CONFIRM_SECRET_KEY, readMcpFunctionConfig } from '../lib/config/mcp-function.ts';
import { apiKeyReader } from '../lib/deliver/index.ts';
import { createLogger } from '../lib/logger.ts';
import { DEFAULT_WAIT } from '../lib/mcp/deps.ts';
import { createMcpHttpHandler } from '../lib/mcp/http.ts';
import { cachedPrincipals } from '../lib/mcp/principals-cache.ts';
import { openDynamoDbPrincipals } from '../lib/mcp/principals-dynamodb.ts';
import { createSqsQueue } from '../lib/queue/sqs/sqs-queue.ts';
import { loadRules } from '../lib/rules/index.ts';
import { secretsManagerSecretSource } from '../lib/secrets/secrets-manager.ts';
import { DEFAULT_TRAIL_RETENTION_DAYS } from '../lib/trail/capture.ts';
import { UserflowClient } from '../lib/userflow/index.ts';
import { openSharedBudget } from './shared-budget.ts';
import { trailFromEnv } from './trail.ts';

// The bundle ships the rule files in `rules/` beside it, as ingest's does (the CDK function copies them in).
const config = readMcpFunctionConfig({
  RULES_DIR: fileURLToPath(new URL('./rules', import.meta.url)),
  ...process.env,
});
const region = process.env.AWS_REGION;
const { trail, trailConfig } = trailFromEnv(process.env);
const principals = cachedPrincipals(openDynamoDbPrincipals({ tableName: config.principalsTable }), {
  maxAgeMs: config.principalsCacheMs,
});
const sqsClient = {
  ...(region ? { region } : {}),
  ...(config.queueEndpoint ? { endpoint: config.queueEndpoint } : {}),
};
const queue = createSqsQueue({ queueUrl: config.queueUrl, client: sqsClient });
const dlqs = Object.fromEntries(
  Object.entries(config.dlqUrls).map(([name, queueUrl]) => [
    name,
    createSqsQueue({ queueUrl, client: sqsClient }),
  ]),
);
// The rules ingest runs, checked at synth: bridge_test_rule dry-runs a payload through them.
const rules = await loadRules(config.rulesDir);
// Read at cold start; a rotated key reaches new instances (the cache is per instance).
const apiKey = await apiKeyReader(config.apiKey)();
// The stack's generated secret, the same for every instance, so a token one issues confirms on another; apart
// from the Userflow key, so whoever holds the key still cannot forge a confirmation.
const [confirmSecret] = (await secretsManagerSecretSource({
  secretId: config.confirmSecretId,
  maxAgeSeconds: 3600,
}).get(MCP_CONFIRM_SECRET_KEY)) as [string]; // get() throws rather than answer no value

// Agents' reads take their turn in the stack's one budget, behind live deliveries.
const budget = config.budget
  ? openSharedBudget(config.budget, { logger: createLogger({ service: 'mcp' }) })
  : undefined;
const userflow = new UserflowClient({ apiKey, ...config.userflow });

const mcp = createMcpHttpHandler({
  principals,
  deps: {
    userflow: budget ? userflow.withGate(budget.gate('agent')) : userflow,
    queue,
    rules: () => rules,
    dlqs,
    confirmSecret: new TextEncoder().encode(confirmSecret),
    now: () => new Date(),
    // API Gateway gives up after 30 s: waiting stays well inside it.
    wait: { ...DEFAULT_WAIT, timeoutMs: 20_000 },
    // The stack's trail: every call is audited there, and `wait` and the bridge tools read it.
    ...(trail ? { trail } : {}),
    retentionDays: trailConfig?.retentionDays ?? DEFAULT_TRAIL_RETENTION_DAYS,
  },
});

const app = new Hono().post('/mcp', (c) => mcp(c.req.raw));
export const handler = handle(app);
