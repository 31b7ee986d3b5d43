// An article written by a model with no known price: its cost is reported as unknown (usage and
// the running `cost` events name the model), never as $0; and while the workspace has a monthly
// budget, which cannot count such a model, the run is refused before any request reaches it — until
// an admin prices the model (0 for a free local one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../support/accounts.ts';
import { backends } from '../support/database.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

const model = 'compatible:fake-writer';

describe.each(backends)('an article of a model without a price (%s)', (backend) => {
  let env: ArticleEnv;
  beforeAll(async () => {
    // No LLM_PRICES_JSON: the fake writer has no price anywhere.
    env = await startArticleEnv(backend, { env: { LLM_PRICES_JSON: '' } });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  const query = <R>(sql: string, params: unknown[] = []) =>
    env.test.runtime.database.query<R>(sql, params).then((r) => r.rows);
  const costEvents = (id: string) =>
    query<{ data: { costUsd: number; costKnown?: boolean; unpricedModels?: string[] } }>(
      `SELECT data FROM article_events WHERE article_id = $1 AND type = 'cost' ORDER BY id`,
      [id],
    ).then((rows) => rows.map((r) => r.data));
  const settings = (payload: Record<string, unknown>) =>
    env.test.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: session(env.cookie),
      payload,
    });
  /** The article as the library lists it. */
  const listed = async (id: string) => {
    const res = await env.test.app.inject({
      method: 'GET',
      url: '/api/v1/articles?limit=100',
      headers: session(env.cookie),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items.find((a: { id: string }) => a.id === id);
  };
  const write = async (topic: string) => {
    const res = await postArticle(env, { topic, words: 600, research: { urls: env.urls } });
    expect(res.statusCode, res.body).toBe(202);
    return waitForArticle(env, res.json().id);
  };

  it('reports the cost as unknown, naming the model, in the usage and every cost event', async () => {
    const article = await write('heat pumps at an unknown price');
    expect(article.status, article.error ?? '').toBe('completed');
    expect(article.usage.inputTokens).toBeGreaterThan(0);
    expect(article.usage).toMatchObject({ costUsd: 0, costKnown: false, unpricedModels: [model] });
    const plan = article.steps.find((s: { name: string }) => s.name === 'plan');
    expect(plan).toMatchObject({ costUsd: 0, unpricedModels: [model] });
    const gather = article.steps.find((s: { name: string }) => s.name === 'gather');
    expect(gather.unpricedModels).toEqual([]);
    expect(await listed(article.id)).toMatchObject({ costUsd: 0, costKnown: false });
    const events = await costEvents(article.id);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events)
      expect(e).toMatchObject({ costUsd: 0, costKnown: false, unpricedModels: [model] });
  }, 90_000);

  it('a run resumed after the model was priced still says the cost of its earlier calls is unknown', async () => {
    const article = await write('heat pumps priced half way');
    expect(article.status, article.error ?? '').toBe('completed');
    expect((await settings({ modelPrices: { [model]: { input: 1, output: 2 } } })).statusCode).toBe(200);
    const before = (await costEvents(article.id)).length;
    // The SEO step runs again, as after a crash: its call is priced now, the article's earlier not.
    await query(
      `UPDATE article_steps SET status = 'pending', output = NULL WHERE article_id = $1 AND name = 'seo'`,
      [article.id],
    );
    await query(`UPDATE articles SET status = 'queued', lease_owner = NULL WHERE id = $1`, [article.id]);
    const { workspace_id: workspaceId } = (
      await query<{ workspace_id: string }>('SELECT workspace_id FROM articles WHERE id = $1', [article.id])
    )[0]!;
    await env.test.runtime.queue.send('article.generate', { articleId: article.id, workspaceId });
    const resumed = await waitForArticle(env, article.id, (a) => a.status === 'completed');
    const after = (await costEvents(article.id)).slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.at(-1)!.costUsd).toBeGreaterThan(0);
    expect(after.at(-1)).toMatchObject({ costKnown: false, unpricedModels: [model] });
    expect(resumed.usage).toMatchObject({ costKnown: false, unpricedModels: [model] });
    expect(resumed.usage.costUsd).toBeGreaterThan(0);
    const summary = await listed(article.id);
    expect(summary.costKnown).toBe(false);
    expect(summary.costUsd).toBeGreaterThan(0);
    expect((await settings({ modelPrices: { [model]: null } })).statusCode).toBe(200);
  }, 90_000);

  it('with a budget, fails the run before any request reaches the model; a price of 0 lets it run', async () => {
    expect((await settings({ monthlyBudgetUsd: 5 })).statusCode).toBe(200);
    const before = env.llm.requests.length;
    const refused = await write('heat pumps on a budget');
    expect(refused.status).toBe('failed');
    expect(refused.error).toContain(
      `No price is known for ${model}, so the monthly budget cannot be enforced: set its price in Settings › Language models (0 for a free local model) or remove the budget`,
    );
    expect(env.llm.requests.length).toBe(before);
    expect(refused.usage).toMatchObject({ inputTokens: 0, costUsd: 0, costKnown: true });

    // A free local model: priced at 0, it is counted, and the budget lets it write.
    expect((await settings({ modelPrices: { [model]: { input: 0, output: 0 } } })).statusCode).toBe(200);
    const free = await write('heat pumps for free');
    expect(free.status, free.error ?? '').toBe('completed');
    expect(free.usage.inputTokens).toBeGreaterThan(0);
    expect(free.usage).toMatchObject({ costUsd: 0, costKnown: true, unpricedModels: [] });
    expect(await listed(free.id)).toMatchObject({ costUsd: 0, costKnown: true });
    expect(await listed(refused.id)).toMatchObject({ costKnown: true });
    for (const e of await costEvents(free.id)) {
      expect(e.costKnown).toBeUndefined();
      expect(e.unpricedModels).toBeUndefined();
    }
    expect((await settings({ monthlyBudgetUsd: null, modelPrices: { [model]: null } })).statusCode).toBe(200);
  }, 90_000);
});
