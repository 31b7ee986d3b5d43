// A brief as the articles table stores it (every default filled in), for tests that insert
// articles directly instead of going through POST /articles.
import { insertArticle } from '../../src/articles/article-store.ts';
import type { setupOwner } from './accounts.ts';
import type { TestApp } from './app.ts';

export const storedBrief = (topic: string) => ({
  topic,
  words: 800,
  language: 'en',
  keywords: [],
  outline: [],
  research: { web: false, knowledge: false, documents: [], urls: [] },
  factCheck: true,
  seo: true,
});

/** An article of the owner's workspace inserted directly (no run), for tests that need one to exist. */
export async function insertOwnedArticle(
  t: TestApp,
  owner: Awaited<ReturnType<typeof setupOwner>>,
  topic: string,
): Promise<string> {
  const { row } = await insertArticle(t.runtime.database, {
    workspaceId: owner.body.workspace.id,
    userId: owner.body.id,
    brief: storedBrief(topic),
  });
  return row.id;
}
