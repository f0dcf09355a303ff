// The webhook alert: a JSON body signed with Standard Webhooks, through the same signer the verifiers test with.
import { standardWebhooksSigner } from '../sources/standard-webhooks.ts';
import type { StalledAlert } from './alert.ts';

// The signer reads no configuration (the receiver's tolerance is the receiver's business).
const signer = standardWebhooksSigner({
  scheme: 'standard-webhooks',
  secrets: ['ALERT_SECRET'],
  tolerance_seconds: 300,
});

export interface SignedAlert {
  body: string;
  headers: Record<string, string>;
}

/**
 * The `webhook-id` is the same for every attempt of one alert (watch, session, alert number), so a receiver that
 * dedupes on it, as Standard Webhooks asks, sees a retried alert once.
 */
export function signedWebhookAlert(alert: StalledAlert, secret: string, now: Date): SignedAlert {
  const body = JSON.stringify({ type: 'watch.stalled', timestamp: now.toISOString(), data: alert });
  const id = `watch_${Buffer.from(`${alert.watch}|${alert.session_id}|${alert.alert_number}`).toString('base64url')}`;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      ...signer({ rawBody: body, secret, now, eventId: id }),
    },
  };
}
