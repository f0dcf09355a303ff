// `userflow-bridge events list|show|tail|replay`: the event trail, read through the store port (local or AWS).
import type { Command } from 'commander';
import type { TrailStore } from '../trail/store.ts';
import type { IntakeQuery, IntakeRecord } from '../trail/types.ts';
import { UsageError } from './exit.ts';
import { failWith } from './fail.ts';

// Only types are imported statically: SQLite, the rules engine and the queue load inside the actions.

interface TrailFlags {
  localDir: string;
  trail?: string;
  json?: boolean;
}

interface ListFlags extends TrailFlags {
  source?: string;
  user?: string;
  group?: string;
  outcome?: string;
  since?: string;
  limit: string;
}

interface TailFlags extends TrailFlags {
  interval: string;
}

interface ReplayFlags extends TrailFlags {
  dryRun?: boolean;
  rules?: string;
  envFile: string;
}

const MAX_LIMIT = 1000;

export function registerEvents(program: Command): void {
  const events = program
    .command('events')
    .description('The event trail: every webhook, its rule decisions, commands and Userflow attempts.')
    .addHelpText(
      'after',
      examples(
        [
          'userflow-bridge events list --since 1h',
          'userflow-bridge events show evt_1NqYx2',
          'userflow-bridge events replay evt_1NqYx2 --dry-run',
        ],
        'Each reads <--local-dir>/trail.db, or the stack’s trail with --trail dynamodb://<table>.',
      ),
    );

  const withTrail = (command: Command) =>
    command
      .option('--local-dir <dir>', 'the local trail lives in <dir>/trail.db (as `start` keeps it)', '.local')
      .option('--trail <target>', 'read another trail: dynamodb://<table> (AWS; your credentials) or a file')
      .option('--json', 'print JSON');

  withTrail(events.command('list'))
    .description('Webhook requests, newest first: time, source, event id, type, outcome, commands, user ids.')
    .option('--source <name>', 'only this source')
    .option('--user <id>', 'only requests that produced a command for this user')
    .option('--group <id>', 'only requests that produced a command for this group')
    .option(
      '--outcome <outcome>',
      'only this request outcome (accepted, duplicate, bad_signature, replayed, …)',
    )
    .option('--since <when>', 'only since a duration ago (90s, 15m, 1h, 7d) or a date (2026-12-01)')
    .option('--limit <n>', `at most n requests (1-${MAX_LIMIT})`, '50')
    .addHelpText(
      'after',
      examples(
        [
          'userflow-bridge events list --since 1h',
          'userflow-bridge events list --user ada --json',
          'userflow-bridge events list --outcome bad_signature --trail dynamodb://userflow-bridge-trail',
        ],
        '--json prints one array, one element per request (headers and body: see `events show`).',
      ),
    )
    .action(async (flags: ListFlags) => {
      const query = await listQuery(flags);
      const { summarise } = await import('../trail/story.ts');
      const { listText } = await import('./events-text.ts');
      await withStore(flags, async (store) => {
        const intakes = await store.listIntakes(query);
        process.stdout.write(flags.json ? `${JSON.stringify(intakes.map(summarise))}\n` : listText(intakes));
      });
    });

  withTrail(events.command('show'))
    .description(
      'The whole story of one request: headers, body, each rule and why, each command and attempt.',
    )
    .argument('<id>', 'an event id, a command id or a request id')
    .addHelpText(
      'after',
      examples(
        ['userflow-bridge events show evt_1NqYx2', 'userflow-bridge events show cmd_4f1c… --json'],
        '--json prints { intake, events: [{ id, type, rules: [{ name, decision, reason }],',
        '  commands: [{ id, kind, userId, groupId, outcome, attempts }] }] }; a command without attempts is "queued".',
        'A command no webhook produced (sync, direct call) prints { intake: null, events: [], commands: [...] }.',
        'Exits 1 when nothing in the trail has that id.',
      ),
    )
    .action(async (id: string, flags: TrailFlags) => {
      const [{ commandIdsOf, tellCommandStory, tellStory }, { commandStoryText, storyText }] =
        await Promise.all([import('../trail/story.ts'), import('./events-text.ts')]);
      await withStore(flags, async (store) => {
        const intake = await store.findIntake(id);
        if (intake) {
          const story = tellStory(intake, await store.attemptsFor(commandIdsOf(intake)));
          process.stdout.write(flags.json ? `${JSON.stringify(story)}\n` : storyText(story));
          return;
        }
        // A sync's or a direct call's command has attempts but no intake: still a story worth telling.
        const alone = tellCommandStory(id, await store.attemptsFor([id]));
        if (!alone) return reportMissing(id, flags);
        process.stdout.write(flags.json ? `${JSON.stringify(alone)}\n` : commandStoryText(alone));
      });
    });

  withTrail(events.command('tail'))
    .description('Print new requests and Userflow attempts as they are recorded (Ctrl-C stops).')
    .option('--interval <ms>', 'how often to look for new records', '1000')
    .addHelpText(
      'after',
      examples(
        ['userflow-bridge events tail', 'userflow-bridge events tail --json | jq .attempt'],
        '--json prints one object per line: {"intake": …} or {"attempt": …}.',
      ),
    )
    .action(async (flags: TailFlags) => {
      const intervalMs = Number(flags.interval);
      if (!Number.isInteger(intervalMs) || intervalMs < 10) {
        throw new UsageError('--interval must be a whole number of milliseconds, at least 10');
      }
      const { followTrail } = await import('./events-tail.ts');
      await withStore(flags, async (store) => {
        const stop = new AbortController();
        const abort = () => stop.abort();
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
        try {
          await followTrail({
            store,
            signal: stop.signal,
            intervalMs,
            json: flags.json ?? false,
            print: (line) => process.stdout.write(`${line}\n`),
          });
        } finally {
          process.off('SIGINT', abort);
          process.off('SIGTERM', abort);
        }
      });
    });

  withTrail(events.command('replay'))
    .description(
      'Run a stored event through the current rules and queue the commands on the local webhook queue.',
    )
    .argument('<event-id>', 'the event to replay (a request or command id works when it names one event)')
    .option('--dry-run', 'print the commands it would queue; queue and record nothing')
    .option('--rules <dir>', 'rule files (env RULES_DIR; default rules), as `start` reads them')
    .option('--env-file <path>', 'file with settings such as RULES_DIR, under the environment', '.env')
    .addHelpText(
      'after',
      examples(
        [
          'userflow-bridge events replay evt_1NqYx2 --dry-run',
          'userflow-bridge events replay evt_1NqYx2   # then `userflow-bridge start` delivers it',
        ],
        'Each replay gets new command ids (from its replay number), so it is never dropped as a duplicate;',
        'it is recorded in the trail as <request id>/replay-<n> with outcome "replayed", and `events show`',
        'of the event then tells the newest replay. Refused (exit 1) when the body was not stored or the',
        'request was never verified; exit 1 too when nothing in the trail has that id.',
        '--json prints { replay, eventId, requestId, queued, rules, commands } (commands: the queued envelopes).',
      ),
    )
    .action(async (id: string, flags: ReplayFlags) => {
      const { runReplay } = await import('./events-replay.ts');
      await withStore(flags, async (store) => {
        const intake = await findOrReport(store, id, flags);
        if (intake) await runReplay({ store, intake, id, ...flags });
      });
    });
}

/** The help's tail: examples, then what the options do not say (the JSON shape, the exit codes). */
function examples(lines: readonly string[], ...notes: string[]): string {
  const tail = notes.length > 0 ? `\n${notes.join('\n')}\n` : '';
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n${tail}`;
}

async function listQuery(flags: ListFlags): Promise<IntakeQuery> {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  const query: IntakeQuery = { limit };
  if (flags.since !== undefined) {
    const { parseSince } = await import('../trail/story.ts');
    const since = parseSince(flags.since, new Date());
    if (!since)
      throw new UsageError(`--since "${flags.since}" is neither a duration (1h, 15m, 7d) nor a date`);
    query.since = since;
  }
  if (flags.source !== undefined) query.source = flags.source;
  if (flags.user !== undefined) query.userId = flags.user;
  if (flags.group !== undefined) query.groupId = flags.group;
  if (flags.outcome !== undefined) query.outcome = flags.outcome;
  return query;
}

async function findOrReport(
  store: TrailStore,
  id: string,
  flags: TrailFlags,
): Promise<IntakeRecord | undefined> {
  const intake = await store.findIntake(id);
  if (!intake) await reportMissing(id, flags);
  return intake;
}

async function reportMissing(id: string, flags: TrailFlags): Promise<void> {
  const { printable } = await import('../local/activity.ts');
  failWith('trail_not_found', `nothing in the trail has the id ${printable(id)}`, flags.json ?? false);
}

/** Opens the trail the flags name, runs `work`, closes it. A local trail that is not there is a usage error. */
async function withStore(flags: TrailFlags, work: (store: TrailStore) => Promise<void>): Promise<void> {
  const { openTrailForReading } = await import('./trail.ts');
  const store = await openTrailForReading(flags);
  try {
    await work(store);
  } finally {
    store.close();
  }
}
