// Request and response shapes of the webhooks API: the one description the OpenAPI document, the
// serializer and the web app's generated types share.
import { z } from 'zod';
import { httpUrl } from '../../input/http-url.ts';
import { text } from '../../input/text.ts';
import { deliveryStatuses, webhookEvents } from '../../webhooks/webhook-events.ts';

export const webhookView = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()).describe(`Subscribed events: ${webhookEvents.join(', ')}`),
  enabled: z.boolean(),
  disabledReason: z
    .string()
    .nullable()
    .describe('Why the server disabled it (the receiver answered 410 Gone); null otherwise'),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const webhookWithSecret = webhookView.extend({
  secret: z
    .string()
    .describe(
      '`whsec_…`: the signing secret, shown only in this answer (create, rotate). Keep it in the receiver',
    ),
});

export const deliveryView = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  messageId: z
    .uuid()
    .describe('The `webhook-id` header: this delivery’s id, or the first delivery’s for a redelivery'),
  event: z.string(),
  payload: z.object({ type: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) }),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: z.date().nullable().describe('When a pending delivery is tried next'),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastDurationMs: z.number().int().nullable(),
  responseExcerpt: z.string().nullable().describe('The start of the receiver’s last answer (at most 1 KB)'),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
});

const webhookFields = {
  url: httpUrl(2000).describe(
    'http(s), no credentials; a private or loopback address is refused unless the operator allows it (FETCH_ALLOW_HOSTS)',
  ),
  events: z
    .array(z.enum(webhookEvents))
    .min(1, 'Subscribe to at least one event')
    .max(20)
    .describe('Events sent to this endpoint (duplicates count once)'),
  description: text({ max: 500 }).optional(),
  enabled: z.boolean().optional(),
};

export const webhookBody = z.strictObject(webhookFields);
export const webhookChange = z
  .strictObject(webhookFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'Send url, events, description or enabled');

export const webhookParams = z.object({ id: z.uuid() });
export const deliveryParams = z.object({ id: z.uuid(), deliveryId: z.uuid() });
