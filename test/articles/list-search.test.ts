// GET /articles?q= searches the brief's topic, the title and the body, stemming the query exactly
// as the stored text ("idempotency" must find the topic "idempotency race topic").
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles } from '../../src/db/schema/index.ts';
import { session } from '../support/accounts.ts';
import { backends } from '../support/database.ts';
import { type ArticleEnv, postArticle, startArticleEnv } from './support.ts';

describe.each(backends)('article list search (%s)', (backend) => {
  let env: ArticleEnv;
  let byTopic: string;
  let byTitle: string;
  let byBody: string;
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
});
