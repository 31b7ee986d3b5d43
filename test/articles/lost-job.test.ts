// An article is stored, then its job sent: a process that stops between the two left it queued with
// no job, for good. The recovery sweep sends a job for a queued article that has none; and since a
// job may then be one too many, a second job for an article this process is running finds the run
// held by the first and does nothing (the claim is the run's, not the process's).
import { afterEach, describe, expect, it } from 'vitest';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const runningClaims = async (env: ArticleEnv, id: string) =>
  (
    await env.test.runtime.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM article_events WHERE article_id = $1 AND type = 'status' AND data->>'status' = 'running'`,
      [id],
    )
  ).rows[0]!.n;

/**
 * An app working jobs with a 4 s lease (the sweep runs every second) whose first article job is not
 * sent: `lose` answers in its place. Counts the article jobs asked to be sent.
 */
async function envLosingFirstJob(lose: () => string) {
  env = await startArticleEnv('pglite', { env: { ARTICLE_LEASE_SECONDS: '4' } });
  const queue = env.test.runtime.queue;
  const send = queue.send.bind(queue);
  const sends = { count: 0 };
  queue.send = (async (name, payload, opts) => {
    if (name === 'article.generate' && sends.count++ === 0) return lose();
    return send(name, payload, opts);
  }) as typeof queue.send;
  return { app: env, sends };
}

describe('an article whose job was lost', () => {
  it('is queued again by the recovery sweep, and runs to the end', async () => {
    // A 4 s lease: the sweep runs every second.
    // The process "stops" after storing the article: its job is never sent.
    const { app, sends } = await envLosingFirstJob(() => 'never-sent');

    const res = await postArticle(app, {
      topic: 'heat pumps for family homes',
      words: 700,
      research: { urls: app.urls },
    });
    expect(res.statusCode).toBe(202);
    const id = res.json().id as string;
    // Freshly queued, it is left alone: its job may be on its way.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await waitForArticle(app, id, () => true)).status).toBe('queued');
    expect(sends.count).toBe(1);

    // Queued ten minutes ago, with no job waiting or running for it.
    await app.test.runtime.database.query(
      "UPDATE articles SET updated_at = now() - interval '10 minutes' WHERE id = $1",
      [id],
    );
    const article = await waitForArticle(app, id);
    expect(article.status).toBe('completed');
    expect(sends.count).toBe(2);
    expect(await runningClaims(app, id)).toBe(1);
  });

  it('whose send failed is answered as queued, and run by the sweep (it was failed for good)', async () => {
    const { app } = await envLosingFirstJob(() => {
      throw new Error('the queue refused the job');
    });
    const res = await postArticle(
      app,
      { topic: 'heat pumps for family homes', words: 700, research: { urls: app.urls } },
      { 'idempotency-key': 'lost-send-1' },
    );
    expect(res.statusCode).toBe(202);
    const id = res.json().id as string;
    // Asked again with its key, it is the same queued article (a failed one stayed failed).
    const again = await postArticle(
      app,
      { topic: 'heat pumps for family homes', words: 700, research: { urls: app.urls } },
      { 'idempotency-key': 'lost-send-1' },
    );
    expect(again.json()).toMatchObject({ id, status: 'queued' });
    await app.test.runtime.database.query(
      "UPDATE articles SET updated_at = now() - interval '10 minutes' WHERE id = $1",
      [id],
    );
    expect((await waitForArticle(app, id)).status).toBe('completed');
  });

  it('a job one too many, taken by the process running the article, does nothing', async () => {
    env = await startArticleEnv('pglite', { model: { chunkDelayMs: 20, chunkSize: 8 } });
    const res = await postArticle(env, {
      topic: 'heat pumps for family homes',
      words: 700,
      research: { urls: env.urls },
    });
    expect(res.statusCode).toBe(202);
    const id = res.json().id as string;
    await waitForArticle(env, id, (a) => a.status === 'running');
    await env.test.runtime.queue.send('article.generate', { articleId: id });

    const article = await waitForArticle(env, id);
    expect(article.status).toBe('completed');
    // One claim: the second job did not run the pipeline beside the first.
    expect(await runningClaims(env, id)).toBe(1);
  });
});
