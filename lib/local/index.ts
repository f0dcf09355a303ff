// Public surface of local mode: the whole bridge in one process (`start`), where it keeps its files, and the
// poller that plays Lambda's SQS event source mapping around the same deliver handler.
export { type BridgeOptions, type RunningBridge, startBridge, userflowMode } from './bridge.ts';
export {
  DEFAULT_LOCAL_DIR,
  DEFAULT_RULES_DIR,
  LOCAL_QUEUE_SETTINGS,
  localLayout,
  QUEUE_NAMES,
  secureLocalDir,
  startLayout,
} from './layout.ts';
export { type Poller, startPoller } from './poller.ts';
export { buildSqsEvent, settleBatch } from './sqs-event.ts';
