// Configuration of watch runs, read once from the environment: where Userflow is, the account URL for links.
import { z } from 'zod';
import { type Env, readEnv } from './read-env.ts';

const schema = z.object({
  USERFLOW_API_KEY: z.string({ error: 'is not set: export the API key of your Userflow environment' }),
  /** The sandbox or a proxy instead of the region's host. */
  USERFLOW_API_URL: z.url().optional(),
  USERFLOW_REGION: z.enum(['us', 'eu']).optional(),
  /** `https://app.userflow.com/<account>`: alerts link to the user when set. */
  USERFLOW_ACCOUNT_URL: z.url().optional(),
  /** Where the local alert state lives (`<dir>/watch-state.json`). */
  LOCAL_DIR: z.string().default('.local'),
});

export type WatchConfig = z.infer<typeof schema>;

export function readWatchConfig(env: Env): WatchConfig {
  return readEnv(schema, env, 'watch configuration');
}
