// Every statement on article versions: the texts kept by edits, regenerations and restores.
import { and, desc, eq, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { articleVersions } from '../db/schema/articles.ts';
import { AppError } from '../errors.ts';
import type { ArticleRow } from './article-store.ts';

type Scope = { workspaceId: string };

/**
 * Versions kept per article, the newest. Every edit keeps one (up to the whole text): without a bound
 * an article's history grew by each edit the rate limits allowed, and its list is not paged.
 */
export const versionsKept = 100;

/**
 * Keeps the text before a change as the article's newest version, and drops those past
 * `versionsKept`; its id, to take it back if the change does not happen (`dropVersion`).
 */
export async function saveVersion(
  database: Database,
  row: Pick<ArticleRow, 'id' | 'workspaceId' | 'title' | 'markdown'>,
  reason: 'edit' | 'regenerate' | 'restore',
  userId?: string,
): Promise<string> {
  // One statement: the DELETE sees the versions before the INSERT, so it keeps one fewer of them.
  const rows = await database.query<{ id: string }>(
    `WITH kept AS (
       INSERT INTO article_versions (article_id, workspace_id, reason, title, markdown, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
     ), pruned AS (
       DELETE FROM article_versions WHERE id IN (
         SELECT id FROM article_versions WHERE article_id = $1
          ORDER BY seq DESC OFFSET ${versionsKept - 1}
       )
     )
     SELECT id FROM kept`,
    [row.id, row.workspaceId, reason, row.title, row.markdown, userId ?? null],
  );
  return rows.rows[0]!.id;
}

/** Takes back a version kept for a change that did not happen (another write came first). */
export async function dropVersion(database: Database, id: string): Promise<void> {
  await database.db.delete(articleVersions).where(eq(articleVersions.id, id));
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
    .orderBy(desc(articleVersions.seq));
}

const oneVersion = (scope: Scope, articleId: string, versionId: string) =>
  inWorkspace(
    scope,
    articleVersions,
    and(eq(articleVersions.articleId, articleId), eq(articleVersions.id, versionId)),
  );

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
    .where(oneVersion(scope, articleId, versionId));
  if (!row) throw new AppError('not_found', `Version ${versionId} not found`);
  return row;
}

/** The length of a version's Markdown in characters, without reading it (what a restore writes). */
export async function versionMarkdownLength(
  database: Database,
  scope: Scope,
  articleId: string,
  versionId: string,
): Promise<number> {
  const [row] = await database.db
    .select({ chars: sql<number>`char_length(${articleVersions.markdown})`.mapWith(Number) })
    .from(articleVersions)
    .where(oneVersion(scope, articleId, versionId));
  if (!row) throw new AppError('not_found', `Version ${versionId} not found`);
  return row.chars;
}
