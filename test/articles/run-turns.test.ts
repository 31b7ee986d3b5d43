// Article runs take turns by workspace: a workspace whose member queued several runs does not hold
// another workspace's run behind all of them (one worker, four waiting runs).
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles } from '../../src/db/schema/index.ts';
import { login, session } from '../support/accounts.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
beforeAll(async () => {
  env = await startArticleEnv('pglite', {
    work: false,
    env: { SIGNUP_ENABLED: 'true', ARTICLE_CONCURRENCY: '1' },
  });
}, 60_000);
afterAll(async () => env?.close());

describe('article runs of several workspaces', () => {
  it("start in turns: a workspace's backlog holds another's run behind one of its runs, not all", async () => {
    const signup = await env.test.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'other@example.com', password: 'other-password' },
    });
    expect(signup.statusCode).toBe(202);
    const other = session(await login(env.test.app, 'other@example.com', 'other-password'));
    // Queued while no worker runs: all four wait together when the worker starts.
    await env.test.runtime.queue.start({ work: false });
    const post = async (topic: string, headers: Record<string, string> = {}) => {
      const res = await postArticle(env, { topic, words: 300, factCheck: false, seo: false }, headers);
      expect(res.statusCode).toBe(202);
      return res.json().id as string;
    };
    const a1 = await post('first of a backlog');
    const a2 = await post('second of a backlog');
    const a3 = await post('third of a backlog');
    const b1 = await post("another workspace's only run", other);
    await env.test.runtime.queue.start({ work: true });
    for (const id of [a1, a2, a3]) await waitForArticle(env, id);
    const rows = await env.test.runtime.database.db
      .select({ id: articles.id, status: articles.status, startedAt: articles.startedAt })
      .from(articles)
      .where(inArray(articles.id, [a1, a2, a3, b1]));
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const order = rows
      .sort((x, y) => x.startedAt!.getTime() - y.startedAt!.getTime())
      .map((r) => ({ [a1]: 'a1', [a2]: 'a2', [a3]: 'a3', [b1]: 'b1' })[r.id]);
    // First come first served: a1, a2, a3, b1.
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3']);
  });
});
