// Starting a run asks a local model server for the planner's context size at once (its model
// listing), so the answer is in before the worker's plan request needs it — here with no worker
// at all, which old code never asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArticleEnv, postArticle, startArticleEnv } from './support.ts';

describe('POST /api/v1/articles', () => {
  let env: ArticleEnv;
  beforeAll(async () => {
    env = await startArticleEnv('pglite', { work: false });
    await env.test.runtime.queue.start({ work: false });
  });
  afterAll(() => env.close());

  it("asks the model server for the planner's context size as the run is queued", async () => {
    expect(env.llm.listings).toHaveLength(0);
    const res = await postArticle(env, { topic: 'heat pumps for family homes', words: 800 });
    expect(res.statusCode).toBe(202);
    await expect.poll(() => env.llm.listings.map((r) => r.path), { timeout: 5000 }).toEqual(['/v1/models']);
    // Asked once per process: the next article's run does not ask again.
    expect((await postArticle(env, { topic: 'solar panels', words: 800 })).statusCode).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.llm.listings).toHaveLength(1);
  });
});
