// The one structured logger (Powertools Logger): JSON lines in Lambda and locally, so audit records are queryable.
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

export type { Logger };

export interface LoggerOptions {
  /** The component writing (ingest, deliver, sync, start). */
  service: string;
  /** DEBUG, INFO, WARN, ERROR, SILENT. Defaults to POWERTOOLS_LOG_LEVEL or INFO (read by Powertools). */
  level?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Extra keys on every line (e.g. `{ source: 'stripe' }`). */
  persistentKeys?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  return new Logger({
    serviceName: options.service,
    ...(options.level ? { logLevel: options.level } : {}),
    ...(options.persistentKeys ? { persistentKeys: options.persistentKeys } : {}),
  });
}

/** A log record as Powertools builds it: `level`, `message`, `timestamp`, `service` and the extra keys. */
export type LogRecord = Record<string, unknown>;

/**
 * The same logger, but each record goes to `write` instead of a JSON line on stdout: for a terminal that shows
 * it as a readable line (interactive `npm start`).
 */
export function createLoggerTo(options: LoggerOptions & { write: (record: LogRecord) => void }): Logger {
  return new RecordLogger(options);
}

class RecordLogger extends Logger {
  // Assigned after super(): a record logged while Powertools constructs the logger goes to stderr as JSON.
  private write?: (record: LogRecord) => void;

  constructor(options: LoggerOptions & { write: (record: LogRecord) => void }) {
    super({
      serviceName: options.service,
      ...(options.level ? { logLevel: options.level } : {}),
      ...(options.persistentKeys ? { persistentKeys: options.persistentKeys } : {}),
    });
    this.write = options.write;
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    if (this.write) this.write(log.getAttributes() as LogRecord);
    else super.printLog(logLevel, log);
  }
}
