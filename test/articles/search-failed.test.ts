// A web search that fails after its retries is told to the run's followers as a `search.failed`
// event, and the article is written from what the other searches found; when searches failed and
// nothing was found, the gather step fails (to be tried again) rather than writing the article
// without sources, citations or fact check although the brief asked for web research.
import { afterEach, describe, expect, it } from 'vitest';
import { json, type LocalServer, startServer } from '../research/local-server.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

describe('search.failed', () => {
  let env: ArticleEnv | undefined;
  let searxng: LocalServer | undefined;
  afterEach(async () => {
    await env?.close();
    await searxng?.close();
    env = undefined;
    searxng = undefined;
  });

  /** A SearXNG whose limiter refuses the queries `refused` picks; the others find the env's pages. */
  async function start(refused: (query: string, firstQuery: string) => boolean) {
    let firstQuery: string | undefined;
    const pages: string[] = [];
    searxng = await startServer({
      '/search': (req, res) => {
        const query = req.url.searchParams.get('q') ?? '';
        firstQuery ??= query;
        if (refused(query, firstQuery))
          return res
            .writeHead(429, { 'content-type': 'text/html', 'retry-after': '0' })
            .end('Too Many Requests');
        json(res, { query, results: pages.map((url) => ({ url, title: url, content: 'heat pumps' })) });
      },
    });
    env = await startArticleEnv('pglite', {
      env: { SEARXNG_URL: searxng.url, ARTICLE_STEP_ATTEMPTS: '1' },
    });
    pages.push(...env.urls);
    const res = await postArticle(env, { topic: 'heat pumps', words: 600, research: { web: true } });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    const article = await waitForArticle(env, id);
    const events = await env.test.runtime.database.query<{ data: Record<string, string> }>(
      "SELECT data FROM article_events WHERE article_id = $1 AND type = 'search.failed' ORDER BY id",
      [id],
    );
    return { article, failed: events.rows.map((r) => r.data), firstQuery: () => firstQuery };
  }

  const reason =
    "SearXNG search failed: HTTP 429 (rate limited: more searches than the provider's plan allows)";

  it('names a search that failed, and writes the article from the others', async () => {
    const run = await start((query, first) => query === first);
    expect(run.article.status, run.article.error ?? '').toBe('completed');
    expect(run.article.sources.length).toBeGreaterThan(0);
    expect(run.failed).toEqual([{ provider: 'searxng', query: run.firstQuery(), reason }]);
    // Asked three times: twice more after the 429s.
    expect(searxng!.received.filter((r) => r.url.searchParams.get('q') === run.firstQuery())).toHaveLength(3);
  }, 90_000);

  it('fails the gather step when searches failed and found nothing (it wrote an article without sources)', async () => {
    const run = await start(() => true);
    expect(run.article.status).toBe('failed');
    expect(run.article.error).toContain(`Web research found no sources: every search failed (${reason})`);
    expect(run.failed.length).toBeGreaterThan(0);
  }, 90_000);
});
