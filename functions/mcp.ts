// The MCP Lambda: POST /mcp on the HTTP API → the stateless streamable HTTP handler of lib/mcp. Clients and the
// principals cache are built once per cold start; a revoked token fails within the cache window (≤ 60 s).
import { hkdfSync } from 'node:crypto';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { readMcpFunctionConfig } from '../lib/config/mcp-function.ts';
import { apiKeyReader } from '../lib/deliver/index.ts';
import { DEFAULT_WAIT } from '../lib/mcp/deps.ts';
import { createMcpHttpHandler } from '../lib/mcp/http.ts';
import { cachedPrincipals } from '../lib/mcp/principals-cache.ts';
import { openDynamoDbPrincipals } from '../lib/mcp/principals-dynamodb.ts';
import { createSqsQueue } from '../lib/queue/sqs/sqs-queue.ts';
import { DEFAULT_TRAIL_RETENTION_DAYS } from '../lib/trail/capture.ts';
import { UserflowClient } from '../lib/userflow/index.ts';
import { trailFromEnv } from './trail.ts';

const config = readMcpFunctionConfig(process.env);
const region = process.env.AWS_REGION;
const { trail, trailConfig } = trailFromEnv(process.env);
const principals = cachedPrincipals(openDynamoDbPrincipals({ tableName: config.principalsTable }), {
  maxAgeMs: config.principalsCacheMs,
});
const queue = createSqsQueue({
  queueUrl: config.queueUrl,
  client: {
    ...(region ? { region } : {}),
    ...(config.queueEndpoint ? { endpoint: config.queueEndpoint } : {}),
  },
});
// Read at cold start; a rotated key reaches new instances (the cache is per instance).
const apiKey = await apiKeyReader(config.apiKey)();

const mcp = createMcpHttpHandler({
  principals,
  deps: {
    userflow: new UserflowClient({ apiKey, ...config.userflow }),
    queue,
    // Every instance must sign alike so a token issued by one confirms on another: derived from the key.
    confirmSecret: new Uint8Array(hkdfSync('sha256', apiKey, 'userflow-bridge', 'mcp-confirm', 32)),
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
