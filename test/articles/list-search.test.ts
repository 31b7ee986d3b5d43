// GET /articles?q= searches the brief's topic, the title and the body, stemming the query exactly
// as the stored text ("idempotency" must find the topic "idempotency race topic"), in the
// text-search configurations of the workspace's own articles only.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleTextConfigs } from '../../src/articles/article-store.ts';
import { articles } from '../../src/db/schema/index.ts';
import { session } from '../support/accounts.ts';
import { backends } from '../support/database.ts';
import { type ArticleEnv, postArticle, startArticleEnv } from './support.ts';

describe.each(backends)('article list search (%s)', (backend) => {
  let env: ArticleEnv;
  let byTopic: string;
  let byTitle: string;
  let byBody: string;
  let workspaceId: string;
  beforeAll(async () => {
    // No worker: the articles stay queued with their brief, which is all the topic search needs.
    env = await startArticleEnv(backend, { work: false });
    await env.test.runtime.queue.start({ work: false });
    const create = async (topic: string) => {
      const res = await postArticle(env, { topic, words: 800 });
      expect(res.statusCode).toBe(202);
      return res.json().id as string;
    };
    byTopic = await create('idempotency race topic');
    byTitle = await create('something else entirely');
    byBody = await create('a third subject');
    const { db } = env.test.runtime.database;
    const [row] = await db
      .select({ workspaceId: articles.workspaceId })
      .from(articles)
      .where(eq(articles.id, byBody));
    workspaceId = row!.workspaceId;
    await db.update(articles).set({ title: 'Retrying payments safely' }).where(eq(articles.id, byTitle));
    await db
      .update(articles)
      .set({ markdown: '# Notes\n\nWebhooks are delivered at least once, so consumers deduplicate them.' })
      .where(eq(articles.id, byBody));
  });
  afterAll(async () => env.close());

  const search = async (q: string) => {
    const res = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/articles?q=${encodeURIComponent(q)}`,
      headers: session(env.cookie),
    });
    expect(res.statusCode).toBe(200);
    return (res.json().items as { id: string }[]).map((a) => a.id).sort();
  };

  it('finds the brief topic with the same stemming as the query', async () => {
    expect(await search('idempotency')).toEqual([byTopic]);
    expect(await search('race')).toEqual([byTopic]);
    expect(await search('races')).toEqual([byTopic]);
    expect(await search('"idempotency race"')).toEqual([byTopic]);
  });

  it('finds titles and bodies, stemmed alike', async () => {
    expect(await search('payment')).toEqual([byTitle]);
    expect(await search('retry')).toEqual([byTitle]);
    expect(await search('deduplicating webhook')).toEqual([byBody]);
    expect(await search('submarine')).toEqual([]);
  });

  it('takes any user text without errors', async () => {
    expect(await search('idempotency OR "unclosed')).toEqual([byTopic]);
    expect(await search('-idempotency & | ! :*')).toEqual(expect.any(Array));
  });

  it("searches in the configurations of the workspace's own articles only", async () => {
    const { database } = env.test.runtime;
    // Another workspace's French article does not make this workspace's search stem in French.
    const other = await database.query<{ id: string }>(
      `INSERT INTO workspaces (name) VALUES ('other') RETURNING id`,
    );
    await database.query(
      `INSERT INTO articles (workspace_id, brief, topic) VALUES ($1, '{"language": "fr"}', 'les pompes à chaleur')`,
      [other.rows[0]!.id],
    );
    expect(await articleTextConfigs(database, workspaceId)).toEqual(['english']);
    expect(await articleTextConfigs(database, other.rows[0]!.id)).toEqual(['french']);
    expect(await search('pompe')).toEqual([]);
    // A German article of its own adds German: found by an inflection, as the English ones still are.
    const res = await postArticle(env, { topic: 'Wärmepumpen im Altbau', words: 800, language: 'de' });
    expect(res.statusCode).toBe(202);
    expect(await articleTextConfigs(database, workspaceId)).toEqual(['english', 'german']);
    expect(await search('Wärmepumpe')).toEqual([res.json().id]);
    expect(await search('races')).toEqual([byTopic]);
    // A workspace without articles has no configurations, and its search finds nothing.
    const empty = await database.query<{ id: string }>(
      `INSERT INTO workspaces (name) VALUES ('empty') RETURNING id`,
    );
    expect(await articleTextConfigs(database, empty.rows[0]!.id)).toEqual([]);
  });

  it("hands the creating request's id to the article's job, for its run's log lines", async () => {
    const res = await postArticle(
      env,
      { topic: 'request ids', words: 800 },
      { 'x-request-id': 'req-trace-42' },
    );
    expect(res.statusCode).toBe(202);
    const jobs = await env.test.runtime.database.query<{ data: { articleId: string; requestId?: string } }>(
      `SELECT data FROM pgboss.job WHERE name = 'article.generate' AND data->>'articleId' = $1`,
      [res.json().id],
    );
    expect(jobs.rows.map((r) => r.data.requestId)).toEqual(['req-trace-42']);
  });

  it('finds a word inside a Japanese title or body, written without spaces', async () => {
    const res = await postArticle(env, { topic: '東京の電気料金を下げる方法', words: 800, language: 'ja' });
    expect(res.statusCode).toBe(202);
    const id = res.json().id as string;
    await env.test.runtime.database.db
      .update(articles)
      .set({ markdown: '# 節約\n\nヒートポンプは冬でも効率よく部屋を暖めます。' })
      .where(eq(articles.id, id));
    expect(await search('電気料金')).toEqual([id]);
    expect(await search('ヒートポンプ')).toEqual([id]);
    expect(await search('料金電気')).toEqual([]);
  });
});
