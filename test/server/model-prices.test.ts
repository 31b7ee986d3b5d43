// Prices an admin enters for a model: the ledger charges a workspace's calls at its own price (so
// totals and the budget count a model Blogsmith has no list price for), only admins may set them,
// and impossible prices are refused with a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { bearer, createKey, inviteMember, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('per-model prices set by an admin (%s)', (backend) => {
  let fake: FakeServer;
  let t: TestApp;
  let cookie: string;
  let workspaceId: string;
  beforeAll(async () => {
    fake = await startOpenAiServer();
    t = await createTestApp(backend, {
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

  const put = (payload: Record<string, unknown>, as = cookie) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/llm/settings', headers: session(as), payload });
  const prices = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/llm/prices', headers: session(cookie) });
    expect(res.statusCode).toBe(200);
    return res.json().items as Array<{
      model: string;
      inputPerMillionUsd: number | null;
      source: string | null;
    }>;
  };
  const generate = () =>
    t.runtime.llm.generateText({
      role: 'writer',
      prompt: 'hi',
      workspaceId,
      purpose: { kind: 'other' },
      cache: false,
    });
  const ledgerCosts = async () => {
    await t.runtime.llm.flush();
    const rows = await t.runtime.database.query<{ cost_usd: string | null }>(
      'SELECT cost_usd FROM llm_calls WHERE workspace_id = $1 ORDER BY created_at',
      [workspaceId],
    );
    return rows.rows.map((r) => (r.cost_usd === null ? null : Number(r.cost_usd)));
  };

  it('an unpriced model is "unknown": its calls are recorded without a cost', async () => {
    expect(await prices()).toContainEqual(
      expect.objectContaining({ model: 'compatible:local-model', inputPerMillionUsd: null, source: null }),
    );
    fake.script({ type: 'answer', text: 'one', usage: { input: 1000, output: 500 } });
    const r = await generate();
    expect(r.costUsd).toBeNull();
    expect(await ledgerCosts()).toEqual([null]);
  });

  it("charges the workspace's price in the result and the ledger once an admin sets it", async () => {
    const saved = await put({ modelPrices: { 'compatible:local-model': { input: 2, output: 10 } } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().modelPrices).toEqual({ 'compatible:local-model': { input: 2, output: 10 } });
    expect(await prices()).toContainEqual(
      expect.objectContaining({
        model: 'compatible:local-model',
        inputPerMillionUsd: 2,
        source: 'workspace',
      }),
    );

    fake.script({ type: 'answer', text: 'two', usage: { input: 1000, output: 500 } });
    const r = await generate();
    const expected = (1000 * 2 + 500 * 10) / 1_000_000;
    expect(r.costUsd).toBeCloseTo(expected, 10);
    expect((await ledgerCosts()).at(-1)).toBeCloseTo(expected, 8);

    // A stream is charged the same way.
    fake.script({ type: 'answer', text: 'three', usage: { input: 1000, output: 500 } });
    const stream = t.runtime.llm.streamText({
      role: 'writer',
      prompt: 'hi',
      workspaceId,
      purpose: { kind: 'other' },
      cache: false,
    });
    for await (const _ of stream);
    expect((await stream.result).costUsd).toBeCloseTo(expected, 10);
    expect((await ledgerCosts()).at(-1)).toBeCloseTo(expected, 8);

    // And this month's spend counts both calls.
    const usage = await t.app.inject({
      method: 'GET',
      url: '/api/v1/usage/summary',
      headers: session(cookie),
    });
    expect(usage.statusCode, usage.body).toBe(200);
    expect(usage.json().spentUsd).toBeCloseTo(2 * expected, 8);
  });

  it('a budget now caps the priced model', async () => {
    expect((await put({ monthlyBudgetUsd: 0.01 })).statusCode).toBe(200);
    await expect(generate()).rejects.toMatchObject({ code: 'budget_exceeded' });
    expect((await put({ monthlyBudgetUsd: null })).statusCode).toBe(200);
  });

  it('removing the price makes the model unknown again', async () => {
    const removed = await put({ modelPrices: { 'compatible:local-model': null } });
    expect(removed.statusCode).toBe(200);
    expect(removed.json().modelPrices).toEqual({});
    fake.script({ type: 'answer', text: 'four', usage: { input: 1000, output: 500 } });
    expect((await generate()).costUsd).toBeNull();
  });

  it('with a budget, refuses an unpriced model before any request; a price of 0 lets it run', async () => {
    expect((await put({ monthlyBudgetUsd: 5 })).statusCode).toBe(200);
    const before = fake.requests.length;
    const refusal = {
      code: 'budget_exceeded',
      message:
        'No price is known for compatible:local-model, so the monthly budget cannot be enforced: set its price in Settings › Language models (0 for a free local model) or remove the budget',
      details: { unpricedModels: ['compatible:local-model'], budgetUsd: 5 },
    };
    await expect(generate()).rejects.toMatchObject(refusal);
    const stream = t.runtime.llm.streamText({
      role: 'writer',
      prompt: 'hi',
      workspaceId,
      purpose: { kind: 'other' },
      cache: false,
    });
    await expect(stream.result).rejects.toMatchObject(refusal);
    // Not one request reached the model: the budget was not passed by a call it cannot count.
    expect(fake.requests.length).toBe(before);

    // A free local model, priced at 0 by the admin: counted (as $0), so the budget lets it run.
    expect(
      (await put({ modelPrices: { 'compatible:local-model': { input: 0, output: 0 } } })).statusCode,
    ).toBe(200);
    fake.script({ type: 'answer', text: 'free', usage: { input: 1000, output: 500 } });
    await expect(generate()).resolves.toMatchObject({ text: 'free', costUsd: 0 });
    expect(fake.requests.length).toBe(before + 1);

    // Without a budget an unpriced model runs as before, its cost recorded as unknown.
    expect(
      (await put({ monthlyBudgetUsd: null, modelPrices: { 'compatible:local-model': null } })).statusCode,
    ).toBe(200);
    fake.script({ type: 'answer', text: 'unbudgeted', usage: { input: 1000, output: 500 } });
    await expect(generate()).resolves.toMatchObject({ text: 'unbudgeted', costUsd: null });
  });

  it('prices a dated snapshot as the model the admin priced, so a budget can count it', async () => {
    const snapshot = 'compatible:local-model-20250101';
    const saved = await put({
      roleModels: { writer: snapshot },
      modelPrices: { 'compatible:local-model': { input: 2, output: 10 } },
      monthlyBudgetUsd: 5,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await prices()).toContainEqual(
      expect.objectContaining({
        model: snapshot,
        inputPerMillionUsd: 2,
        source: 'workspace',
        pricedAs: 'compatible:local-model',
      }),
    );
    fake.script({ type: 'answer', text: 'dated', usage: { input: 1000, output: 500 } });
    const r = await generate();
    expect(r).toMatchObject({ text: 'dated', model: 'local-model-20250101' });
    expect(r.costUsd).toBeCloseTo((1000 * 2 + 500 * 10) / 1_000_000, 10);
    const reset = await put({
      roleModels: { writer: null },
      modelPrices: { 'compatible:local-model': null },
      monthlyBudgetUsd: null,
    });
    expect(reset.statusCode, reset.body).toBe(200);
  });

  it.each([
    ['a negative price', { 'compatible:local-model': { input: -1, output: 1 } }],
    ['a price above the bound', { 'compatible:local-model': { input: 1, output: 1e9 } }],
    ['a price that is not a number', { 'compatible:local-model': { input: 'NaN', output: 1 } }],
    ['a missing rate', { 'compatible:local-model': { input: 1 } }],
    ['a model id without a provider', { 'local-model': { input: 1, output: 1 } }],
    ['an unknown provider', { 'nosuch:model': { input: 1, output: 1 } }],
  ])('refuses %s with a 400 naming the field', async (_what, modelPrices) => {
    const res = await put({ modelPrices });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation_error' } });
    expect(res.body).toContain('modelPrices');
  });

  it('refuses NaN and Infinity written into a raw body', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: { ...session(cookie), 'content-type': 'application/json' },
      payload: '{"modelPrices":{"compatible:local-model":{"input":NaN,"output":Infinity}}}',
    });
    expect(res.statusCode).toBe(400);
  });

  it('keeps every change of several sent at once (a script pricing models in parallel)', async () => {
    const models = ['compatible:a', 'compatible:b', 'compatible:c', 'compatible:d', 'compatible:e'];
    const answers = await Promise.all(
      models.map((model, i) => put({ modelPrices: { [model]: { input: i + 1, output: 2 * (i + 1) } } })),
    );
    for (const res of answers) expect(res.statusCode, res.body).toBe(200);
    // Each wrote back the settings it had read: all but the last one's price used to be lost.
    const settings = await t.app.inject({
      method: 'GET',
      url: '/api/v1/llm/settings',
      headers: session(cookie),
    });
    const stored = settings.json().modelPrices as Record<string, { input: number }>;
    for (const [i, model] of models.entries()) expect(stored[model]?.input, model).toBe(i + 1);
    // Taken out again, also at once.
    const removed = await Promise.all(models.map((model) => put({ modelPrices: { [model]: null } })));
    for (const res of removed) expect(res.statusCode, res.body).toBe(200);
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/llm/settings',
      headers: session(cookie),
    });
    expect(Object.keys(after.json().modelPrices).filter((m) => models.includes(m))).toEqual([]);
  });

  it('an editor (not an admin) may read prices but not set them', async () => {
    const member = await inviteMember(t.app, cookie, {
      email: 'writer@example.com',
      password: 'writer-password',
      role: 'editor',
    });
    const res = await put(
      { modelPrices: { 'compatible:local-model': { input: 1, output: 1 } } },
      member.cookie,
    );
    expect(res.statusCode).toBe(403);
    const read = await t.app.inject({
      method: 'GET',
      url: '/api/v1/llm/prices',
      headers: session(member.cookie),
    });
    expect(read.statusCode).toBe(200);
    expect((await prices()).find((p) => p.model === 'compatible:local-model')?.source).toBeNull();
  });

  it('a key needs the settings:read scope to read prices', async () => {
    const read = async (scopes: string[]) => {
      const { key } = await createKey(t.app, cookie, { name: scopes.join(' '), scopes });
      return t.app.inject({ method: 'GET', url: '/api/v1/llm/prices', headers: bearer(key) });
    };
    expect((await read(['documents:read'])).statusCode).toBe(403);
    expect((await read(['settings:read'])).statusCode).toBe(200);
  });
});
