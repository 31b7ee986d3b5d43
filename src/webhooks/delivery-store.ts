// Every statement on the delivery log: recording an event for the endpoints that subscribe to it
// (in the statement or transaction of the change it tells of), claiming an attempt, recording its
// outcome, the sweep for attempts no job will make, the log's pages and its pruning.
import { and, eq, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database, Db, Transaction } from '../db/client.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { after, createdMicrosOf, newestFirst, type PagePosition } from '../db/keyset.ts';
import { webhookDeliveries, webhooks } from '../db/schema/webhooks.ts';
import { storableJson, storableText } from '../input/storable-text.ts';
import { pendingJobExists } from '../jobs/pending-job.ts';
import type { DeliveredEvent, DeliveryStatus, WebhookEvent, WebhookPayload } from './webhook-events.ts';

type Scope = { workspaceId: string };

/** A delivery recorded for the job queue: `webhook.deliver`'s payload. */
export interface RecordedDelivery {
  deliveryId: string;
  workspaceId: string;
  webhookId: string;
}

export const deliveryColumns = {
  id: webhookDeliveries.id,
  webhookId: webhookDeliveries.webhookId,
  messageId: sql<string>`coalesce(${webhookDeliveries.messageId}, ${webhookDeliveries.id})`,
  event: webhookDeliveries.event,
  payload: webhookDeliveries.payload,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  lastError: webhookDeliveries.lastError,
  lastDurationMs: webhookDeliveries.lastDurationMs,
  responseExcerpt: webhookDeliveries.responseExcerpt,
  createdAt: webhookDeliveries.createdAt,
  completedAt: webhookDeliveries.completedAt,
};

export type DeliveryRow = {
  id: string;
  webhookId: string;
  messageId: string;
  event: string;
  payload: WebhookPayload;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  responseExcerpt: string | null;
  createdAt: Date;
  completedAt: Date | null;
};

/**
 * SQL (a CTE of the statement whose change the event tells of) that records `event` for each
 * enabled endpoint of the workspace subscribing to it, once for each row of `after` — a CTE that
 * yields `workspace_id` — so the event is recorded exactly when the change is. The event and its
 * time are the parameters at `$eventAt` and the next (deliveryEventParams; a null event records
 * nothing); `dataSql` is the payload's `data`, a jsonb expression (its parameter: deliveryDataParam).
 * Yields the deliveries' `id`, `workspace_id` and `webhook_id`. An endpoint being deleted meanwhile is waited for and skipped (its row
 * is locked against deletion): inserting for it would fail the whole statement on its foreign key.
 */
export const recordDeliveriesAfter = (after: string, eventAt: number, dataSql: string) =>
  `INSERT INTO webhook_deliveries (webhook_id, workspace_id, event, payload)
   SELECT w.id, w.workspace_id, $${eventAt}::text,
     jsonb_build_object('type', $${eventAt}::text, 'timestamp', $${eventAt + 1}::text, 'data', ${dataSql})
   FROM ${after} JOIN webhooks w ON w.workspace_id = ${after}.workspace_id
   WHERE w.enabled AND $${eventAt}::text = ANY (w.events)
   FOR KEY SHARE OF w
   RETURNING id, workspace_id, webhook_id`;

export const deliveryEventParams = (event: WebhookEvent | null, at = new Date()) => [event, at.toISOString()];

/** The parameter of a payload's `data`: what a jsonb column cannot hold (NUL) left out. */
export const deliveryDataParam = (data: Record<string, unknown>) => storableJson(data);

/**
 * Records `event` for each enabled endpoint of the workspace that subscribes to it (inside a
 * transaction, or alone); an endpoint being deleted meanwhile is waited for and skipped.
 */
export async function recordDeliveries(
  db: Db | Transaction,
  input: { workspaceId: string; event: WebhookEvent; data: Record<string, unknown>; at?: Date },
): Promise<RecordedDelivery[]> {
  const targets = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.workspaceId, input.workspaceId),
        eq(webhooks.enabled, true),
        sql`${input.event}::text = ANY (${webhooks.events})`,
      ),
    )
    .for('key share');
  if (targets.length === 0) return [];
  const payload: WebhookPayload = {
    type: input.event,
    timestamp: (input.at ?? new Date()).toISOString(),
    data: JSON.parse(deliveryDataParam(input.data)),
  };
  const rows = await db
    .insert(webhookDeliveries)
    .values(
      targets.map((t) => ({ webhookId: t.id, workspaceId: input.workspaceId, event: input.event, payload })),
    )
    .returning({
      deliveryId: webhookDeliveries.id,
      workspaceId: webhookDeliveries.workspaceId,
      webhookId: webhookDeliveries.webhookId,
    });
  return rows;
}

/** One delivery to one endpoint: a test event, or a redelivery (`messageId`: the message it repeats). */
export async function insertDelivery(
  database: Database,
  input: {
    webhookId: string;
    workspaceId: string;
    event: DeliveredEvent;
    payload: WebhookPayload;
    messageId?: string;
  },
): Promise<DeliveryRow> {
  const [row] = await database.db
    .insert(webhookDeliveries)
    .values({
      webhookId: input.webhookId,
      workspaceId: input.workspaceId,
      event: input.event,
      payload: input.payload,
      messageId: input.messageId ?? null,
    })
    .returning(deliveryColumns);
  return row!;
}

/** What one attempt sends, taken by the job that makes it. */
export interface ClaimedAttempt {
  id: string;
  workspaceId: string;
  webhookId: string;
  messageId: string;
  payload: WebhookPayload;
  /** This attempt's number, from 1. */
  attempt: number;
  url: string;
  sealedSecret: string;
}

// An attempt in flight holds its delivery this long: a second job for it meanwhile finds nothing
// to do, and one whose worker died is picked up by the sweep after it.
const attemptHoldSeconds = 60;

// Due: its time has come (a job may start a few seconds early), and no attempt holds it.
const due = `d.status = 'pending' AND d.next_attempt_at <= now() + interval '5 seconds'`;

/**
 * Takes the delivery's next attempt: counted, and held for attemptHoldSeconds. Undefined when it is
 * not due (done, not yet time, another attempt in flight), its endpoint is disabled, or it has had
 * `maxAttempts` (a stop for attempts whose outcome could not be recorded: failEndedDelivery ends it).
 */
export async function claimAttempt(
  database: Database,
  id: string,
  maxAttempts: number,
): Promise<ClaimedAttempt | undefined> {
  const { rows } = await database.query<{
    id: string;
    workspace_id: string;
    webhook_id: string;
    message_id: string;
    payload: WebhookPayload;
    attempts: number;
    url: string;
    secret: string;
  }>(
    `UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
       FROM webhooks w
      WHERE d.id = $1 AND w.id = d.webhook_id AND w.enabled AND ${due} AND d.attempts < $3
      RETURNING d.id, d.workspace_id, d.webhook_id, coalesce(d.message_id, d.id) AS message_id, d.payload,
        d.attempts, w.url, w.secret`,
    [id, attemptHoldSeconds, maxAttempts],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    webhookId: row.webhook_id,
    messageId: row.message_id,
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    attempt: row.attempts,
    url: row.url,
    sealedSecret: row.secret,
  };
}

/**
 * A pending delivery that can have no more attempts is failed: its endpoint was disabled meanwhile,
 * or it is due with `maxAttempts` made (their outcomes were not all recorded). True if so.
 */
export async function failEndedDelivery(
  database: Database,
  id: string,
  maxAttempts: number,
): Promise<boolean> {
  const { rows } = await database.query(
    `UPDATE webhook_deliveries d
        SET status = 'failed', next_attempt_at = NULL, completed_at = now(),
            last_error = CASE WHEN NOT w.enabled THEN 'the webhook is disabled'
              ELSE coalesce(d.last_error || '; ', '') || 'gave up after ' || $2::int || ' attempts' END
       FROM webhooks w
      WHERE d.id = $1 AND d.status = 'pending' AND w.id = d.webhook_id
        AND (NOT w.enabled OR (${due} AND d.attempts >= $2::int))
      RETURNING 1`,
    [id, maxAttempts],
  );
  return rows.length > 0;
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
  /** When status stays `pending`: the next attempt's time. */
  nextAttemptAt?: Date;
}

/** Records an attempt's outcome on its (still pending) delivery. */
export async function recordAttempt(database: Database, id: string, outcome: AttemptOutcome): Promise<void> {
  await database.query(
    `UPDATE webhook_deliveries
        SET status = $2, last_status_code = $3, last_error = $4, last_duration_ms = $5, response_excerpt = $6,
            next_attempt_at = $7, completed_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
      WHERE id = $1 AND status = 'pending'`,
    [
      id,
      outcome.status,
      outcome.statusCode,
      // What a receiver or its connection said may hold what PostgreSQL cannot store (NUL).
      outcome.error === null ? null : storableText(outcome.error),
      Math.round(outcome.durationMs),
      outcome.responseExcerpt === null ? null : storableText(outcome.responseExcerpt),
      outcome.status === 'pending' ? (outcome.nextAttemptAt ?? new Date()).toISOString() : null,
    ],
  );
}

/** Fails the endpoint's pending deliveries (it was disabled): nothing more is sent to it. */
export async function failPendingDeliveries(
  tx: Transaction,
  webhookId: string,
  reason: string,
): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: reason, nextAttemptAt: null, completedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, 'pending')));
}

/** A page of the endpoint's deliveries, newest first. */
export async function listDeliveries(
  database: Database,
  scope: Scope,
  webhookId: string,
  page: { limit: number; after?: PagePosition | undefined },
): Promise<(DeliveryRow & { createdMicros: string })[]> {
  return database.db
    .select({ ...deliveryColumns, createdMicros: createdMicrosOf(webhookDeliveries) })
    .from(webhookDeliveries)
    .where(
      inWorkspace(
        scope,
        webhookDeliveries,
        eq(webhookDeliveries.webhookId, webhookId),
        page.after ? after(webhookDeliveries, page.after) : undefined,
      ),
    )
    .orderBy(...newestFirst(webhookDeliveries))
    .limit(page.limit);
}

export async function deliveryById(
  database: Database,
  scope: Scope,
  webhookId: string,
  id: string,
): Promise<DeliveryRow | undefined> {
  const [row] = await database.db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .where(
      inWorkspace(
        scope,
        webhookDeliveries,
        eq(webhookDeliveries.webhookId, webhookId),
        eq(webhookDeliveries.id, id),
      ),
    );
  return row;
}

/**
 * Pending deliveries whose attempt is overdue by `overdueSeconds` with no `webhook.deliver` job
 * waiting or running for them: the process that recorded them (or made their last attempt) stopped
 * before sending the job. Up to `limit`, most overdue first.
 */
export async function deliveriesWithoutJob(
  database: Database,
  overdueSeconds: number,
  limit: number,
): Promise<RecordedDelivery[]> {
  const { rows } = await database.query<{ id: string; workspace_id: string; webhook_id: string }>(
    `SELECT d.id, d.workspace_id, d.webhook_id FROM webhook_deliveries d
      WHERE d.status = 'pending' AND d.next_attempt_at < now() - make_interval(secs => $1)
        AND NOT ${pendingJobExists('webhook.deliver', 'deliveryId', 'd.id::text')}
      ORDER BY d.next_attempt_at LIMIT $2`,
    [overdueSeconds, limit],
  );
  return rows.map((r) => ({ deliveryId: r.id, workspaceId: r.workspace_id, webhookId: r.webhook_id }));
}

/**
 * Deletes finished deliveries older than `maxAgeDays` and those past the newest `keepPerWebhook` of
 * their endpoint; answers how many.
 */
export async function pruneDeliveries(
  database: Database,
  opts: { keepPerWebhook: number; maxAgeDays: number },
): Promise<number> {
  const { rows } = await database.query<{ n: number }>(
    `WITH ranked AS (
       SELECT id, created_at, row_number() OVER (PARTITION BY webhook_id ORDER BY created_at DESC, id DESC) AS n
         FROM webhook_deliveries WHERE status <> 'pending'),
     gone AS (
       DELETE FROM webhook_deliveries d USING ranked r
        WHERE d.id = r.id AND (r.n > $1 OR r.created_at < now() - make_interval(days => $2))
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [opts.keepPerWebhook, opts.maxAgeDays],
  );
  const deleted = rows[0]?.n ?? 0;
  if (deleted > 0) await reclaimDeletedSpace(database, 'webhooks');
  return deleted;
}
