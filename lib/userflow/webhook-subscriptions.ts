// Webhook subscriptions (Userflow's outgoing webhooks): the object's schema and the create/update bodies.
import * as z from 'zod';

/*
 * Corroborated by several third-party clients, but not by the stored copy of the official reference: `url`,
 * `topics`, `secret`, `created_at` and `disabled` are seen; `object` and `api_version` in responses are
 * UNCONFIRMED, so they are optional. Loose, like the other objects, so fields added later still pass.
 */
export const webhookSubscription = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  created_at: z.string().optional(),
  url: z.string(),
  topics: z.array(z.string()),
  api_version: z.string().optional(),
  disabled: z.boolean().optional(),
  /** The signing secret of the notifications; keep it out of logs. */
  secret: z.string().optional(),
});
export type WebhookSubscription = z.infer<typeof webhookSubscription>;

export const createWebhookSubscriptionBody = z.looseObject({
  url: z.url(),
  /** e.g. `*`, `user.created`, `event.tracked.checklist_completed`. */
  topics: z.array(z.string().min(1)).min(1),
  api_version: z.string().optional(),
});
export type CreateWebhookSubscriptionBody = z.input<typeof createWebhookSubscriptionBody>;

export const updateWebhookSubscriptionBody = z
  .looseObject({
    url: z.url().optional(),
    topics: z.array(z.string().min(1)).min(1).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' });
export type UpdateWebhookSubscriptionBody = z.input<typeof updateWebhookSubscriptionBody>;
