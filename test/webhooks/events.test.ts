// Events from the real article and document paths, on both databases: a finished article run is
// recorded once per endpoint subscribed to its event, with its status change, and reaches a real
// receiver signed; a failed run and an ingested document likewise; other endpoints hear nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArticleEnv,
  completedArticle,
  postArticle,
  startArticleEnv,
  waitForArticle,
} from '../articles/support.ts';
import { fileForm } from '../knowledge/samples-ingest.ts';
import { type LocalServer, startServer } from '../research/local-server.ts';
import { session } from '../support/accounts.ts';
import { backends } from '../support/database.ts';
import { verifyDelivery } from './receiver.ts';

describe.each(backends)('webhook events (%s)', (backend) => {
  let env: ArticleEnv;
  let receiver: LocalServer;
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    receiver = await startServer({
      '/a': (_req, res) => res.writeHead(200).end(),
      '/b': (_req, res) => res.writeHead(200).end(),
      '/failures': (_req, res) => res.writeHead(200).end(),
      '/documents': (_req, res) => res.writeHead(200).end(),
    });
    env = await startArticleEnv(backend, {
      env: { ARTICLE_STEP_ATTEMPTS: '1', LLM_MAX_RETRIES: '0', PUBLIC_URL: 'https://blog.example.com/' },
    });
    for (const [path, events] of [
      ['/a', ['article.completed']],
      ['/b', ['article.completed', 'document.ready']],
      ['/failures', ['article.failed']],
      ['/documents', ['document.ready', 'document.failed']],
    ] as const) {
      const res = await env.test.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: session(env.cookie),
        payload: { url: `${receiver.url}${path}`, events },
      });
      expect(res.statusCode, res.body).toBe(201);
      secrets.set(path, res.json().secret);
    }
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await receiver?.close();
  });

  const bodiesAt = (path: string, type: string) =>
    receiver.received
      .filter((r) => r.url.pathname === path)
      .map((r) => verifyDelivery(secrets.get(path)!, r) as { type: string; data: Record<string, unknown> })
      .filter((b) => b.type === type);
  async function until(check: () => boolean) {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for deliveries');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const deliveriesOf = async (articleOrDocument: string) =>
    (
      await env.test.runtime.database.query<{ event: string }>(
        "SELECT event FROM webhook_deliveries WHERE payload->'data'->>'id' = $1",
        [articleOrDocument],
      )
    ).rows.map((r) => r.event);

  it('tells each subscribed endpoint once that an article completed', async () => {
    const article = await completedArticle(env);
    expect((await deliveriesOf(article.id)).sort()).toEqual(['article.completed', 'article.completed']);
    await until(
      () => bodiesAt('/a', 'article.completed').length + bodiesAt('/b', 'article.completed').length >= 2,
    );
    for (const path of ['/a', '/b']) {
      const bodies = bodiesAt(path, 'article.completed');
      expect(bodies).toHaveLength(1);
      expect(bodies[0]!.data).toMatchObject({
        id: article.id,
        status: 'completed',
        title: article.title,
        wordCount: article.wordCount,
        url: `https://blog.example.com/api/v1/articles/${article.id}`,
        usage: { inputTokens: article.usage.inputTokens, costKnown: true },
      });
      // Never the article's text.
      expect(JSON.stringify(bodies[0])).not.toContain(article.markdown.slice(0, 60));
    }
    expect(receiver.received.filter((r) => r.url.pathname === '/failures')).toHaveLength(0);
  }, 90_000);

  it('tells the endpoints of article.failed that a run failed', async () => {
    env.llm.responder = () => ({ type: 'error', status: 400, message: 'no answers today' });
    const res = await postArticle(env, { topic: 'heat pumps', words: 700, research: { urls: env.urls } });
    const article = await waitForArticle(env, res.json().id);
    expect(article.status).toBe('failed');
    await until(() => bodiesAt('/failures', 'article.failed').length > 0);
    const [body] = bodiesAt('/failures', 'article.failed');
    expect(body!.data).toMatchObject({ id: article.id, status: 'failed', error: article.error });
    expect(await deliveriesOf(article.id)).toEqual(['article.failed']);
  }, 60_000);

  it('tells the endpoints of document.ready that a document was ingested', async () => {
    const form = fileForm(
      Buffer.from('# Bees\n\nThe beekeeper inspects each frame for eggs and larvae.\n'),
      'bees.md',
    );
    const res = await env.test.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { ...session(env.cookie), ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id;
    await until(
      () =>
        bodiesAt('/documents', 'document.ready').length > 0 && bodiesAt('/b', 'document.ready').length > 0,
    );
    expect(bodiesAt('/documents', 'document.ready')[0]!.data).toMatchObject({
      id,
      status: 'ready',
      title: 'Bees',
      filename: 'bees.md',
      chunkCount: expect.any(Number),
    });
    expect((await deliveriesOf(id)).sort()).toEqual(['document.ready', 'document.ready']);
  }, 60_000);
});
