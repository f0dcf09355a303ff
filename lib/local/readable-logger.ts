// Interactive `npm start`: the one logger, but a warning or an error prints as one readable line among the live
// lines instead of a JSON object. `--log-level` (and Lambda) keep the structured JSON.
import { createLoggerTo, type Logger, type LoggerOptions, type LogRecord } from '../logger.ts';
import { printable } from './printable.ts';

export interface ReadableLoggerOptions extends LoggerOptions {
  print: (line: string) => void;
  /** Messages a live line already tells (a rejected webhook, a dead letter): not printed twice. */
  shownElsewhere?: (message: string) => boolean;
}

/** What the live lines of `npm start` already say, when they are on. */
export const shownByLiveLines = (message: string): boolean =>
  message === 'command dead-lettered' || message.startsWith('webhook ');

export function createReadableLogger(options: ReadableLoggerOptions): Logger {
  const { print, shownElsewhere, ...logger } = options;
  return createLoggerTo({
    ...logger,
    write: (record) => {
      if (!shownElsewhere?.(String(record.message ?? ''))) print(readableLogLine(record));
    },
  });
}

/** Keys every Powertools line carries: noise on a terminal. */
const STANDARD_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
]);

const MAX_VALUE_CHARS = 200;

/** `WARN  could not set the visibility of a failed record  messageId=m-1 error=timeout`, escaped. */
export function readableLogLine(attributes: LogRecord): string {
  const fields = Object.entries(attributes)
    .filter(([key, value]) => !STANDARD_KEYS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${text(value)}`);
  const head = `${String(attributes.level ?? 'LOG')}  ${String(attributes.message ?? '')}`;
  return printable([head, ...fields].join('  '));
}

function text(value: unknown): string {
  // An error as Powertools formats it: its message is what a reader needs, the stack is in --log-level output.
  const shown =
    typeof value === 'string'
      ? value
      : value && typeof value === 'object' && 'message' in value && 'stack' in value
        ? String((value as { message: unknown }).message)
        : JSON.stringify(value);
  return shown.length > MAX_VALUE_CHARS ? `${shown.slice(0, MAX_VALUE_CHARS)}…` : shown;
}
