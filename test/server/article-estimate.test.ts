// POST /articles/estimate: a range of cost and time for a brief, before anything is generated. No
// model call, no article, no ledger row; a bad brief is a 400 like POST /articles; an unpriced
// model is "price unknown"; finished articles of the workspace replace the first guess.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('POST /api/v1/articles/estimate', () => {
  let fake: FakeServer;
  let t: TestApp;
  let cookie: string;
  let workspaceId: string;
  beforeAll(async () => {
    fake = await startOpenAiServer();
    t = await createTestApp('pglite', {
      OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl,
      LLM_MODEL: 'compatible:local-model',
      LLM_CACHE_TTL: '0',
    });
    const owner = await setupOwner(t.app);
    cookie = owner.cookie;
    workspaceId = owner.body.workspace.id;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const estimate = (payload: unknown, headers = session(cookie)) =>
    t.app.inject({ method: 'POST', url: '/api/v1/articles/estimate', headers, payload: payload as object });
  const count = async (table: 'articles' | 'llm_calls') => {
    await t.runtime.llm.flush();
    const r = await t.runtime.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = $1`,
      [workspaceId],
    );
    return Number(r.rows[0]!.n);
  };

  it('an unpriced model: a token and time range, cost null with priceUnknown; nothing created, no model called', async () => {
    const requests = fake.requests.length;
    const res = await estimate({ topic: 'Heat pumps for family homes', words: 1200 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ basis: 'rough', articlesUsed: 0, costUsd: null, priceUnknown: true });
    expect(body.outputTokens.low).toBeGreaterThan(1000);
    expect(body.outputTokens.high).toBeGreaterThan(body.outputTokens.low);
    expect(body.minutes.low).toBeGreaterThanOrEqual(1);
    expect(body.roles).toContainEqual(
      expect.objectContaining({
        role: 'writer',
        model: 'compatible:local-model',
        costUsd: null,
        priceUnknown: true,
      }),
    );
    expect(await count('articles')).toBe(0);
    expect(await count('llm_calls')).toBe(0);
    expect(fake.requests.length).toBe(requests);
  });

  it("prices with the workspace's own price once an admin enters one", async () => {
    const saved = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: session(cookie),
      payload: { modelPrices: { 'compatible:local-model': { input: 2, output: 10 } } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const body = (await estimate({ topic: 'Heat pumps for family homes', words: 1200 })).json();
    expect(body.priceUnknown).toBe(false);
    // Output alone at $10 per 1M tokens bounds the cost from below.
    expect(body.costUsd.low).toBeGreaterThanOrEqual((body.outputTokens.low * 10) / 1e6);
    expect(body.costUsd.high).toBeGreaterThan(body.costUsd.low);
  });

  it('a bad brief is a 400 in the standard error shape, with field paths', async () => {
    const res = await estimate({ topic: '', words: 5 });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('validation_error');
    expect(typeof error.requestId).toBe('string');
    const paths = (error.details as Array<{ path: string }>).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['topic', 'words']));
    expect(await count('articles')).toBe(0);
  });

  it('needs a session', async () => {
    const res = await estimate({ topic: 'Heat pumps' }, {} as ReturnType<typeof session>);
    expect(res.statusCode).toBe(401);
  });

  it("measures on the workspace's finished articles when it has some", async () => {
    const [article] = (
      await t.runtime.database.query<{ id: string }>(
        `INSERT INTO articles (workspace_id, brief, status, topic, started_at, finished_at)
         VALUES ($1, $2, 'completed', 'Past', now() - interval '3 minutes', now()) RETURNING id`,
        [workspaceId, JSON.stringify({ topic: 'Past', words: 1000 })],
      )
    ).rows;
    for (const [role, input, output, latency] of [
      ['planner', 1000, 300, 6000],
      ['writer', 4000, 1500, 40_000],
      ['checker', 3000, 200, 4000],
    ] as const)
      await t.runtime.database.query(
        `INSERT INTO llm_calls (workspace_id, purpose_kind, purpose_id, role, provider, model, input_tokens,
           output_tokens, cached_input_tokens, latency_ms, attempt, cache_hit, outcome)
         VALUES ($1, 'article', $2, $3, 'compatible', 'local-model', $4, $5, 0, $6, 1, false, 'ok')`,
        [workspaceId, article!.id, role, input, output, latency],
      );
    const body = (await estimate({ topic: 'Heat pumps for family homes', words: 2000 })).json();
    expect(body).toMatchObject({ basis: 'history', articlesUsed: 1 });
    // 1.5 writer output tokens per word, ±15% → 2550–3450 for 2000 words.
    expect(body.roles.find((r: { role: string }) => r.role === 'writer').outputTokens).toEqual({
      low: 2550,
      high: 3450,
    });
  });
});
