// The Slack incoming-webhook body of an alert: Block Kit with a plain-text fallback.
import { progressText, type StalledAlert } from './alert.ts';

/** Slack's mrkdwn needs `&`, `<` and `>` escaped; user-supplied names could otherwise inject links or mentions. */
function mrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function slackMessage(alert: StalledAlert): Record<string, unknown> {
  const who = alert.name
    ? `${mrkdwn(alert.name)} (\`${mrkdwn(alert.user_id)}\`)`
    : `\`${mrkdwn(alert.user_id)}\``;
  const fields = [
    `*User*\n${alert.user_url ? `<${alert.user_url}|${who}>` : who}`,
    `*Email*\n${alert.email ? mrkdwn(alert.email) : '—'}`,
    `*Group*\n${alert.group ? mrkdwn(alert.group.name ?? alert.group.id) : '—'}`,
    `*Progress*\n${progressText(alert.done, alert.total)}`,
    `*Stopped at*\n${alert.next_task ? mrkdwn(alert.next_task) : '—'}`,
    `*Started*\n${alert.started_ago}`,
  ];
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(alert.message) } },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `watch \`${mrkdwn(alert.watch)}\` · session \`${mrkdwn(alert.session_id)}\`${alert.alert_number > 1 ? ` · reminder ${alert.alert_number - 1}` : ''}`,
        },
      ],
    },
  ];
  if (alert.user_url) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Open in Userflow' }, url: alert.user_url },
      ],
    });
  }
  return { text: alert.message, blocks };
}
