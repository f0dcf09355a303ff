// The sync's error family: problems with the file, the database or the run, each naming what to fix.
import { BridgeError } from '../errors.ts';

export class SyncError extends BridgeError {
  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(code, message, { retryable: options.retryable ?? false, cause: options.cause });
  }
}

/**
 * Mirror mode would remove more of one kind than the deletion cap allows: the run is refused before it queues
 * anything, so Userflow sees none of it (not even the run's creates and updates).
 */
export class DeletionCapError extends SyncError {
  constructor(
    readonly kind: string,
    readonly wouldRemove: number,
    readonly known: number,
    readonly cap: { ratio: number; at_least: number },
  ) {
    super(
      'deletion_cap',
      `refusing to remove ${wouldRemove} of ${known} ${kind} (more than max_delete.ratio ${cap.ratio} and more ` +
        `than max_delete.at_least ${cap.at_least}); nothing was queued. Check the query, or raise max_delete if ` +
        'this is intended',
    );
  }
}
