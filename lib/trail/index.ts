// Public surface of the trail: record types, the store port and the pure capture helpers. Backends are imported
// from their own modules, so a caller loads only the one it uses.
export {
  captureBody,
  DEFAULT_TRAIL_BODY_LIMIT_BYTES,
  DEFAULT_TRAIL_RETENTION_DAYS,
  expiresAt,
  redactHeaders,
  UNREAD_BODY,
} from './capture.ts';
export { TrailError, type TrailErrorCode } from './errors.ts';
export { openTrail, parseTrailTarget, type TrailTarget } from './open.ts';
export type { TrailStore } from './store.ts';
export type * from './types.ts';
