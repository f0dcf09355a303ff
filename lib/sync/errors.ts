// The sync's error family: problems with the file, the database or the run, each naming what to fix.
import { BridgeError } from '../errors.ts';

export class SyncError extends BridgeError {
  constructor(message: string, options: { code: string; retryable?: boolean; cause?: unknown }) {
    super(message, { code: options.code, retryable: options.retryable ?? false, cause: options.cause });
  }
}

/** Mirror mode would remove more than the configured share of what Userflow knows: refused, nothing removed. */
export class DeletionCapError extends SyncError {
  constructor(
    readonly kind: string,
    readonly wouldRemove: number,
    readonly known: number,
    readonly maxRatio: number,
  ) {
    super(
      `refusing to remove ${wouldRemove} of ${known} ${kind} (more than max_delete_ratio ${maxRatio}); ` +
        'check the query, or raise max_delete_ratio if this is intended',
      { code: 'deletion_cap' },
    );
  }
}
