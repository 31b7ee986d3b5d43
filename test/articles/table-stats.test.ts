// On PGlite (no autovacuum) an article's run ends by taking the articles table's statistics again
// when the table has grown by a tenth since they were taken (src/db/embedded-autovacuum.ts).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
beforeAll(async () => {
  env = await startArticleEnv('pglite');
});
afterAll(async () => env?.close());

it("takes a grown articles table's statistics after a run, not on the way", async () => {
  const { database } = env.test.runtime;
  const stats = async () =>
    (
      await database.query<{ reltuples: number; vacuumed: boolean }>(
        `SELECT reltuples::float8 AS reltuples, last_vacuum IS NOT NULL AS vacuumed
         FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = 'articles'::regclass`,
      )
    ).rows[0];
  // Another workspace's 300 articles, written before this process's first run.
  const other = await database.query<{ id: string }>(
    `INSERT INTO workspaces (name) VALUES ('o') RETURNING id`,
  );
  await database.query(
    `INSERT INTO articles (workspace_id, brief, status, topic, markdown)
     SELECT $1, '{"language": "en"}', 'completed', 'topic ' || i, repeat('words ', 60) FROM generate_series(1, 300) i`,
    [other.rows[0]!.id],
  );
  expect(await stats()).toEqual({ reltuples: -1, vacuumed: false });
  const res = await postArticle(env, { topic: 'heat pumps', words: 750, research: { urls: env.urls } });
  expect(res.statusCode, res.body).toBe(202);
  const done = await waitForArticle(env, res.json().id);
  expect(done.status, done.error ?? '').toBe('completed');
  await expect.poll(stats, { timeout: 10_000 }).toEqual({ reltuples: 301, vacuumed: true });
});
