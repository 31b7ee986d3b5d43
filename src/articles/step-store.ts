// Every statement on an article's steps (article_steps). Statements that also append an event do so
// in the same statement, so a crash cannot keep a step's result without its event or the reverse.
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { articleSteps } from '../db/schema/articles.ts';
import type { OutputRung } from '../llm/types.ts';
import type { ArticleEventMessage } from './event-map.ts';
import { eventParams } from './event-store.ts';
import { isFinished, type StepStatus } from './statuses.ts';

/** The names of a regeneration's steps (`section:2#r1`, `section:2#r1:citations`), as a POSIX pattern. */
const regenerationPattern = '#r[0-9]+';

export interface StepRef {
  articleId: string;
  name: string;
}

// $1 the article, $2 and $3 the steps' names and positions (pendingStepsParams); written only when
// the SQL condition `onlyIf` holds.
const insertPendingSteps = (onlyIf = 'true') => `INSERT INTO article_steps (article_id, name, position)
  SELECT $1, name, position FROM unnest($2::text[], $3::int[]) AS s(name, position) WHERE ${onlyIf}
  ON CONFLICT DO NOTHING`;

export const pendingStepsParams = (
  articleId: string,
  steps: ReadonlyArray<{ name: string; position: number }>,
) => [articleId, steps.map((s) => s.name), steps.map((s) => s.position)];

/**
 * Adds the steps of the article's run from the first of `steps`' positions on, as pending; steps
 * already there are left as they are. A pending step of the run from there on that is not among
 * them is skipped: an earlier outline planned it, and a resumed run that outlined again has none.
 */
export async function declareStepsFrom(
  database: Database,
  articleId: string,
  steps: ReadonlyArray<{ name: string; position: number }>,
) {
  await database.query(
    `WITH declared AS (${insertPendingSteps()})
     UPDATE article_steps SET status = 'skipped'
     WHERE article_id = $1 AND status = 'pending' AND name !~ '${regenerationPattern}'
       AND position >= (SELECT min(p) FROM unnest($3::int[]) AS p) AND name <> ALL($2::text[])`,
    pendingStepsParams(articleId, steps),
  );
}

/**
 * The CTEs (to follow a WITH) that declare a new run's steps as pending and append its `queued`
 * status event, when `onlyIf` holds: the article's insert writes them in its own statement, so the
 * event the client's stream shows first is there as soon as the article is. Parameters $1–$3 as
 * pendingStepsParams.
 */
export const queuedRunCtes = (onlyIf: string) => `declared AS (${insertPendingSteps(onlyIf)}),
  queued AS (INSERT INTO article_events (article_id, type, data)
    SELECT $1, 'status', '{"status":"queued"}'::jsonb WHERE ${onlyIf})`;

/** Adds one pending step; fails if the article already has a step of that name. */
export async function insertStep(database: Database, articleId: string, name: string, position: number) {
  await database.db.insert(articleSteps).values({ articleId, name, position });
}

export interface StartedStep {
  /** The step's status before this call (null when it did not exist). */
  status: StepStatus | null;
  output: unknown;
  /**
   * False when `leaseOwner` no longer holds the running article (cancelled, deleted or taken over,
   * perhaps by another process): then nothing was written.
   */
  held: boolean;
}

export interface StepToStart {
  name: string;
  position: number;
  input: unknown;
  startedAt: Date;
}

/**
 * Reads what is stored for the step, or marks it running (one attempt more) with a `step.started`
 * event — one statement. A finished step is left untouched and its stored output returned. With
 * `leaseOwner`, only while that run still holds the running article: the article row is share-locked
 * for the statement, so a cancel either commits first (and nothing is written) or waits for this
 * statement (and its events follow the `step.started`).
 */
export async function startStep(
  database: Database,
  step: StepRef & StepToStart & { leaseOwner?: string | undefined },
): Promise<StartedStep | undefined> {
  const [started] = await startSteps(database, step.articleId, step.leaseOwner, [step]);
  return started;
}

/**
 * startStep for several steps of one article in one statement (steps started side by side: the
 * sections, the frame, the final checks), their `step.started` events in the order given. The names
 * must differ. One result per step, in that order.
 */
export async function startSteps(
  database: Database,
  articleId: string,
  leaseOwner: string | undefined,
  steps: readonly StepToStart[],
): Promise<StartedStep[]> {
  const { rows } = await database.query<StartedStep & { name: string }>(
    `WITH held AS (
       SELECT $6::text IS NULL OR EXISTS (SELECT 1 FROM articles
         WHERE id = $1 AND status = 'running' AND lease_owner = $6 FOR SHARE) AS held),
     given AS (
       SELECT * FROM unnest($2::text[], $3::int[], $4::jsonb[], $5::timestamptz[])
         WITH ORDINALITY AS g(name, position, input, started_at, n)),
     prev AS (
       SELECT s.name, s.status, s.output FROM article_steps s
       WHERE s.article_id = $1 AND s.name IN (SELECT name FROM given)),
     started AS (
       INSERT INTO article_steps (article_id, name, position, status, input, started_at, attempts)
       SELECT $1, g.name, g.position, 'running', g.input, g.started_at, 1
       FROM given g, held WHERE held.held ORDER BY g.n
       ON CONFLICT (article_id, name) DO UPDATE SET status = 'running', input = EXCLUDED.input,
         started_at = coalesce(article_steps.started_at, EXCLUDED.started_at), error = NULL, finished_at = NULL,
         attempts = article_steps.attempts + 1
       WHERE article_steps.status NOT IN ('completed', 'skipped')
       RETURNING name),
     announced AS (
       INSERT INTO article_events (article_id, type, data)
       SELECT $1, 'step.started', jsonb_build_object('step', g.name)
       FROM given g WHERE g.name IN (SELECT name FROM started) ORDER BY g.n RETURNING 1)
     SELECT g.name, p.status, p.output, (SELECT held FROM held) AS held,
       (SELECT count(*) FROM announced) AS announced
     FROM given g LEFT JOIN prev p ON p.name = g.name ORDER BY g.n`,
    [
      articleId,
      steps.map((s) => s.name),
      steps.map((s) => s.position),
      steps.map((s) => (s.input === undefined ? null : JSON.stringify(s.input))),
      steps.map((s) => s.startedAt.toISOString()),
      leaseOwner ?? null,
    ],
  );
  return rows.map(({ status, output, held }) => ({ status, output, held }));
}

/** Counts one more attempt of a running step (its retry). */
export async function countAttempt(database: Database, step: StepRef) {
  await database.query(
    'UPDATE article_steps SET attempts = attempts + 1 WHERE article_id = $1 AND name = $2',
    [step.articleId, step.name],
  );
}

// $1 the article, $2 the step, $3 its output, $4 when it finished, $5 its duration, $6 the lease owner.
const completing = `WITH done AS (
  UPDATE article_steps SET status = 'completed', output = $3, finished_at = $4
  WHERE article_id = $1 AND name = $2 AND status <> 'completed'
    AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM articles WHERE id = $1 AND lease_owner = $6))
  RETURNING cost_usd)`;
const finishedEvent = `jsonb_build_object('step', $2::text, 'status', 'completed',
  'costUsd', done.cost_usd::float8, 'durationMs', $5::int)`;
const finishedAlone = `INSERT INTO article_events (article_id, type, data)
  SELECT $1, 'step.finished', ${finishedEvent} FROM done RETURNING 1`;
// $7 and $8 the announced events' types and data, stored before the step.finished, in that order.
const finishedAfterAnnounced = `INSERT INTO article_events (article_id, type, data)
  SELECT $1, e.type, e.data FROM done CROSS JOIN LATERAL (
    SELECT a.type, a.data, a.n FROM unnest($7::text[], $8::jsonb[]) WITH ORDINALITY AS a(type, data, n)
    UNION ALL
    SELECT 'step.finished', ${finishedEvent}, cardinality($7::text[]) + 1
  ) e ORDER BY e.n RETURNING 1`;

/**
 * Stores the step's output as completed, with the events its work announced and then its
 * `step.finished` event (cost and duration), written together so a crash cannot keep one without
 * the other. False (nothing written) when the step is already completed or `leaseOwner` no longer
 * holds the article: another run superseded this one.
 */
export async function completeStep(
  database: Database,
  step: StepRef & {
    output: unknown;
    finishedAt: Date;
    durationMs: number;
    leaseOwner?: string | undefined;
    announced?: readonly ArticleEventMessage[];
  },
): Promise<boolean> {
  const announced = step.announced ?? [];
  const params = [
    step.articleId,
    step.name,
    JSON.stringify(step.output ?? null),
    step.finishedAt,
    step.durationMs,
    step.leaseOwner ?? null,
  ];
  // Most steps announce nothing: their statement skips the announced events' expansion (~0.1 ms).
  const { rows } = announced.length
    ? await database.query(`${completing} ${finishedAfterAnnounced}`, [...params, ...eventParams(announced)])
    : await database.query(`${completing} ${finishedAlone}`, params);
  return rows.length > 0;
}

/**
 * Ends a step's attempt without an output: `failed` with the reason, or back to `pending` when the
 * run was stopped (it is started again by the next run).
 */
export async function stopStep(
  database: Database,
  step: StepRef & { status: Extract<StepStatus, 'failed' | 'pending'>; error: string | null },
) {
  await database.query(
    'UPDATE article_steps SET status = $3, error = $4, finished_at = now() WHERE article_id = $1 AND name = $2',
    [step.articleId, step.name, step.status, step.error],
  );
}

/**
 * Records a step as skipped with `output`, with its `step.finished` event in the same statement;
 * false (nothing written) when it had already finished.
 */
export async function markSkipped(
  database: Database,
  step: StepRef & { position: number; output: unknown },
): Promise<boolean> {
  const { rows } = await database.query(
    `WITH skipped AS (
       INSERT INTO article_steps (article_id, name, position, status, output, started_at, finished_at)
       VALUES ($1, $2, $3, 'skipped', $4, now(), now())
       ON CONFLICT (article_id, name) DO UPDATE SET status = 'skipped', output = EXCLUDED.output,
         finished_at = now() WHERE article_steps.status NOT IN ('completed', 'skipped')
       RETURNING 1)
     INSERT INTO article_events (article_id, type, data)
     SELECT $1, 'step.finished', jsonb_build_object('step', $2::text, 'status', 'skipped') FROM skipped
     RETURNING 1`,
    [step.articleId, step.name, step.position, JSON.stringify(step.output)],
  );
  return rows.length > 0;
}

export interface Spend {
  inputTokens: number;
  outputTokens: number;
  /** What the priced calls cost: `unpricedModels`' calls are not in it. */
  costUsd: number;
  estimated: boolean;
  rung: OutputRung | null;
  unpricedModels?: readonly string[];
}

/**
 * Adds one model call's spend to the step, with the article's running-cost event (`running`). The
 * spend always counts (the call was made); the event is written only while `leaseOwner` still holds
 * the article: a superseded run's late call must not add an event after the other run's `done`,
 * where a live stream, already closed, would never see it.
 */
export async function meterSpend(
  database: Database,
  step: StepRef & { leaseOwner?: string | undefined },
  spend: Spend,
  running: unknown,
) {
  await database.query(
    `WITH spent AS (
       UPDATE article_steps SET input_tokens = input_tokens + $3, output_tokens = output_tokens + $4,
         cost_usd = cost_usd + $5, usage_estimated = usage_estimated OR $7,
         output_rungs = CASE WHEN $8::text IS NULL OR $8::text = ANY(output_rungs) THEN output_rungs
           ELSE array_append(output_rungs, $8::text) END,
         unpriced_models = CASE WHEN $10::text[] <@ unpriced_models THEN unpriced_models
           ELSE ARRAY(SELECT DISTINCT m FROM unnest(unpriced_models || $10::text[]) AS u(m) ORDER BY m) END
       WHERE article_id = $1 AND name = $2 RETURNING 1)
     INSERT INTO article_events (article_id, type, data) SELECT $1, 'cost', $6 FROM spent
       WHERE $9::text IS NULL OR EXISTS (SELECT 1 FROM articles WHERE id = $1 AND lease_owner = $9)`,
    [
      step.articleId,
      step.name,
      spend.inputTokens,
      spend.outputTokens,
      spend.costUsd,
      JSON.stringify(running),
      spend.estimated,
      spend.rung,
      step.leaseOwner ?? null,
      spend.unpricedModels ?? [],
    ],
  );
}

export interface StoredStep {
  name: string;
  position: number;
  status: StepStatus;
  output: unknown;
}

/** Every step of the article with its status and stored output. */
export async function storedSteps(database: Database, articleId: string): Promise<StoredStep[]> {
  return database.db
    .select({
      name: articleSteps.name,
      position: articleSteps.position,
      status: articleSteps.status,
      output: articleSteps.output,
    })
    .from(articleSteps)
    .where(eq(articleSteps.articleId, articleId));
}

/**
 * Sets the named steps back to pending, their outputs and errors cleared (their spend stays on
 * record), while `leaseOwner` holds the article. The names set back.
 */
export async function reopenSteps(
  database: Database,
  articleId: string,
  names: readonly string[],
  leaseOwner: string | undefined,
): Promise<string[]> {
  const { rows } = await database.query<{ name: string }>(
    `UPDATE article_steps SET status = 'pending', output = NULL, error = NULL, started_at = NULL,
       finished_at = NULL
     WHERE article_id = $1 AND name = ANY($2::text[])
       AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM articles WHERE id = $1 AND lease_owner = $3))
     RETURNING name`,
    [articleId, names, leaseOwner ?? null],
  );
  return rows.map((r) => r.name);
}

/** The stored outputs of the article's finished (completed or skipped) steps, by step name. */
export async function finishedOutputs(database: Database, articleId: string): Promise<Map<string, unknown>> {
  const stored = await storedSteps(database, articleId);
  return new Map(stored.filter((s) => isFinished(s.status)).map((s) => [s.name, s.output]));
}

/** How many steps of the article have a name matching the regular expression `pattern`. */
export async function countStepsNamed(database: Database, articleId: string, pattern: string) {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(articleSteps)
    .where(and(eq(articleSteps.articleId, articleId), sql`${articleSteps.name} ~ ${pattern}`));
  return row?.n ?? 0;
}

/**
 * Whether the article's own run had completed (every step but a regeneration's `#rN` done or
 * skipped), so that a failed regeneration leaves it completed rather than degrading it to failed.
 */
export async function originalRunCompleted(database: Database, articleId: string): Promise<boolean> {
  const { rows } = await database.query<{ unfinished: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM article_steps WHERE article_id = $1 AND name !~ '${regenerationPattern}'
       AND status NOT IN ('completed', 'skipped')) AS unfinished`,
    [articleId],
  );
  return rows[0]?.unfinished === false;
}
