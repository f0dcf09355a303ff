// Turns a watch's `alert:` into a deliver function: secrets resolved once, body built, sent with retries.
import type { SecretSource } from '../secrets/index.ts';
import type { Transport } from '../userflow/transport.ts';
import type { StalledAlert } from './alert.ts';
import { type SendOptions, sendAlert } from './send.ts';
import { slackMessage } from './slack.ts';
import type { Watch } from './watch.ts';
import { signedWebhookAlert } from './webhook-alert.ts';

export interface AlertTargetOptions extends Omit<SendOptions, 'transport'> {
  secrets: SecretSource;
  transport: Transport;
  now: () => Date;
}

/** Resolves the secrets now, so a missing one fails the run before any session is read. */
export async function alertTarget(
  watch: Watch,
  options: AlertTargetOptions,
): Promise<(alert: StalledAlert) => Promise<void>> {
  const first = async (name: string) => (await options.secrets.get(name))[0] as string;
  if ('slack' in watch.alert) {
    const url = await first(watch.alert.slack);
    return async (alert) => {
      await sendAlert(
        {
          url,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(slackMessage(alert)),
          label: `Slack alert for ${alert.user_id}`,
        },
        options,
      );
    };
  }
  const [url, secret] = await Promise.all([
    first(watch.alert.webhook.url),
    first(watch.alert.webhook.secret),
  ]);
  return async (alert) => {
    // Signed once per alert, so every retry carries the same id and signature (receivers dedupe on the id).
    const signed = signedWebhookAlert(alert, secret, options.now());
    await sendAlert({ url, ...signed, label: `webhook alert for ${alert.user_id}` }, options);
  };
}
