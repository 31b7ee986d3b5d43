// Reading and writing articles, their steps and versions. Every read of a tenant's article goes
// through `inWorkspace`: another workspace's article is simply not found.
import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { type ArticleStatus, articleSteps, articles, articleVersions } from '../db/schema/articles.ts';
import { userMatch } from '../db/text-search.ts';
import { AppError } from '../errors.ts';
import type { OutputRung } from '../llm/types.ts';
import type { ArticleBrief } from '../writing/brief.ts';
import type { Outline } from '../writing/outline.ts';
import type { ArticleSource, ArticleSummary, ArticleView, StepView } from './types.ts';

type Scope = { workspaceId: string };
type ArticleRow = typeof articles.$inferSelect;

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
    .returning();
  if (inserted[0]) return { row: inserted[0], created: true };
  const [existing] = await database.db
    .select()
    .from(articles)
    .where(inWorkspace(input, articles, eq(articles.idempotencyKey, input.idempotencyKey ?? '')));
  if (!existing) throw new AppError('conflict', 'Idempotency-Key was reused concurrently; retry');
  return { row: existing, created: false };
}

export async function findArticle(database: Database, scope: Scope, id: string): Promise<ArticleRow> {
  const [row] = await database.db
    .select()
    .from(articles)
    .where(inWorkspace(scope, articles, eq(articles.id, id)));
  if (!row) throw new AppError('not_found', `Article ${id} not found`);
  return row;
}

/** The worker's read: the article whatever its workspace (the job names it by id). */
export async function articleById(database: Database, id: string): Promise<ArticleRow | undefined> {
  const [row] = await database.db.select().from(articles).where(eq(articles.id, id));
  return row;
}

export async function updateArticle(
  database: Database,
  id: string,
  fields: Partial<Omit<typeof articles.$inferInsert, 'id' | 'workspaceId' | 'tsv'>>,
) {
  await database.db
    .update(articles)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(articles.id, id));
}

export async function loadSteps(database: Database, articleId: string): Promise<StepView[]> {
  const rows = await database.db
    .select()
    .from(articleSteps)
    .where(eq(articleSteps.articleId, articleId))
    .orderBy(articleSteps.position, articleSteps.name);
  return rows.map((r) => ({
    name: r.name,
    status: r.status,
    attempts: r.attempts,
    error: r.error,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: Number(r.costUsd),
    usageEstimated: r.usageEstimated,
    outputRungs: r.outputRungs as OutputRung[],
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  }));
}

function sectionsOf(outline: Outline | null) {
  return (outline?.sections ?? []).map((s, index) => ({ index, heading: s.heading }));
}

export function publicSources(sources: readonly ArticleSource[]) {
  return sources.map(({ text: _text, ...rest }) => rest);
}

export async function articleView(database: Database, row: ArticleRow): Promise<ArticleView> {
  const steps = await loadSteps(database, row.id);
  const usage = steps.reduce(
    (sum, s) => ({
      inputTokens: sum.inputTokens + s.inputTokens,
      outputTokens: sum.outputTokens + s.outputTokens,
      costUsd: sum.costUsd + s.costUsd,
      estimated: sum.estimated || s.usageEstimated,
    }),
    { inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false },
  );
  const outline = row.outline ?? null;
  return {
    id: row.id,
    brief: row.brief,
    status: row.status,
    error: row.error,
    topic: row.topic,
    title: row.title,
    slug: row.slug,
    markdown: row.markdown,
    html: row.html,
    grounded: row.grounded,
    favorite: row.favorite,
    wordCount: row.wordCount,
    outline,
    sections: sectionsOf(outline),
    sources: publicSources(row.sources),
    citations: row.citations,
    factCheck: row.factCheck ?? null,
    seo: row.seo ?? null,
    usage: { ...usage, costUsd: Math.round(usage.costUsd * 1e8) / 1e8 },
    steps,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export interface ListArticlesInput {
  status?: ArticleStatus;
  q?: string;
  favorite?: boolean;
  limit: number;
  before?: Date;
}

export async function listArticles(
  database: Database,
  scope: Scope,
  input: ListArticlesInput,
): Promise<ArticleSummary[]> {
  const conditions: (SQL | undefined)[] = [
    input.status ? eq(articles.status, input.status) : undefined,
    input.favorite === undefined ? undefined : eq(articles.favorite, input.favorite),
    input.before ? lt(articles.createdAt, input.before) : undefined,
    input.q ? userMatch(articles.tsv, articles.searchConfig, input.q) : undefined,
  ];
  const cost = sql<string>`(SELECT coalesce(sum(cost_usd), 0) FROM article_steps s WHERE s.article_id = ${articles.id})`;
  const rows = await database.db
    .select({
      id: articles.id,
      topic: articles.topic,
      title: articles.title,
      status: articles.status,
      slug: articles.slug,
      wordCount: articles.wordCount,
      favorite: articles.favorite,
      grounded: articles.grounded,
      error: articles.error,
      createdAt: articles.createdAt,
      updatedAt: articles.updatedAt,
      cost,
    })
    .from(articles)
    .where(inWorkspace(scope, articles, ...conditions))
    .orderBy(desc(articles.createdAt))
    .limit(input.limit);
  return rows.map(({ cost, ...r }) => ({ ...r, costUsd: Number(cost) }));
}

export async function deleteArticle(database: Database, scope: Scope, id: string) {
  const deleted = await database.db
    .delete(articles)
    .where(inWorkspace(scope, articles, eq(articles.id, id)))
    .returning({ id: articles.id });
  if (deleted.length === 0) throw new AppError('not_found', `Article ${id} not found`);
}

export async function saveVersion(
  database: Database,
  row: Pick<ArticleRow, 'id' | 'workspaceId' | 'title' | 'markdown'>,
  reason: 'edit' | 'regenerate' | 'restore',
  userId?: string,
) {
  await database.db.insert(articleVersions).values({
    articleId: row.id,
    workspaceId: row.workspaceId,
    reason,
    title: row.title,
    markdown: row.markdown,
    createdBy: userId ?? null,
  });
}

export async function listVersions(database: Database, scope: Scope, articleId: string) {
  return database.db
    .select({
      id: articleVersions.id,
      reason: articleVersions.reason,
      title: articleVersions.title,
      createdAt: articleVersions.createdAt,
    })
    .from(articleVersions)
    .where(inWorkspace(scope, articleVersions, eq(articleVersions.articleId, articleId)))
    .orderBy(desc(articleVersions.createdAt));
}

export async function findVersion(database: Database, scope: Scope, articleId: string, versionId: string) {
  const [row] = await database.db
    .select({
      id: articleVersions.id,
      reason: articleVersions.reason,
      title: articleVersions.title,
      markdown: articleVersions.markdown,
      createdAt: articleVersions.createdAt,
    })
    .from(articleVersions)
    .where(
      inWorkspace(
        scope,
        articleVersions,
        and(eq(articleVersions.articleId, articleId), eq(articleVersions.id, versionId)),
      ),
    );
  if (!row) throw new AppError('not_found', `Version ${versionId} not found`);
  return row;
}
