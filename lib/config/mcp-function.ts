// The MCP Lambda's configuration, read once at cold start from the environment through zod.
import * as z from 'zod';
import { type BudgetConfig, budgetConfig, budgetEnvShape } from './budget.ts';
import { type Env, readEnv } from './read-env.ts';

const positiveInt = z.coerce.number().int().positive();

/** The key, in the stack's generated confirmation secret (a JSON object), of the value that signs tokens. */
export const MCP_CONFIRM_SECRET_KEY = 'MCP_CONFIRM_SECRET';

export const mcpFunctionEnvSchema = z.object({
  /** The live command queue (FIFO): agent writes are sent here, beside webhook commands. */
  QUEUE_URL: z.url(),
  /** DynamoDB table of principals (read only: `principals … --table` writes it). */
  PRINCIPALS_TABLE: z.string().min(1),
  /** At most 60: a revocation must take effect within a minute. */
  PRINCIPALS_CACHE_SECONDS: positiveInt.max(60).default(60),
  /** Secrets Manager id of the Userflow API key, for reads; cached for USERFLOW_API_KEY_MAX_AGE_SECONDS. */
  USERFLOW_API_KEY_SECRET_ID: z.string().min(1),
  USERFLOW_API_KEY_MAX_AGE_SECONDS: positiveInt.default(300),
  USERFLOW_REGION: z.enum(['us', 'eu']).default('us'),
  USERFLOW_API_URL: z.url().optional(),
  /** Secrets Manager id of the stack's confirmation secret: signs tokens, independent of the Userflow key. */
  MCP_CONFIRM_SECRET_ID: z.string().min(1),
  /** The bundled rule files (bridge_test_rule). */
  RULES_DIR: z.string().min(1),
  /** Dead-letter queues bridge_dlq_list may peek at: the webhook path's, and the sync path's when there is one. */
  DLQ_URL: z.url(),
  SYNC_DLQ_URL: z.url().optional(),
  /** SQS endpoint override (an emulator); DynamoDB and Secrets Manager clients read theirs themselves. */
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  /** The agents' reads draw on the stack's budget (class `agent`); writes are queued and delivered under it. */
  ...budgetEnvShape,
});

export interface McpFunctionConfig {
  queueUrl: string;
  queueEndpoint?: string;
  dlqUrls: { webhooks: string; sync?: string };
  rulesDir: string;
  confirmSecretId: string;
  principalsTable: string;
  principalsCacheMs: number;
  apiKey: { secretId: string; maxAgeSeconds: number };
  userflow: { region: 'us' | 'eu'; baseUrl?: string };
  budget?: BudgetConfig;
}

export function readMcpFunctionConfig(env: Env): McpFunctionConfig {
  const e = readEnv(mcpFunctionEnvSchema.loose(), env, 'MCP function configuration');
  const budget = budgetConfig(e);
  return {
    queueUrl: e.QUEUE_URL,
    ...(e.AWS_ENDPOINT_URL_SQS ? { queueEndpoint: e.AWS_ENDPOINT_URL_SQS } : {}),
    dlqUrls: { webhooks: e.DLQ_URL, ...(e.SYNC_DLQ_URL ? { sync: e.SYNC_DLQ_URL } : {}) },
    rulesDir: e.RULES_DIR,
    confirmSecretId: e.MCP_CONFIRM_SECRET_ID,
    principalsTable: e.PRINCIPALS_TABLE,
    principalsCacheMs: e.PRINCIPALS_CACHE_SECONDS * 1000,
    apiKey: { secretId: e.USERFLOW_API_KEY_SECRET_ID, maxAgeSeconds: e.USERFLOW_API_KEY_MAX_AGE_SECONDS },
    userflow: { region: e.USERFLOW_REGION, ...(e.USERFLOW_API_URL ? { baseUrl: e.USERFLOW_API_URL } : {}) },
    ...(budget ? { budget } : {}),
  };
}
