// What the `userflow` commands read from the command line: flags into list parameters, `--data` into a checked
// body, the environment into a client. Everything wrong here is a UsageError (exit 2). Heavy modules load inside.
import { UsageError } from './exit.ts';
import type { Client, ListSpec, Params } from './userflow-actions.ts';

export interface CommonOptions {
  region?: string;
  timeout?: string;
  /** Its budget file, when `start` has one there, is what every call draws on (class `cli`). */
  localDir?: string;
}

/** Writes are recorded in the event trail; these say which one. */
export interface WriteOptions extends CommonOptions {
  localDir: string;
  trail?: string;
}

export function listParams(spec: ListSpec, options: Record<string, unknown>): Params {
  const params: Params = {};
  const orderBy = (options.orderBy as string[] | undefined) ?? [];
  const expand = options.expand as string[] | undefined;
  if (options.limit !== undefined) params.limit = positiveInteger('--limit', options.limit as string);
  if (options.startingAfter !== undefined) params.starting_after = options.startingAfter as string;
  if (orderBy.length) params.order_by = orderBy.length === 1 ? orderBy[0] : orderBy;
  if (expand?.length) params.expand = expand;
  for (const [flag, param] of spec.filters) {
    const value = options[camel(flag)];
    if (value !== undefined) params[param] = value;
  }
  const query = extraQuery((options.query as string[] | undefined) ?? []);
  if (query) params.query = query;
  return params;
}

export function extraQuery(pairs: string[]): Record<string, string | string[]> | undefined {
  if (!pairs.length) return undefined;
  const query: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--query needs name=value, got "${pair}"`);
    const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
    const previous = query[name];
    query[name] = previous === undefined ? value : [previous, value].flat();
  }
  return query;
}

export async function makeClient(options: CommonOptions): Promise<Client> {
  const [{ z }, { readEnv }, { budgetEnvShape }, { UserflowClient }, { ConfigError }, { onLocalBudget }] =
    await Promise.all([
      import('zod'),
      import('../config/read-env.ts'),
      import('../config/budget.ts'),
      import('../userflow/client.ts'),
      import('../errors.ts'),
      import('../local/local-budget.ts'),
    ]);
  const schema = z.object({
    USERFLOW_API_KEY: z.string({ error: 'is not set: export the API key of your Userflow environment' }),
    USERFLOW_API_URL: z.string().optional(),
    USERFLOW_RATE_LIMIT: budgetEnvShape.USERFLOW_RATE_LIMIT,
  });
  if (options.region !== undefined && options.region !== 'us' && options.region !== 'eu') {
    throw new UsageError(`--region must be us or eu, got "${options.region}"`);
  }
  try {
    const env = readEnv(schema, process.env, 'Userflow configuration');
    const client = new UserflowClient({
      apiKey: env.USERFLOW_API_KEY,
      ...(env.USERFLOW_API_URL ? { baseUrl: env.USERFLOW_API_URL } : {}),
      ...(options.region ? { region: options.region as 'us' | 'eu' } : {}),
      ...(options.timeout !== undefined ? { timeoutMs: positiveInteger('--timeout', options.timeout) } : {}),
    });
    // The budget file stays open for the life of the command: one process, a few calls, then exit.
    return onLocalBudget(client, {
      ...(options.localDir === undefined ? {} : { localDir: options.localDir }),
      apiKey: env.USERFLOW_API_KEY,
      budgetClass: 'cli',
      ...(env.USERFLOW_RATE_LIMIT === undefined ? {} : { ceilingPerSecond: env.USERFLOW_RATE_LIMIT }),
    }).client;
  } catch (error) {
    // Missing or bad configuration is something to fix before calling again, like a bad flag: exit 2.
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export type BodyKind = 'user' | 'group' | 'event' | 'subscription' | 'subscription-update';

export async function readBody(kind: BodyKind, data: string): Promise<unknown> {
  const text = data.startsWith('@') ? await readSource(data.slice(1)) : data;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--data is not valid JSON: ${(error as Error).message}`);
  }
  const [bodies, subscriptions] = await Promise.all([
    import('../userflow/bodies.ts'),
    import('../userflow/webhook-subscriptions.ts'),
  ]);
  const schema = {
    user: bodies.createOrUpdateUserBody,
    group: bodies.createOrUpdateGroupBody,
    event: bodies.trackEventBody,
    subscription: subscriptions.createWebhookSubscriptionBody,
    'subscription-update': subscriptions.updateWebhookSubscriptionBody,
  }[kind];
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new UsageError(`--data does not fit the body:\n  - ${problems.join('\n  - ')}`);
  }
  return body;
}

export async function readSource(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --data @${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
}

export function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  }
  return number;
}

/** Repeatable list flags; `--expand a,b` also works. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter(Boolean)];
}

export function append(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--content-id <id>` → `contentId`, the key commander stores it under. */
export function camel(flag: string): string {
  return (flag.split(' ')[0] ?? '')
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
