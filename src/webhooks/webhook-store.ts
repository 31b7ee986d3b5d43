// Every statement on a workspace's webhook endpoints. The sealed secret is read only by the delivery
// (delivery-store.ts's claim); what these answer never holds it.
import { and, eq, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import { insertWithinCap } from '../db/capped-insert.ts';
import type { Database } from '../db/client.ts';
import { webhooks } from '../db/schema/webhooks.ts';
import { failPendingDeliveries } from './delivery-store.ts';

type Scope = { workspaceId: string };

/** Endpoints a workspace may hold: each event is recorded once per subscribed endpoint. */
export const maxWebhooks = 20;

export const webhookColumns = {
  id: webhooks.id,
  url: webhooks.url,
  description: webhooks.description,
  events: webhooks.events,
  enabled: webhooks.enabled,
  disabledReason: webhooks.disabledReason,
  createdAt: webhooks.createdAt,
  updatedAt: webhooks.updatedAt,
};

export type WebhookRow = {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export interface NewWebhook {
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  sealedSecret: string;
}

/** The new endpoint, or `'full'` (nothing written) when the workspace holds maxWebhooks already. */
export async function insertWebhook(
  database: Database,
  scope: Scope & { userId: string },
  input: NewWebhook,
): Promise<WebhookRow | 'full'> {
  return insertWithinCap(database, {
    kind: 'webhooks',
    workspaceId: scope.workspaceId,
    cap: maxWebhooks,
    count: (tx) => tx.$count(webhooks, eq(webhooks.workspaceId, scope.workspaceId)),
    insert: async (tx) => {
      const { sealedSecret, ...fields } = input;
      const [row] = await tx
        .insert(webhooks)
        .values({ ...fields, secret: sealedSecret, workspaceId: scope.workspaceId, createdBy: scope.userId })
        .returning(webhookColumns);
      return row!;
    },
  });
}

/** Every endpoint of the workspace, oldest first (at most maxWebhooks: listed whole). */
export async function listWebhooks(database: Database, scope: Scope): Promise<WebhookRow[]> {
  return database.db
    .select(webhookColumns)
    .from(webhooks)
    .where(inWorkspace(scope, webhooks))
    .orderBy(webhooks.createdAt, webhooks.id);
}

export async function webhookById(
  database: Database,
  scope: Scope,
  id: string,
): Promise<WebhookRow | undefined> {
  const [row] = await database.db
    .select(webhookColumns)
    .from(webhooks)
    .where(inWorkspace(scope, webhooks, eq(webhooks.id, id)));
  return row;
}

export interface WebhookChange {
  url?: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
  sealedSecret?: string;
}

/**
 * Changes an endpoint; undefined when the workspace has none by that id. Disabling it fails its
 * pending deliveries in the same transaction (nothing more is sent to it); enabling it clears the
 * reason the server disabled it for.
 */
export async function updateWebhook(
  database: Database,
  scope: Scope,
  id: string,
  change: WebhookChange,
): Promise<WebhookRow | undefined> {
  const { sealedSecret, ...fields } = change;
  return database.db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhooks)
      .set({
        ...fields,
        ...(sealedSecret !== undefined && { secret: sealedSecret }),
        ...(change.enabled === true && { disabledReason: null }),
        updatedAt: sql`now()`,
      })
      .where(inWorkspace(scope, webhooks, eq(webhooks.id, id)))
      .returning(webhookColumns);
    if (row && change.enabled === false) await failPendingDeliveries(tx, id, 'the webhook was disabled');
    return row;
  });
}

export async function deleteWebhook(database: Database, scope: Scope, id: string): Promise<boolean> {
  const deleted = await database.db
    .delete(webhooks)
    .where(and(inWorkspace(scope, webhooks), eq(webhooks.id, id)))
    .returning({ id: webhooks.id });
  return deleted.length > 0;
}

/** The receiver said the endpoint is gone (410): disabled with that reason, its pending deliveries failed. */
export async function disableGoneWebhook(database: Database, id: string, reason: string): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhooks)
      .set({ enabled: false, disabledReason: reason, updatedAt: sql`now()` })
      .where(and(eq(webhooks.id, id), eq(webhooks.enabled, true)))
      .returning({ id: webhooks.id });
    if (row) await failPendingDeliveries(tx, id, reason);
  });
}
