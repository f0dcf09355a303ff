// Configuration of watch runs, read once from the environment: where Userflow is, the account URL for links.
import * as z from 'zod';
import { USERFLOW_TIMEOUT_MS } from '../policy.ts';
import { budgetConfig, budgetEnvShape } from './budget.ts';
import { type Env, readEnv } from './read-env.ts';
import { userflowAccess } from './userflow-access.ts';

const schema = z.object({
  USERFLOW_API_KEY: z.string({ error: 'is not set: export the API key of your Userflow environment' }),
  /** The sandbox or a proxy instead of the region's host. */
  USERFLOW_API_URL: z.url().optional(),
  USERFLOW_REGION: z.enum(['us', 'eu']).optional(),
  /** `https://app.userflow.com/<account>`: alerts link to the user when set. */
  USERFLOW_ACCOUNT_URL: z.url().optional(),
  /** Where the local alert state lives (`<dir>/watch-state.json`), and the budget `start` keeps. */
  LOCAL_DIR: z.string().default('.local'),
  /** The ceiling of that budget, as `start` takes it. */
  USERFLOW_RATE_LIMIT: budgetEnvShape.USERFLOW_RATE_LIMIT,
});

export type WatchConfig = z.infer<typeof schema>;

export function readWatchConfig(env: Env): WatchConfig {
  return readEnv(schema, env, 'watch configuration');
}

export const watchFunctionEnvSchema = z
  .object({
    USERFLOW_API_KEY: z.string().min(1).optional(),
    /** Secrets Manager id of the Userflow API key (cached USERFLOW_API_KEY_MAX_AGE_SECONDS). */
    USERFLOW_API_KEY_SECRET_ID: z.string().min(1).optional(),
    USERFLOW_API_KEY_MAX_AGE_SECONDS: z.coerce.number().int().positive().default(300),
    USERFLOW_REGION: z.enum(['us', 'eu']).default('us'),
    USERFLOW_API_URL: z.url().optional(),
    USERFLOW_TIMEOUT_MS: z.coerce.number().int().positive().default(USERFLOW_TIMEOUT_MS),
    /** DynamoDB table of alerts sent (partition `watch`, sort `target`). */
    WATCH_STATE_TABLE: z.string().min(1),
    /** Secrets Manager id of a JSON object: alert secret name → value (Slack URLs, webhook secrets). */
    WATCH_SECRETS_ID: z.string().min(1),
    WATCH_FILES_DIR: z.string().min(1).optional(),
    /** Runs draw on the stack's budget as the low-priority `watch` class. */
    ...budgetEnvShape,
  })
  .refine((e) => e.USERFLOW_API_KEY !== undefined || e.USERFLOW_API_KEY_SECRET_ID !== undefined, {
    message: 'set USERFLOW_API_KEY_SECRET_ID (or USERFLOW_API_KEY for local runs)',
    path: ['USERFLOW_API_KEY_SECRET_ID'],
  });

/** The watch Lambda's configuration (functions/watch.ts); the bundled files default to `defaultFilesDir`. */
export function readWatchFunctionConfig(env: Env, defaultFilesDir: string) {
  const e = readEnv(watchFunctionEnvSchema, env, 'watch function configuration');
  return {
    ...userflowAccess(e),
    stateTable: e.WATCH_STATE_TABLE,
    secretsId: e.WATCH_SECRETS_ID,
    filesDir: e.WATCH_FILES_DIR ?? defaultFilesDir,
    budget: budgetConfig(e),
  };
}
