// Every statement on the articles table. Every read of a tenant's article goes through
// `inWorkspace`: another workspace's article is simply not found. Steps are in step-store.ts,
// versions in version-store.ts.
import { randomUUID } from 'node:crypto';
import { and, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { workspaceDistinctValuesSql } from '../db/distinct-values.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { after, createdMicrosOf, newestFirst, type PagePosition } from '../db/keyset.ts';
import { type ArticleStatus, articles, type EditorialStatus } from '../db/schema/articles.ts';
import { userMatch } from '../db/text-search.ts';
import { AppError } from '../errors.ts';
import type { ArticleBrief } from '../writing/brief.ts';
import type { ArticleEventMessage } from './event-map.ts';
import { appendEventsAfter, eventParams } from './event-store.ts';
import { activeArticleStatuses } from './statuses.ts';
import { pendingStepsParams, queuedRunCtes } from './step-store.ts';
import { type ArticleRow, readStoredArticle } from './stored-article.ts';
import type { ArticleSummary } from './types.ts';

type Scope = { workspaceId: string };

// An article as read: every column but its search vector, which only the list search's WHERE reads —
// sent back with every read it was as long as the text (~7 kB at 1,500 words) for nothing.
const { tsv: _searchVector, ...articleColumns } = getTableColumns(articles);

export type { ArticleRow };

export async function insertArticle(
  database: Database,
  input: { workspaceId: string; userId: string; brief: ArticleBrief; idempotencyKey?: string },
): Promise<{ row: ArticleRow; created: boolean }> {
  const inserted = await database.db
    .insert(articles)
    .values({
      workspaceId: input.workspaceId,
      userId: input.userId,
      brief: input.brief,
      topic: input.brief.topic,
      title: input.brief.title ?? '',
      idempotencyKey: input.idempotencyKey ?? null,
    })
    .onConflictDoNothing({ target: [articles.workspaceId, articles.idempotencyKey] })
    .returning(articleColumns);
  // Written from this version's brief just now: nothing of another version's to read.
  if (inserted[0]) return { row: inserted[0], created: true };
  return { row: await idempotentArticle(database, input), created: false };
}

/** The workspace's article created with this Idempotency-Key, if any. */
export async function articleByIdempotencyKey(
  database: Database,
  input: { workspaceId: string; idempotencyKey: string },
): Promise<ArticleRow | undefined> {
  const [existing] = await database.db
    .select(articleColumns)
    .from(articles)
    .where(inWorkspace(input, articles, eq(articles.idempotencyKey, input.idempotencyKey)));
  return existing && readStoredArticle(existing);
}

/** The workspace's article created earlier with this Idempotency-Key (an insert just gave way to it). */
async function idempotentArticle(
  database: Database,
  input: { workspaceId: string; idempotencyKey?: string },
): Promise<ArticleRow> {
  const existing = await articleByIdempotencyKey(database, {
    workspaceId: input.workspaceId,
    idempotencyKey: input.idempotencyKey ?? '',
  });
  if (!existing) throw new AppError('conflict', 'Idempotency-Key was reused concurrently; retry');
  return existing;
}

/**
 * A new article queued for its run — the article, its first steps (pending) and its `queued` event
 * in one statement — or, when `idempotencyKey` was used before in the workspace, the existing one.
 */
export async function insertQueuedArticle(
  database: Database,
  input: { workspaceId: string; userId: string; brief: ArticleBrief; idempotencyKey?: string },
  steps: ReadonlyArray<{ name: string; position: number }>,
): Promise<{ row: Pick<ArticleRow, 'id' | 'status' | 'brief'>; created: boolean }> {
  const id = randomUUID();
  const { rows } = await database.query<{ status: ArticleStatus }>(
    `WITH article AS (
       INSERT INTO articles (id, workspace_id, user_id, brief, topic, title, idempotency_key)
       VALUES ($1, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (workspace_id, idempotency_key) DO NOTHING RETURNING status),
     ${queuedRunCtes('EXISTS (SELECT 1 FROM article)')}
     SELECT status FROM article`,
    [
      ...pendingStepsParams(id, steps),
      input.workspaceId,
      input.userId,
      JSON.stringify(input.brief),
      input.brief.topic,
      input.brief.title ?? '',
      input.idempotencyKey ?? null,
    ],
  );
  if (rows[0]) return { row: { id, status: rows[0].status, brief: input.brief }, created: true };
  return { row: await idempotentArticle(database, input), created: false };
}

/**
 * A new article holding the text and findings of `source` (not its run: no steps, events or
 * versions), under `title` and `markdown`, created by `userId`.
 */
export async function insertCopy(
  database: Database,
  source: ArticleRow,
  input: { userId: string; title: string; markdown: string; html: string },
): Promise<ArticleRow> {
  const [row] = await database.db
    .insert(articles)
    .values({
      workspaceId: source.workspaceId,
      userId: input.userId,
      brief: source.brief,
      status: source.status,
      error: source.error,
      topic: source.topic,
      title: input.title,
      slug: source.slug,
      markdown: input.markdown,
      html: input.html,
      grounded: source.grounded,
      wordCount: source.wordCount,
      outline: source.outline,
      sources: source.sources,
      citations: source.citations,
      factCheck: source.factCheck,
      seo: source.seo,
      // Filed as the source is; a copy is a new draft whatever the source's editorial status.
      tags: source.tags,
      startedAt: source.startedAt,
      finishedAt: source.finishedAt,
    })
    .returning(articleColumns);
  // Its JSON is the source's, read through readStoredArticle already.
  return row!;
}

export async function findArticle(database: Database, scope: Scope, id: string): Promise<ArticleRow> {
  const [row] = await database.db
    .select(articleColumns)
    .from(articles)
    .where(inWorkspace(scope, articles, eq(articles.id, id)));
  if (!row) throw new AppError('not_found', `Article ${id} not found`);
  return readStoredArticle(row);
}

/** The length of the article's Markdown in characters, without reading it (what a copy writes). */
export async function markdownLength(database: Database, scope: Scope, id: string): Promise<number> {
  const [row] = await database.db
    .select({ chars: sql<number>`char_length(${articles.markdown})`.mapWith(Number) })
    .from(articles)
    .where(inWorkspace(scope, articles, eq(articles.id, id)));
  if (!row) throw new AppError('not_found', `Article ${id} not found`);
  return row.chars;
}

/** The worker's read: the article whatever its workspace (the job names it by id). */
export async function articleById(database: Database, id: string): Promise<ArticleRow | undefined> {
  const [row] = await database.db.select(articleColumns).from(articles).where(eq(articles.id, id));
  return row && readStoredArticle(row);
}

/** Columns a write may set on an article. */
export type ArticleFields = Partial<Omit<typeof articles.$inferInsert, 'id' | 'workspaceId' | 'tsv'>>;

export async function updateArticle(database: Database, id: string, fields: ArticleFields) {
  await database.db
    .update(articles)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(articles.id, id));
}

/**
 * A run's write to its article, made only while `leaseOwner` holds it running: a run cancelled,
 * deleted or taken over in another process hears of it at its next heartbeat (up to 2 s later), and
 * what it writes meanwhile must not replace what came after — an editor's save of the cancelled
 * article, the other run's text. False when nothing was written. Without `leaseOwner` (a run outside
 * the job queue's leases) the write is unconditional.
 */
export async function updateRunArticle(
  database: Database,
  id: string,
  leaseOwner: string | undefined,
  fields: ArticleFields,
): Promise<boolean> {
  const held =
    leaseOwner === undefined
      ? eq(articles.id, id)
      : and(eq(articles.id, id), eq(articles.status, 'running'), eq(articles.leaseOwner, leaseOwner));
  const written = await database.db
    .update(articles)
    .set({ ...fields, updatedAt: new Date() })
    .where(held)
    .returning({ id: articles.id });
  return written.length > 0 || leaseOwner === undefined;
}

/** What a writer marks an article with, apart from its text. */
export interface ArticleMarks {
  favorite?: boolean;
  /** Folded and held to the rule by the caller (src/input/tags.ts). */
  tags?: string[];
  /** With the date it is planned for when `scheduled`, and null otherwise (the table checks it). */
  editorial?: { status: EditorialStatus; scheduledFor: Date | null };
}

/**
 * Marks are not changes to the article's text: `updatedAt` stays, so an editor's save on an older
 * read is not refused for them, and exports keep their date.
 */
export async function markArticle(database: Database, id: string, marks: ArticleMarks) {
  const { favorite, tags, editorial } = marks;
  await database.db
    .update(articles)
    .set({
      ...(favorite !== undefined ? { favorite } : {}),
      ...(tags !== undefined ? { tags } : {}),
      ...(editorial ? { editorialStatus: editorial.status, scheduledFor: editorial.scheduledFor } : {}),
    })
    .where(eq(articles.id, id));
}

const proposalWaiting = sql`${articles.regeneration}->>'state' = 'proposed'`;

/**
 * Drops the regenerated proposal waiting for the writer; false when there is none any more (it was
 * accepted or discarded meanwhile). The text is untouched, so `updatedAt` stays, as for a favorite.
 */
export async function dropProposal(database: Database, id: string): Promise<boolean> {
  const dropped = await database.db
    .update(articles)
    .set({ regeneration: null })
    .where(and(eq(articles.id, id), proposalWaiting))
    .returning({ id: articles.id });
  return dropped.length > 0;
}

/**
 * Updates the article only while it is as it was read — its `updatedAt` to the millisecond, as the
 * API shows it — and false when another write came first. The new `updatedAt` is always later than
 * the one read, so two writes in one millisecond still tell apart.
 */
export async function updateArticleIfUnchanged(
  database: Database,
  id: string,
  readAt: Date,
  fields: Partial<Omit<typeof articles.$inferInsert, 'id' | 'workspaceId' | 'tsv' | 'updatedAt'>>,
  opts: { whileProposed?: boolean } = {},
): Promise<boolean> {
  const read = readAt.toISOString();
  const updated = await database.db
    .update(articles)
    .set({
      ...fields,
      updatedAt: sql`greatest(clock_timestamp(), ${read}::timestamptz + interval '1 millisecond')`,
    })
    .where(
      and(
        eq(articles.id, id),
        sql`date_trunc('milliseconds', ${articles.updatedAt}) = ${read}::timestamptz`,
        // Accepting a proposal: not one discarded meanwhile (a discard leaves `updatedAt`).
        opts.whileProposed ? proposalWaiting : undefined,
      ),
    )
    .returning({ id: articles.id });
  return updated.length > 0;
}

export interface ListArticlesInput {
  status?: ArticleStatus;
  q?: string;
  favorite?: boolean;
  /** Articles carrying every one of these tags (folded by the caller). */
  tags?: string[];
  editorialStatus?: EditorialStatus;
  limit: number;
  after?: PagePosition | undefined;
}

/**
 * The text-search configurations of the workspace's articles (their briefs' languages): a list
 * search matches the query in these only (all 23 OR-ed made a search of common words 37–62 ms at
 * 4,000 articles, 1–2 ms now: bench/RESULTS.md "Article list search"), read from
 * articles_workspace_config_idx one probe each.
 */
export async function articleTextConfigs(database: Database, workspaceId: string): Promise<string[]> {
  const { rows } = await database.query<{ value: string }>(
    workspaceDistinctValuesSql({ table: 'articles', column: 'search_config' }),
    [workspaceId],
  );
  // search_config is generated from the brief: never null.
  return rows.map((r) => r.value).sort();
}

export async function listArticles(
  database: Database,
  scope: Scope,
  input: ListArticlesInput,
): Promise<(ArticleSummary & { createdMicros: string })[]> {
  const configs = input.q ? await articleTextConfigs(database, scope.workspaceId) : [];
  const conditions: (SQL | undefined)[] = [
    input.status ? eq(articles.status, input.status) : undefined,
    input.favorite === undefined ? undefined : eq(articles.favorite, input.favorite),
    input.editorialStatus ? eq(articles.editorialStatus, input.editorialStatus) : undefined,
    // `@>` is what articles_tags_idx (GIN) serves.
    input.tags?.length ? sql`${articles.tags} @> ${sql.param(input.tags)}::text[]` : undefined,
    input.after ? after(articles, input.after) : undefined,
    input.q ? userMatch(articles.tsv, articles.searchConfig, input.q, configs) : undefined,
  ];
  const cost = sql<string>`(SELECT coalesce(sum(cost_usd), 0) FROM article_steps s WHERE s.article_id = ${articles.id})`;
  // A call of a model without a price is not in `cost`: said, as the article's own view says it.
  // Scalar subqueries (not a lateral join) so that they run for the page's rows only, after the limit.
  const costKnown = sql<boolean>`NOT EXISTS (SELECT 1 FROM article_steps s WHERE s.article_id = ${articles.id} AND cardinality(s.unpriced_models) > 0)`;
  // A search's best plan depends on its words, a tag filter's on its tags (common: walk the newest
  // articles; rare: the index), so neither may settle on one generic plan.
  const rows = await (input.q || input.tags?.length ? database.dbPlannedPerCall : database.db)
    .select({
      id: articles.id,
      topic: articles.topic,
      title: articles.title,
      status: articles.status,
      slug: articles.slug,
      wordCount: articles.wordCount,
      favorite: articles.favorite,
      tags: articles.tags,
      editorialStatus: articles.editorialStatus,
      scheduledFor: articles.scheduledFor,
      grounded: articles.grounded,
      error: articles.error,
      createdAt: articles.createdAt,
      updatedAt: articles.updatedAt,
      createdMicros: createdMicrosOf(articles),
      cost,
      costKnown,
    })
    .from(articles)
    .where(inWorkspace(scope, articles, ...conditions))
    .orderBy(...newestFirst(articles))
    .limit(input.limit);
  return rows.map(({ cost, ...r }) => ({ ...r, costUsd: Number(cost) }));
}

/**
 * The tags of the workspace's articles, most used first, with how many articles carry each: those the
 * `tag` filter can find (one stored with a comma before tags were refused one is split by it).
 */
export async function articleTagCounts(
  database: Database,
  scope: Scope,
  limit: number,
): Promise<{ tag: string; count: number }[]> {
  const { rows } = await database.query<{ tag: string; count: string }>(
    `SELECT t.tag, count(*) AS count
       FROM articles a, unnest(a.tags) AS t(tag)
      WHERE a.workspace_id = $1 AND strpos(t.tag, ',') = 0
      GROUP BY t.tag
      ORDER BY count(*) DESC, t.tag
      LIMIT $2`,
    [scope.workspaceId, limit],
  );
  return rows.map((r) => ({ tag: r.tag, count: Number(r.count) }));
}

export async function deleteArticle(database: Database, scope: Scope, id: string) {
  const deleted = await database.db
    .delete(articles)
    .where(inWorkspace(scope, articles, eq(articles.id, id)))
    .returning({ id: articles.id });
  if (deleted.length === 0) throw new AppError('not_found', `Article ${id} not found`);
  // Its steps, events and versions went with it (ON DELETE CASCADE).
  await reclaimDeletedSpace(database, 'articles');
}

const cancelledEvents: ArticleEventMessage[] = [
  { type: 'status', data: { status: 'cancelled' } },
  { type: 'done', data: { status: 'cancelled' } },
];

/**
 * Cancels the article when it is queued or running, releasing its run's lease, with the `status`
 * and `done` events that tell it in the same statement (a process dying between the two left a
 * cancelled article whose followers never got `done`); false when it is not (finished, or another
 * workspace's), and nothing is written.
 */
export async function cancelActiveArticle(database: Database, scope: Scope, id: string): Promise<boolean> {
  const { rows } = await database.query(
    `WITH cancelled AS (
       UPDATE articles SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL,
         regenerate_section = NULL, finished_at = now(), updated_at = now()
       WHERE id = $1 AND workspace_id = $2 AND status = ANY($3::text[]) RETURNING 1),
     told AS (${appendEventsAfter('cancelled', 4)})
     SELECT 1 FROM cancelled`,
    [id, scope.workspaceId, [...activeArticleStatuses], ...eventParams(cancelledEvents)],
  );
  return rows.length > 0;
}
