import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, inviteMember, login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('GET /api/v1/llm/providers (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, {
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_COMPATIBLE_API_KEY: 'sk-compat-do-not-leak',
      ANTHROPIC_API_KEY: 'sk-ant-do-not-leak',
      LLM_MODEL: 'compatible:qwen3',
      LLM_FALLBACK_MODELS: 'anthropic:claude-haiku-4-5',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('needs a signed-in caller', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/llm/providers' });
    expect(res.statusCode).toBe(401);
  });

  it('lists providers and role chains without secrets', async () => {
    const { cookie } = await setupOwner(t.app);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/llm/providers', headers: session(cookie) });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('do-not-leak');
    const body = res.json();
    expect(body.roles.writer).toEqual(['compatible:qwen3', 'anthropic:claude-haiku-4-5']);
    expect(
      body.providers
        .filter((p: { configured: boolean }) => p.configured)
        .map((p: { name: string }) => p.name),
    ).toEqual(['anthropic', 'compatible']);
    expect(body.providers.find((p: { name: string }) => p.name === 'compatible').baseUrl).toBe(
      'http://127.0.0.1:9/v1',
    );
  });

  it('shows members the role chains but not where the servers are; a key needs settings:read', async () => {
    const owner = await login(t.app, 'owner@example.com', 'owner-password');
    const viewer = await inviteMember(t.app, owner, {
      email: 'viewer@example.com',
      password: 'viewer-password',
      role: 'viewer',
    });
    const read = (headers: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: '/api/v1/llm/providers', headers });
    const seen = await read(session(viewer.cookie));
    expect(seen.statusCode).toBe(200);
    expect(seen.json().roles.writer).toEqual(['compatible:qwen3', 'anthropic:claude-haiku-4-5']);
    expect(seen.body).not.toContain('127.0.0.1');
    expect(seen.json().providers.every((p: { baseUrl: string | null }) => p.baseUrl === null)).toBe(true);

    const documentsOnly = await createKey(t.app, owner, { name: 'docs', scopes: ['documents:read'] });
    expect((await read(bearer(documentsOnly.key))).statusCode).toBe(403);
    const settingsReader = await createKey(t.app, owner, { name: 'settings', scopes: ['settings:read'] });
    expect((await read(bearer(settingsReader.key))).statusCode).toBe(200);
  });
});
