// The `events` commands' text output. Everything here came in over the network (ids, headers, bodies, reasons),
// so every line goes through printable(): a webhook must not be able to forge or hide terminal lines.
import { printable } from '../local/activity.ts';
import type { ReplayPlan } from '../trail/replay.ts';
import { type CommandOnlyStory, type CommandStory, finalState, type Story, unique } from '../trail/story.ts';
import type { AttemptRecord, IntakeRecord } from '../trail/types.ts';

const NONE = '-';

/** One row per event (a request refused before it had events is one row), newest request first. */
export function listText(intakes: readonly IntakeRecord[]): string {
  if (intakes.length === 0) return 'no records match\n';
  const header = ['TIME', 'SOURCE', 'EVENT', 'TYPE', 'OUTCOME', 'COMMANDS', 'USERS'];
  const rows: string[][] = [];
  for (const intake of intakes) {
    if (intake.events.length === 0) {
      rows.push([
        intake.receivedAt,
        intake.source,
        intake.eventIds.join(',') || NONE,
        NONE,
        intake.outcome,
        '0',
        NONE,
      ]);
      continue;
    }
    for (const event of intake.events) {
      // A refused or failed request says so even when its events were read: that is the outcome to see.
      const outcome = intake.outcome === 'accepted' ? event.outcome : intake.outcome;
      rows.push([
        intake.receivedAt,
        intake.source,
        event.id,
        event.type ?? NONE,
        outcome,
        String(event.commands.length),
        unique(event.commands.map((c) => c.userId)).join(',') || NONE,
      ]);
    }
  }
  return table(header, rows);
}

function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => printable(cell)));
  const widths = header.map((_h, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return `${cells
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export function storyText(story: Story): string {
  const { intake } = story;
  const lines: string[] = [
    `request ${intake.requestId}  ${intake.source}  ${intake.status} ${intake.outcome}${intake.errorCode && intake.errorCode !== intake.outcome ? ` (${intake.errorCode})` : ''}  received ${intake.receivedAt}`,
    'headers',
    ...Object.entries(intake.headers).map(([name, value]) => `  ${name}: ${value}`),
  ];
  if (intake.body.stored) {
    lines.push(`body (${intake.body.size} bytes)`);
    // Shown as stored, one terminal line per body line, each made printable on its own.
    for (const line of intake.body.text.split('\n')) lines.push(`  ${line}`);
  } else {
    const digest = intake.body.sha256 ? `, sha256 ${intake.body.sha256}` : '';
    lines.push(`body not stored (${intake.body.reason}, ${intake.body.size} bytes${digest})`);
  }
  if (story.events.length === 0)
    lines.push('no events (the request was refused before its events were read)');
  for (const event of story.events) {
    lines.push(`event ${event.id}  ${event.type ?? NONE}  ${event.outcome}`);
    if (event.rules.length === 0) lines.push('  no rule matched');
    for (const rule of event.rules) {
      lines.push(`  rule ${rule.name}  ${rule.decision}${rule.reason ? `  ${rule.reason}` : ''}`);
    }
    for (const command of event.commands) lines.push(...commandLines(command, '  '));
  }
  lines.push(`final: ${finalState(story)}`);
  return `${lines.map(printable).join('\n')}\n`;
}

function commandLines(command: CommandStory, indent: string): string[] {
  const who = [command.userId && `user ${command.userId}`, command.groupId && `group ${command.groupId}`]
    .filter(Boolean)
    .join(' ');
  return [
    `${indent}command ${command.id}  ${command.kind}${who ? `  ${who}` : ''}  → ${command.outcome}`,
    ...command.attempts.map((attempt) => `${indent}  ${attemptText(attempt)}`),
  ];
}

/** A command without a webhook behind it: where it came from, then what was sent. */
export function commandStoryText(story: CommandOnlyStory): string {
  const first = story.commands[0]?.attempts[0];
  const origin = first?.origin ?? first?.principal ?? 'unknown origin';
  const lines = [`no webhook request: a command from ${origin}`];
  for (const command of story.commands) lines.push(...commandLines(command, ''));
  return `${lines.map(printable).join('\n')}\n`;
}

function attemptText(a: AttemptRecord): string {
  return `attempt ${a.attempt}  ${a.at}  ${a.action}  ${a.outcome}  (${attemptDetails(a)})`;
}

function attemptDetails(a: AttemptRecord): string {
  return [
    a.status !== undefined ? String(a.status) : undefined,
    `${a.latencyMs} ms`,
    a.reason,
    a.userflowCode,
  ]
    .filter(Boolean)
    .join(', ');
}

/** `events tail`: one line per new request. */
export function intakeLine(intake: IntakeRecord): string {
  const commands = intake.events.reduce((sum, event) => sum + event.commands.length, 0);
  const ids = intake.eventIds.join(',') || NONE;
  return printable(
    `${intake.receivedAt}  ← ${intake.source}  ${intake.status} ${intake.outcome}  ${ids}  ${commands} command${commands === 1 ? '' : 's'}  (${intake.requestId})`,
  );
}

/** `events tail`: one line per Userflow call. */
export function attemptLine(a: AttemptRecord): string {
  const who = a.userId ?? a.groupId ?? NONE;
  const again = a.attempt > 1 ? `  attempt ${a.attempt}` : '';
  return printable(
    `${a.at}  → ${a.action}  ${a.outcome}  (${attemptDetails(a)})  ${who}  ${a.commandId}${again}`,
  );
}

export function planText(plan: ReplayPlan, queued: boolean): string {
  const lines = [
    `replay ${plan.replay} of event ${plan.eventId} (${plan.record.source}), through the current rules:`,
    ...(plan.record.events[0]?.rules ?? []).map(
      (rule) => `  rule ${rule.name}  ${rule.decision}${rule.reason ? `  ${rule.reason}` : ''}`,
    ),
    ...plan.envelopes.map((e) => `  command ${e.id}  ${e.command.type}  ${JSON.stringify(e.command)}`),
  ];
  if (plan.envelopes.length === 0) lines.push('  no commands: nothing to queue');
  else if (queued) {
    lines.push(
      `queued ${plan.envelopes.length} command${plan.envelopes.length === 1 ? '' : 's'} on the local webhook queue (trail: ${plan.record.requestId}); \`userflow-bridge start\` delivers them`,
    );
  } else lines.push('dry run: nothing queued');
  return `${lines.map(printable).join('\n')}\n`;
}
