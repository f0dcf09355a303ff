// What `userflow-bridge mcp` reads from the environment: the principal's token and how to reach Userflow.
import * as z from 'zod';
import { budgetEnvShape } from './budget.ts';
import { type Env, readEnv } from './read-env.ts';

export const mcpEnvSchema = z.object({
  UFB_TOKEN: z
    .string({
      error: 'is not set: create a principal (userflow-bridge principals create <name>) and pass its token',
    })
    .startsWith('ufb_', { error: 'must be a token as `principals create` prints it (ufb_…)' }),
  USERFLOW_API_KEY: z.string({ error: 'is not set: export the API key of your Userflow environment' }),
  /** The sandbox (`http://127.0.0.1:8788`) or a proxy instead of the region host, as for `userflow`. */
  USERFLOW_API_URL: z.string().optional(),
  /** The ceiling of the budget `start` keeps in the local dir, as `start` takes it. */
  USERFLOW_RATE_LIMIT: budgetEnvShape.USERFLOW_RATE_LIMIT,
});

export interface McpConfig {
  token: string;
  userflowApiKey: string;
  userflowApiUrl?: string;
  rateLimitPerSecond?: number;
}

export function readMcpConfig(env: Env): McpConfig {
  const e = readEnv(mcpEnvSchema.loose(), env, 'agent tools configuration');
  return {
    token: e.UFB_TOKEN,
    userflowApiKey: e.USERFLOW_API_KEY,
    ...(e.USERFLOW_API_URL ? { userflowApiUrl: e.USERFLOW_API_URL } : {}),
    ...(e.USERFLOW_RATE_LIMIT === undefined ? {} : { rateLimitPerSecond: e.USERFLOW_RATE_LIMIT }),
  };
}
