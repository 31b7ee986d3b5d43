// A workspace's stored provider and role model drive its calls: with nothing in the environment,
// settings saved through the API make the gateway call that provider's server, and a later change
// takes effect at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('workspace LLM settings reach the gateway', () => {
  let fake: FakeServer;
  let t: TestApp;
  let cookie: string;
  let workspaceId: string;
  beforeAll(async () => {
    fake = await startOpenAiServer();
    // The fake model server is on loopback: the operator's allowance (LLM_ALLOW_HOSTS) lets it in.
    t = await createTestApp('pglite', { LLM_ALLOW_HOSTS: '127.0.0.1' });
    const owner = await setupOwner(t.app);
    cookie = owner.cookie;
    workspaceId = owner.body.workspace.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const put = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/llm/settings', headers: session(cookie), payload });

  it('uses the stored OpenAI-compatible server and writer model', async () => {
    await expect(
      t.runtime.llm.generateText({
        role: 'writer',
        prompt: 'hi',
        workspaceId,
        purpose: { kind: 'other' },
        cache: false,
      }),
    ).rejects.toThrow();
    const saved = await put({
      credentials: { compatible: { baseUrl: fake.baseUrl, apiKey: 'sk-workspace-secret' } },
      roleModels: { writer: 'compatible:ws-model' },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).not.toContain('sk-workspace-secret');

    fake.script({ type: 'answer', text: 'from the workspace server' });
    const r = await t.runtime.llm.generateText({
      role: 'writer',
      prompt: 'hi',
      workspaceId,
      purpose: { kind: 'other' },
      cache: false,
    });
    expect(r).toMatchObject({ text: 'from the workspace server', provider: 'compatible', model: 'ws-model' });
    const last = fake.requests.at(-1)!;
    expect(last.body.model).toBe('ws-model');
    expect(last.headers.authorization).toBe('Bearer sk-workspace-secret');

    await put({ roleModels: { writer: 'compatible:other-model' } });
    await t.runtime.llm.generateText({
      role: 'writer',
      prompt: 'again',
      workspaceId,
      purpose: { kind: 'other' },
      cache: false,
    });
    expect(fake.requests.at(-1)!.body.model).toBe('other-model');
  });
});
