// A listening test app with one article to follow over real HTTP: a key that may read articles,
// and the article in the status asked for (`queued` with no worker: its stream stays open).
import { articles } from '../../src/db/schema/index.ts';
import { createKey, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { storedBrief } from '../support/stored-brief.ts';

export interface ArticleStreamApp {
  t: TestApp;
  base: string;
  key: string;
  articleId: string;
}

export async function startArticleStreamApp(
  env: Record<string, string>,
  article: { topic: string; status: 'queued' | 'completed' },
): Promise<ArticleStreamApp> {
  const t = await createTestApp('pglite', env);
  const owner = await setupOwner(t.app);
  const key = (await createKey(t.app, owner.cookie, { name: 'reader', scopes: ['articles:read'] })).key;
  const [row] = await t.runtime.database.db
    .insert(articles)
    .values({
      workspaceId: owner.body.workspace.id,
      topic: article.topic,
      status: article.status,
      brief: storedBrief(article.topic) as never,
    })
    .returning({ id: articles.id });
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, base, key, articleId: row!.id };
}
