// The routes behind the web app's guided model setup: a provider's model list, the refusal of a
// role model nothing can reach, and the price of each model in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('LLM setup routes', () => {
  let t: TestApp;
  let cookie: string;
  let fake: FakeServer;

  beforeAll(async () => {
    fake = await startOpenAiServer();
    fake.quirks = { modelIds: ['chat-large', 'text-embed-small'] };
    t = await createTestApp('postgres', {
      LLM_ALLOW_HOSTS: '127.0.0.0/8',
      LLM_PRICES_JSON: JSON.stringify({ 'compatible:chat-large': { input: 1, output: 2 } }),
    });
    cookie = (await setupOwner(t.app)).cookie;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const put = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/llm/settings', headers: session(cookie), payload });
  const models = (provider: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/llm/providers/${provider}/models`,
      headers: session(cookie),
    });

  it('answers 409 for a provider that is not connected, 400 for an unknown one', async () => {
    const res = await models('compatible');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/not connected/);
    expect((await models('nosuch')).statusCode).toBe(400);
  });

  it("lists a connected provider's models from its own /models, text before embedding, asked each time", async () => {
    expect(
      (await put({ credentials: { compatible: { baseUrl: fake.baseUrl, apiKey: 'sk-list' } } })).statusCode,
    ).toBe(200);
    const res = await models('compatible');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      { id: 'compatible:chat-large', kind: 'text' },
      { id: 'compatible:text-embed-small', kind: 'embedding' },
    ]);
    // Asked each time, not remembered: the server's current list.
    fake.quirks = { modelIds: ['chat-large', 'text-embed-small', 'chat-small'] };
    expect((await models('compatible')).json().items.map((m: { id: string }) => m.id)).toEqual([
      'compatible:chat-large',
      'compatible:chat-small',
      'compatible:text-embed-small',
    ]);
  });

  it('refuses a role model whose provider has no key, at its field', async () => {
    const res = await put({ roleModels: { writer: 'openai:gpt-4o-mini', planner: 'compatible:chat-large' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      {
        path: 'roleModels.writer',
        message: expect.stringMatching(/openai is not connected: add an API key/),
      },
    ]);
    // The same change with the key in the same request is fine.
    const ok = await put({
      credentials: { openai: { apiKey: 'sk-openai' } },
      roleModels: {
        writer: 'compatible:chat-large',
        planner: 'compatible:chat-large',
        embedder: 'compatible:text-embed-small',
      },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('reports the price of each model in use, null when unknown', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/llm/prices', headers: session(cookie) });
    expect(res.statusCode).toBe(200);
    const byModel = Object.fromEntries(
      (res.json().items as Array<{ model: string; roles: string[] }>).map((p) => [p.model, p]),
    );
    expect(byModel['compatible:chat-large']).toMatchObject({ inputPerMillionUsd: 1, outputPerMillionUsd: 2 });
    expect(byModel['compatible:chat-large']?.roles).toEqual(expect.arrayContaining(['planner', 'writer']));
    expect(byModel['compatible:text-embed-small']).toMatchObject({
      inputPerMillionUsd: null,
      roles: ['embedder'],
    });
  });
});
