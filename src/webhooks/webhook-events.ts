// The events a webhook can subscribe to, and the one it is sent by `POST /webhooks/{id}/test`. A
// leaf module: the schema, the routes and the domains that emit events read it.

/** What an endpoint subscribes to (at least one). */
export const webhookEvents = [
  'article.completed',
  'article.failed',
  'document.ready',
  'document.failed',
  'article.published',
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** Sent to one endpoint on request, whatever it subscribes to. */
export const testEvent = 'webhook.test';
export type DeliveredEvent = WebhookEvent | typeof testEvent;

/** The JSON body of every delivery. */
export interface WebhookPayload {
  type: DeliveredEvent;
  /** When the event happened (ISO 8601), not when this attempt was sent. */
  timestamp: string;
  data: Record<string, unknown>;
}

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Where the API shows a resource (`path`), absolute when the server knows its public URL. */
export const apiUrlOf = (publicUrl: string | undefined, path: string) =>
  `${(publicUrl ?? '').replace(/\/+$/, '')}${path}`;
