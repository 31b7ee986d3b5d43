// Every statement on article versions: the texts kept by edits, regenerations and restores.
import { and, desc, eq } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { articleVersions } from '../db/schema/articles.ts';
import { AppError } from '../errors.ts';
import type { ArticleRow } from './article-store.ts';

type Scope = { workspaceId: string };

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
