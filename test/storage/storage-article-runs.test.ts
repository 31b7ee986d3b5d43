// A new article's run is refused once the workspace stores its bound (WORKSPACE_STORAGE_MB), with
// 413 `storage_full` and nothing queued — but a request repeated with its Idempotency-Key still
// answers the article it made before the workspace filled up. On both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArticleEnv, postArticle, startArticleEnv } from '../articles/support.ts';
import { backends } from '../support/database.ts';

const limitBytes = 4000;

describe.each(backends)('new runs and the storage bound (%s)', (backend) => {
  let env: ArticleEnv;
  beforeAll(async () => {
    env = await startArticleEnv(backend, {
      work: false,
      env: { WORKSPACE_STORAGE_MB: String(limitBytes / 1024 / 1024) },
    });
    await env.test.runtime.queue.start({ work: false }); // the run is queued, not worked
  }, 60_000);
  afterAll(async () => env?.close());

  it('refuses a new run at the bound, and still answers a repeated request with the article it made', async () => {
    const brief = { topic: 'tidal power', words: 400, factCheck: false, seo: false };
    const first = await postArticle(env, brief, { 'idempotency-key': 'tides-1' });
    expect(first.statusCode, first.body).toBe(202);
    // The workspace fills up (as the run's text would).
    await env.test.runtime.database.query(
      `UPDATE articles SET markdown = repeat('x', $2::int) WHERE id = $1`,
      [first.json().id, limitBytes],
    );
    const count = async () =>
      (await env.test.runtime.database.query<{ n: number }>('SELECT count(*)::int AS n FROM articles'))
        .rows[0]!.n;

    const refused = await postArticle(
      env,
      { ...brief, topic: 'wave power' },
      { 'idempotency-key': 'waves-1' },
    );
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error).toMatchObject({ code: 'storage_full', details: { usedBytes: limitBytes } });
    expect(await count()).toBe(1);

    const repeated = await postArticle(env, brief, { 'idempotency-key': 'tides-1' });
    expect(repeated.statusCode).toBe(202);
    expect(repeated.json().id).toBe(first.json().id);
    expect(await count()).toBe(1);
  });
});
