// Reads and checks watch files: YAML → zod → compiled pattern and message, every problem naming file and field.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
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

/** Parses one watch file's text. Throws one `ConfigError` whose first line names the file and the first problem. */
export function parseWatch(text: string, source: string): Watch {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
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

export async function loadWatchFile(path: string): Promise<Watch> {
  return parseWatch(await readFile(path, 'utf8'), path);
}

/** One plain line (the CLI prints it as is), with the full list kept in `problems`. */
function fileError(source: string, problems: string[]): ConfigError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const error = new ConfigError(`${source}: ${problems[0]}${more}`);
  Object.defineProperty(error, 'problems', { value: problems });
  return error;
}
