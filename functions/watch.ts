// The watch Lambda: an EventBridge Scheduler `{ "watch": "<name>" }` → one run of that bundled watch file.
import { fileURLToPath } from 'node:url';
import { loadWatchFiles } from '#watch/load';
import { readWatchFunctionConfig } from '../lib/config/watch.ts';
import { apiKeyReader } from '../lib/deliver/api-key.ts';
import { createLogger } from '../lib/logger.ts';
import { secretsManagerSecretSource } from '../lib/secrets/secrets-manager.ts';
import { DEFAULT_TRAIL_RETENTION_DAYS } from '../lib/trail/capture.ts';
import { UserflowClient } from '../lib/userflow/index.ts';
import { createUndiciTransport } from '../lib/userflow/undici-transport.ts';
import { dynamoDbAlertState } from '../lib/watch/dynamodb-state.ts';
import { createWatchHandler } from '../lib/watch/scheduled-run.ts';
import { completedAfterAlertNote } from '../lib/watch/trail-note.ts';
import { openSharedBudget } from './shared-budget.ts';
import { trailFromEnv } from './trail.ts';

const config = readWatchFunctionConfig(process.env, fileURLToPath(new URL('./watches', import.meta.url)));
const logger = createLogger({ service: 'watch' });
const apiKey = apiKeyReader(config.apiKey);
const { trail, trailConfig } = trailFromEnv(process.env);
const retentionDays = trailConfig?.retentionDays ?? DEFAULT_TRAIL_RETENTION_DAYS;

// A run reads thousands of sessions: it takes its turn in the stack's one budget, behind live deliveries and
// agents.
const budget = config.budget ? openSharedBudget(config.budget, { logger }) : undefined;
const gate = budget?.gate('watch');

export const handler = createWatchHandler({
  watches: await loadWatchFiles(config.filesDir),
  userflow: async () => {
    const client = new UserflowClient({ apiKey: await apiKey(), ...config.userflow });
    return gate ? client.withGate(gate) : client;
  },
  state: dynamoDbAlertState({ tableName: config.stateTable }),
  secrets: secretsManagerSecretSource({ secretId: config.secretsId, maxAgeSeconds: 300 }),
  transport: createUndiciTransport(),
  log: ({ message, ...rest }) => logger.info(String(message), rest),
  // A trail outage must not hold up alerts: the completion is in the state table either way.
  ...(trail
    ? {
        onCompletedAfterAlert: (record) =>
          trail
            .putAttempt(completedAfterAlertNote(record, new Date(), retentionDays))
            .catch((error: Error) => logger.warn('trail note not written', { error: error.message })),
      }
    : {}),
});
