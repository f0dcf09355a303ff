// A watch from what its file's YAML reads as: zod → compiled pattern and message, every problem naming file and
// field. Reading the YAML is load.ts, so the watch Lambda, which gets its files pre-read at synth
// (load-pre-read.ts), neither bundles nor runs the YAML parser.
import { ConfigError } from '../errors.ts';
import { compilePattern } from '../rules/pattern/compile.ts';
import { compileMatcher, type Matcher } from '../rules/pattern/match.ts';
import { parseDuration, parseRate } from './duration.ts';
import { type WatchFile, watchFileSchema } from './file-schema.ts';
import { compileMessage, DEFAULT_MESSAGE, type MessageTemplate } from './message.ts';

export interface Watch {
  name: string;
  /** Where it came from, for messages. */
  source: string;
  content: string;
  stalledAfterMs: number;
  /** Undefined for `repeat: never`. */
  repeatMs: number | undefined;
  scheduleMs: number;
  /** The `schedule` as written (`rate(1 hour)`), for EventBridge Scheduler. */
  schedule: string;
  /** Undefined when the file has no `users:` (everyone counts). */
  users: Matcher | undefined;
  message: MessageTemplate;
  alert: WatchFile['alert'];
}

/**
 * Checks and compiles one watch file's data. Throws one `ConfigError` whose first line names the file and the
 * first problem.
 */
export function watchFromData(document: unknown, source: string): Watch {
  const result = watchFileSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw fileError(source, problems);
  }
  const file = result.data;
  const problems: string[] = [];
  const report = (path: string, message: string) => problems.push(`${path}: ${message}`);
  const pattern = file.users === undefined ? undefined : compilePattern(file.users, 'users', report);
  const message = compileMessage(file.message ?? DEFAULT_MESSAGE, 'message', report);
  if (problems.length) throw fileError(source, problems);
  return {
    name: file.name,
    source,
    content: file.content,
    stalledAfterMs: parseDuration(file.stalled_after) as number,
    repeatMs: file.repeat === 'never' ? undefined : parseDuration(file.repeat),
    scheduleMs: parseRate(file.schedule) as number,
    schedule: file.schedule,
    users: pattern && compileMatcher(pattern),
    message,
    alert: file.alert,
  };
}

/** By watch name; duplicate names are a ConfigError (they would share state). */
export function watchesByName(watches: readonly Watch[]): Map<string, Watch> {
  const byName = new Map<string, Watch>();
  for (const watch of watches) {
    const other = byName.get(watch.name);
    if (other)
      throw new ConfigError(`${watch.source}: the name ${watch.name} is also used by ${other.source}`);
    byName.set(watch.name, watch);
  }
  return byName;
}

/** One plain line (the CLI prints it as is), with the full list kept in `problems`. */
function fileError(source: string, problems: string[]): ConfigError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const error = new ConfigError(`${source}: ${problems[0]}${more}`);
  Object.defineProperty(error, 'problems', { value: problems });
  return error;
}
