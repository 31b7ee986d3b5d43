// The article's editorial status as its publications tell it (the publish job's writes on
// `articles`); a member's own marks are article-store.ts's `markArticle`.
import { and, eq, sql } from 'drizzle-orm';
import type { Transaction } from '../db/client.ts';
import { articles } from '../db/schema/articles.ts';

/**
 * What a publication tells of its article's editorial status (a mark, as a member's: `updatedAt`
 * stays): live on a site makes it `published`; scheduled there makes it `scheduled` for that date,
 * unless it is published already. In the transaction that records the publication; answers the
 * article's title, or undefined when the article is gone.
 */
export async function markFromPublication(
  tx: Transaction,
  id: string,
  outcome: { state: 'published' } | { state: 'scheduled'; at: Date },
): Promise<{ title: string } | undefined> {
  const [row] = await tx
    .update(articles)
    .set(
      outcome.state === 'published'
        ? { editorialStatus: 'published', scheduledFor: null }
        : { editorialStatus: 'scheduled', scheduledFor: outcome.at },
    )
    .where(
      outcome.state === 'published'
        ? eq(articles.id, id)
        : and(eq(articles.id, id), sql`${articles.editorialStatus} <> 'published'`),
    )
    .returning({ title: articles.title });
  if (row) return row;
  const [kept] = await tx.select({ title: articles.title }).from(articles).where(eq(articles.id, id));
  return kept;
}
