// Onboarding watches: files that say which stalled checklist sessions to alert a team about, and how.
// The DynamoDB state is imported from `./dynamodb-state.ts` directly, so local runs never load the AWS SDK.
export { progressText, type StalledAlert, userUrl } from './alert.ts';
export { humanAgo, parseDuration, parseRate } from './duration.ts';
export { AlertDeliveryError } from './errors.ts';
export { type WatchFile, watchFileJsonSchema, watchFileSchema } from './file-schema.ts';
export { jsonFileAlertState } from './json-file-state.ts';
export { loadWatchFile, loadWatchFiles, parseWatch } from './load.ts';
export { DEFAULT_MESSAGE } from './message.ts';
export {
  runWatch,
  type WatchAlertOutcome,
  type WatchRunOptions,
  type WatchRunResult,
  type WatchUserflow,
} from './run.ts';
export { scheduleWatches, type Timers, type WatchSchedule } from './schedule.ts';
export { classifyAlertResponse, sendAlert } from './send.ts';
export { slackMessage } from './slack.ts';
export { type AlertRecord, type AlertState, memoryAlertState } from './state.ts';
export { alertTarget } from './target.ts';
export { COMPLETED_AFTER_ALERT, completedAfterAlertNote, WATCH_ORIGIN } from './trail-note.ts';
export { type Watch, watchFromData } from './watch.ts';
export { signedWebhookAlert } from './webhook-alert.ts';
