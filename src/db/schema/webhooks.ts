// Outgoing webhooks: a workspace's endpoints (URL, subscribed events, signing secret encrypted at
// rest) and the log of every delivery to them, one row per event and endpoint with its latest
// attempt's outcome (src/webhooks/).
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { deliveryStatuses, type WebhookPayload } from '../../webhooks/webhook-events.ts';
import { workspaces } from './accounts.ts';

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    events: text('events').array().notNull(),
    /** `whsec_…`, sealed with SECRET_KEY (src/security/encryption.ts). */
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Why the server disabled it (the receiver answered 410 Gone); null when a member did, or enabled. */
    disabledReason: text('disabled_reason'),
    /** Who created it; kept when that member leaves. */
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhooks_workspace_created_idx').on(t.workspaceId, t.createdAt)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull(),
    /** The `webhook-id` a redelivery repeats (the first delivery's id); null: this row's own id. */
    messageId: uuid('message_id'),
    event: text('event').notNull(),
    payload: jsonb('payload').$type<WebhookPayload>().notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt may run (pending only); an attempt in flight holds it a minute ahead. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    /** The start of the receiver's last answer (at most 1 KB). */
    responseExcerpt: text('response_excerpt'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_deliveries_webhook_created_idx').on(t.webhookId, t.createdAt),
    // The recovery sweep's search for attempts no job will make.
    index('webhook_deliveries_pending_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);
