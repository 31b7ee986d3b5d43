// The SQL of article runs' leases: a worker claims a run, renews its lease while it works, and
// releases it with the outcome; runs whose lease expired (their worker died) are taken back.
import type { Database } from '../db/client.ts';
import { pendingJobExists } from '../jobs/pending-job.ts';
import {
  deliveryDataParam,
  deliveryEventParams,
  type RecordedDelivery,
  recordDeliveriesAfter,
} from '../webhooks/delivery-store.ts';
import type { WebhookEvent } from '../webhooks/webhook-events.ts';
import type { ArticleBrief } from '../writing/brief.ts';
import type { ArticleEventMessage } from './event-map.ts';
import { appendEventsAfter, eventParams } from './event-store.ts';
import type { RegenerationRequest } from './regeneration.ts';
import type { ArticleStatus } from './statuses.ts';
import { readableBrief, readableRegeneration } from './stored-article.ts';

/**
 * The regeneration a claimed run is: the requested one on the row, or — for a run queued before
 * requests were stored whole — the bare section index, rewritten at once without an instruction.
 * Undefined when the stored request is in a shape this version cannot read (stored-article.ts).
 */
function regenerationOf(row: ClaimRow): RegenerationRequest | null | undefined {
  if (row.regenerate_section === null) return null;
  const stored = readableRegeneration(row.regeneration);
  if (stored === undefined) return undefined;
  if (stored?.state === 'requested')
    return { target: stored.target, instruction: stored.instruction, review: stored.review };
  return { target: row.regenerate_section, instruction: null, review: false };
}

/**
 * What a claimed run resumes with: its brief, its regeneration target, what its steps already spent
 * and which of them a previous run completed.
 */
export interface ClaimedRun {
  workspaceId: string;
  userId: string | null;
  /** Undefined when another version stored it in a shape this one cannot read: the run fails with why. */
  brief: ArticleBrief | undefined;
  /**
   * Set when the run is a regeneration: which part, and how (src/articles/regeneration.ts);
   * undefined when the request was stored in a shape this version cannot read.
   */
  regeneration: RegenerationRequest | null | undefined;
  startedAt: Date;
  /** `unpricedModels`: models of the run's calls so far that had no price (not in `costUsd`). */
  spent: { inputTokens: number; outputTokens: number; costUsd: number; unpricedModels: string[] };
  completedSteps: ReadonlySet<string>;
}

interface ClaimRow {
  workspace_id: string;
  user_id: string | null;
  brief: unknown;
  regenerate_section: number | null;
  regeneration: unknown;
  started_at: Date;
  input_tokens: string | number;
  output_tokens: string | number;
  cost_usd: string | number;
  unpriced_models: string[];
  completed_steps: string[];
}

/**
 * Takes the run for `owner` unless it is finished, cancelled, deleted, or held by another live
 * worker (its lease not expired); undefined then. The `running` status event is written by the same
 * statement, so it can never land after a cancel's `done`: a cancel committed first leaves nothing
 * to claim, one committed later appends its events after this one.
 */
export async function claimRun(
  database: Database,
  articleId: string,
  owner: string,
  leaseSeconds: number,
): Promise<ClaimedRun | undefined> {
  const { rows } = await database.query<ClaimRow>(
    `WITH spent AS (
       SELECT coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
         coalesce(sum(cost_usd), 0) AS cost_usd,
         ARRAY(SELECT DISTINCT m FROM article_steps, unnest(unpriced_models) AS u(m)
           WHERE article_id = $1 ORDER BY m) AS unpriced_models,
         coalesce(array_agg(name) FILTER (WHERE status = 'completed'), '{}') AS completed_steps
       FROM article_steps WHERE article_id = $1),
     claimed AS (
       UPDATE articles SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
         status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
       FROM spent
       WHERE id = $1 AND status IN ('queued', 'running')
         AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())
       RETURNING workspace_id, user_id, brief, regenerate_section, regeneration, started_at,
         spent.input_tokens, spent.output_tokens, spent.cost_usd, spent.unpriced_models,
         spent.completed_steps),
     announced AS (
       INSERT INTO article_events (article_id, type, data)
       SELECT $1, 'status', '{"status":"running"}'::jsonb FROM claimed RETURNING 1)
     SELECT * FROM claimed`,
    [articleId, owner, leaseSeconds],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    workspaceId: row.workspace_id,
    userId: row.user_id,
    brief: readableBrief(row.brief),
    regeneration: regenerationOf(row),
    startedAt: row.started_at,
    spent: {
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: Number(row.cost_usd),
      unpricedModels: row.unpriced_models,
    },
    completedSteps: new Set(row.completed_steps),
  };
}

/** Extends `owner`'s lease; answers the run's status, or undefined when `owner` no longer holds it. */
export async function renewLease(
  database: Database,
  articleId: string,
  owner: string,
  leaseSeconds: number,
): Promise<ArticleStatus | undefined> {
  const { rows } = await database.query<{ status: ArticleStatus }>(
    `UPDATE articles SET lease_expires_at = now() + make_interval(secs => $3)
     WHERE id = $1 AND lease_owner = $2 RETURNING status`,
    [articleId, owner, leaseSeconds],
  );
  return rows[0]?.status;
}

/**
 * Records the outcome of a run `owner` still holds, and frees it, with the events that tell it (in
 * the order given; its `done` last) and the webhook deliveries of `notice.event` (none when null) in
 * the same statement: a crash between them would leave a finished article whose followers never get
 * their `done`, or whose webhooks never hear of it. False (nothing written) when another run took it
 * over; else the deliveries recorded, whose jobs the caller sends. A regeneration request that did
 * not become a proposal (it failed) is dropped with it.
 */
export async function releaseRun(
  database: Database,
  articleId: string,
  owner: string,
  outcome: Extract<ArticleStatus, 'completed' | 'failed'>,
  error: string | undefined,
  told: readonly ArticleEventMessage[],
  notice: { event: WebhookEvent | null; data: Record<string, unknown> },
): Promise<RecordedDelivery[] | false> {
  const { rows } = await database.query<{ deliveries: RecordedDelivery[] | string }>(
    `WITH released AS (
       UPDATE articles SET status = $2, error = $3, lease_owner = NULL, lease_expires_at = NULL,
         regenerate_section = NULL, finished_at = now(), updated_at = now(),
         regeneration = CASE WHEN regeneration->>'state' = 'requested' THEN NULL ELSE regeneration END
       WHERE id = $1 AND lease_owner = $4 AND status = 'running' RETURNING workspace_id, title, word_count),
     told AS (${appendEventsAfter('released', 5)}),
     hooks AS (${recordDeliveriesAfter('released', 7, "$9::jsonb || jsonb_build_object('title', released.title, 'wordCount', released.word_count)")})
     SELECT (SELECT coalesce(json_agg(json_build_object('deliveryId', id, 'workspaceId', workspace_id, 'webhookId', webhook_id)), '[]'::json)
               FROM hooks) AS deliveries
       FROM released`,
    [
      articleId,
      outcome,
      error ?? null,
      owner,
      ...eventParams(told),
      ...deliveryEventParams(notice.event),
      deliveryDataParam(notice.data),
    ],
  );
  const row = rows[0];
  if (!row) return false;
  return typeof row.deliveries === 'string' ? JSON.parse(row.deliveries) : row.deliveries;
}

/** Expires `owner`'s lease at once, so the next recovery hands the run to another worker. */
export async function handOverRun(database: Database, articleId: string, owner: string): Promise<void> {
  await database.query(
    "UPDATE articles SET lease_expires_at = now() - interval '1 second' WHERE id = $1 AND lease_owner = $2",
    [articleId, owner],
  );
}

/**
 * Frees the running articles whose lease expired and answers their ids. Each gets a fresh grace
 * period (`graceSeconds`) so concurrent recoveries do not enqueue it twice.
 */
export async function recoverExpiredLeases(
  database: Database,
  graceSeconds: number,
): Promise<Array<{ id: string; workspaceId: string }>> {
  const { rows } = await database.query<{ id: string; workspace_id: string }>(
    `UPDATE articles SET lease_owner = NULL, lease_expires_at = now() + make_interval(secs => $1)
     WHERE status = 'running' AND lease_expires_at < now() RETURNING id, workspace_id`,
    [graceSeconds],
  );
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id }));
}

/**
 * Queued articles no job will run: queued over `queuedForSeconds` ago with no `article.generate`
 * job waiting or running for them — the process that queued one stopped between storing it and
 * sending its job, or its job failed for good before a run claimed it. Up to `limit`, oldest first.
 */
export async function queuedWithoutJob(
  database: Database,
  queuedForSeconds: number,
  limit: number,
): Promise<Array<{ id: string; workspaceId: string }>> {
  const { rows } = await database.query<{ id: string; workspace_id: string }>(
    `SELECT a.id, a.workspace_id FROM articles a
      WHERE a.status = 'queued' AND a.updated_at < now() - make_interval(secs => $1)
        AND NOT ${pendingJobExists('article.generate', 'articleId', 'a.id::text')}
      ORDER BY a.updated_at LIMIT $2`,
    [queuedForSeconds, limit],
  );
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id }));
}
