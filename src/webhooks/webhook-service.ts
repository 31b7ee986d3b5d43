// A workspace's webhook endpoints as its admins manage them: the URL checked against the fetch
// policy when stored, the secret made here, sealed at rest and shown once, test events and
// redeliveries queued like any event.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { PagePosition } from '../db/keyset.ts';
import { AppError, notFound } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { encryptSecret } from '../security/encryption.ts';
import { precheckUrl } from '../security/ssrf/index.ts';
import { sendDeliveries } from './delivery-job.ts';
import { type DeliveryRow, deliveryById, insertDelivery, listDeliveries } from './delivery-store.ts';
import { newWebhookSecret } from './signature.ts';
import { testEvent, type WebhookEvent } from './webhook-events.ts';
import {
  deleteWebhook as deleteWebhookRow,
  insertWebhook,
  listWebhooks as listWebhookRows,
  maxWebhooks,
  updateWebhook as updateWebhookRow,
  type WebhookRow,
  webhookById,
} from './webhook-store.ts';

export interface WebhookServiceDeps {
  database: Database;
  secretKey: string;
  config: Pick<Config, 'FETCH_ALLOW_HOSTS'>;
  queue: Pick<JobQueue, 'send'>;
  logger: Pick<Logger, 'warn'>;
}

type Scope = { workspaceId: string };

export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  description?: string;
  enabled?: boolean;
}

/**
 * A URL that can never be delivered to under the fetch policy (a private or loopback literal,
 * `localhost`, a metadata host, a refused port) is a 400 at `url` now; names are judged again at
 * every connection, where their addresses are known.
 */
async function assertDeliverable(url: string, allowHosts: readonly string[]) {
  const problem = await precheckUrl(url, allowHosts);
  if (problem)
    throw new AppError('validation_error', problem, [
      {
        path: 'url',
        message: `${problem}. Private receivers must be allowed by the operator (FETCH_ALLOW_HOSTS)`,
      },
    ]);
}

const webhookNotFound = (id: string) => notFound(`Webhook ${id}`);

export async function createWebhook(
  deps: WebhookServiceDeps,
  scope: Scope & { userId: string },
  input: WebhookInput,
): Promise<{ webhook: WebhookRow; secret: string }> {
  await assertDeliverable(input.url, deps.config.FETCH_ALLOW_HOSTS);
  const secret = newWebhookSecret();
  const webhook = await insertWebhook(deps.database, scope, {
    url: input.url,
    events: [...new Set(input.events)],
    description: input.description ?? '',
    enabled: input.enabled ?? true,
    sealedSecret: encryptSecret(secret, deps.secretKey),
  });
  if (webhook === 'full')
    throw new AppError(
      'conflict',
      `A workspace has at most ${maxWebhooks} webhooks: delete one before adding another`,
    );
  return { webhook, secret };
}

export const listWebhooks = (deps: Pick<WebhookServiceDeps, 'database'>, scope: Scope) =>
  listWebhookRows(deps.database, scope);

export async function getWebhook(deps: Pick<WebhookServiceDeps, 'database'>, scope: Scope, id: string) {
  const webhook = await webhookById(deps.database, scope, id);
  if (!webhook) throw webhookNotFound(id);
  return webhook;
}

export async function updateWebhook(
  deps: WebhookServiceDeps,
  scope: Scope,
  id: string,
  change: Partial<WebhookInput>,
): Promise<WebhookRow> {
  if (change.url !== undefined) await assertDeliverable(change.url, deps.config.FETCH_ALLOW_HOSTS);
  const webhook = await updateWebhookRow(deps.database, scope, id, {
    ...change,
    ...(change.events && { events: [...new Set(change.events)] }),
  });
  if (!webhook) throw webhookNotFound(id);
  return webhook;
}

export async function deleteWebhook(deps: Pick<WebhookServiceDeps, 'database'>, scope: Scope, id: string) {
  if (!(await deleteWebhookRow(deps.database, scope, id))) throw webhookNotFound(id);
}

/** A new secret: the old one stops signing at once (deliveries in flight sign with the one they read). */
export async function rotateWebhookSecret(
  deps: WebhookServiceDeps,
  scope: Scope,
  id: string,
): Promise<{ webhook: WebhookRow; secret: string }> {
  const secret = newWebhookSecret();
  const webhook = await updateWebhookRow(deps.database, scope, id, {
    sealedSecret: encryptSecret(secret, deps.secretKey),
  });
  if (!webhook) throw webhookNotFound(id);
  return { webhook, secret };
}

async function enabledWebhook(deps: WebhookServiceDeps, scope: Scope, id: string, what: string) {
  const webhook = await getWebhook(deps, scope, id);
  if (!webhook.enabled) throw new AppError('conflict', `Webhook ${id} is disabled: enable it before ${what}`);
  return webhook;
}

async function queued(deps: WebhookServiceDeps, delivery: DeliveryRow, workspaceId: string) {
  await sendDeliveries(deps, [{ deliveryId: delivery.id, workspaceId, webhookId: delivery.webhookId }]);
  return delivery;
}

/** Queues a `webhook.test` delivery to this endpoint, whatever it subscribes to. */
export async function sendTestEvent(
  deps: WebhookServiceDeps,
  scope: Scope,
  id: string,
): Promise<DeliveryRow> {
  const webhook = await enabledWebhook(deps, scope, id, 'sending a test event');
  const delivery = await insertDelivery(deps.database, {
    webhookId: webhook.id,
    workspaceId: scope.workspaceId,
    event: testEvent,
    payload: {
      type: testEvent,
      timestamp: new Date().toISOString(),
      data: { webhookId: webhook.id, message: 'A test event from Blogsmith' },
    },
  });
  return queued(deps, delivery, scope.workspaceId);
}

/**
 * Sends a finished delivery's message again as a new delivery (its own log entry and attempts)
 * with the same payload and the same `webhook-id`, so a receiver that keeps the ids it processed
 * sees a repeat. A delivery still pending is 409: it is being tried already.
 */
export async function redeliver(
  deps: WebhookServiceDeps,
  scope: Scope,
  id: string,
  deliveryId: string,
): Promise<DeliveryRow> {
  const webhook = await enabledWebhook(deps, scope, id, 'redelivering');
  const original = await deliveryById(deps.database, scope, webhook.id, deliveryId);
  if (!original) throw notFound(`Delivery ${deliveryId}`);
  if (original.status === 'pending')
    throw new AppError(
      'conflict',
      `Delivery ${deliveryId} is still being tried (attempt ${original.attempts})`,
    );
  const delivery = await insertDelivery(deps.database, {
    webhookId: webhook.id,
    workspaceId: scope.workspaceId,
    event: original.payload.type,
    payload: original.payload,
    messageId: original.messageId,
  });
  return queued(deps, delivery, scope.workspaceId);
}

export async function webhookDeliveries(
  deps: Pick<WebhookServiceDeps, 'database'>,
  scope: Scope,
  id: string,
  page: { limit: number; after?: PagePosition | undefined },
) {
  await getWebhook(deps, scope, id);
  return listDeliveries(deps.database, scope, id, page);
}
