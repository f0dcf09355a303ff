// The one structured logger (Powertools Logger): JSON lines in Lambda and locally, so audit records are queryable.
import { Logger } from '@aws-lambda-powertools/logger';

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
