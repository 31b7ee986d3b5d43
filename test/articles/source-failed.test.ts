// A page of the brief that cannot be read is told to the run's followers as a `source.failed`
// event (its address and why), and the article is written from the pages that could be read.
import { afterEach, describe, expect, it } from 'vitest';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

describe('source.failed', () => {
  let env: ArticleEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('names the page that could not be read, once', async () => {
    env = await startArticleEnv('pglite');
    const missing = `${env.web.url}/no-such-page`;
    const res = await postArticle(env, {
      topic: 'heat pumps',
      words: 600,
      research: { urls: [...env.urls, missing] },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id;
    const article = await waitForArticle(env, id);
    expect(article.status, article.error ?? '').toBe('completed');
    const { rows } = await env.test.runtime.database.query<{ data: { url: string; reason: string } }>(
      "SELECT data FROM article_events WHERE article_id = $1 AND type = 'source.failed'",
      [id],
    );
    expect(rows.map((r) => r.data.url)).toEqual([missing]);
    expect(rows[0]!.data.reason).toMatch(/404/);
  }, 60_000);
});
