// The `console` command's options, through zod: errors name the flag.
import * as z from 'zod';
import { ConfigError } from '../errors.ts';

export const DEFAULT_CONSOLE_PORT = 8789;

const schema = z.object({
  trail: z.string().min(1).optional(),
  queueUrl: z.url().optional(),
  dlqUrl: z.url().optional(),
  port: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_CONSOLE_PORT),
  host: z.string().min(1).default('127.0.0.1'),
  localDir: z.string().min(1).default('.local'),
  rules: z.string().min(1).default('rules'),
  samples: z.string().min(1).default('samples'),
  /** Long enough not to be guessed; a generated one is 32 characters. */
  consoleToken: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type ConsoleOptions = z.infer<typeof schema>;

const FLAGS: Record<string, string> = {
  trail: '--trail',
  queueUrl: '--queue-url',
  dlqUrl: '--dlq-url',
  port: '--port',
  host: '--host',
  localDir: '--local-dir',
  rules: '--rules',
  samples: '--samples',
  consoleToken: '--console-token',
};

export function parseConsoleOptions(flags: Record<string, unknown>): ConsoleOptions {
  const parsed = schema.safeParse(flags);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return `${FLAGS[key] ?? key}: ${issue.message}`;
  });
  throw new ConfigError('invalid console options', problems);
}
