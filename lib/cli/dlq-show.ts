// `dlq show`'s text: one dead letter, why it died first, then its body. Bodies and reasons are data that came in
// from webhooks and from Userflow, so each line is made printable.

import type { DlqReason } from '../dlq/dlq-attributes.ts';
import { printable } from '../local/activity.ts';
import type { ReceivedMessage } from '../queue/queue.ts';

export function deadLetterText(message: ReceivedMessage, reason: DlqReason): string {
  const lines = [
    `message ${message.messageId}  group ${message.groupId}  received ${message.receiveCount} time${message.receiveCount === 1 ? '' : 's'}`,
    `reason: ${reason.reason}${reason.status ? `  (Userflow ${reason.status})` : ''}${reason.failedAt ? `  at ${reason.failedAt}` : ''}`,
  ];
  if (reason.error) lines.push(`error: ${reason.error}`);
  const about = [
    reason.commandId && `command ${reason.commandId}`,
    reason.commandType && `type ${reason.commandType}`,
    reason.source && `source ${reason.source}`,
    reason.rule && `rule ${reason.rule}`,
  ].filter(Boolean);
  if (about.length > 0) lines.push(about.join('  '));
  lines.push('body:', ...pretty(message.body).split('\n'));
  return `${lines.map(printable).join('\n')}\n`;
}

/** The envelope indented for reading; a body that is not JSON as it is. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
