// A workspace's stored provider and role model drive its calls: with nothing in the environment,
// settings saved through the API make the gateway call that provider's server, and a later change
// takes effect at once.
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createAppLlmGateway } from '../../src/llm/app-gateway.ts';
import { session } from '../support/accounts.ts';
import { useWorkspaceWithFakeModel } from './support.ts';

describe('workspace LLM settings reach the gateway', () => {
  const ws = useWorkspaceWithFakeModel();

  const put = (payload: Record<string, unknown>) =>
    ws.t.app.inject({ method: 'PUT', url: '/api/v1/llm/settings', headers: session(ws.cookie), payload });

  it('uses the stored OpenAI-compatible server and writer model', async () => {
    await expect(ws.write()).rejects.toThrow();
    const saved = await put({
      credentials: { compatible: { baseUrl: ws.fake.baseUrl, apiKey: 'sk-workspace-secret' } },
      roleModels: { writer: 'compatible:ws-model' },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).not.toContain('sk-workspace-secret');

    ws.fake.script({ type: 'answer', text: 'from the workspace server' });
    const r = await ws.write();
    expect(r).toMatchObject({ text: 'from the workspace server', provider: 'compatible', model: 'ws-model' });
    const last = ws.fake.requests.at(-1)!;
    expect(last.body.model).toBe('ws-model');
    expect(last.headers.authorization).toBe('Bearer sk-workspace-secret');

    await put({ roleModels: { writer: 'compatible:other-model' } });
    await ws.write();
    expect(ws.fake.requests.at(-1)!.body.model).toBe('other-model');
  });

  it('another process uses a rotated key once it reads the settings again, not the client it built', async () => {
    // Another process on the same database: told of nothing, it reads the settings again after a minute.
    const { runtime, config } = ws.t;
    const other = createAppLlmGateway({
      config,
      logger: pino({ level: 'silent' }),
      database: runtime.database,
      secretKey: runtime.secretKey,
    });
    const write = () =>
      other.generateText({
        role: 'writer',
        prompt: 'hi',
        workspaceId: ws.workspaceId,
        purpose: { kind: 'other' },
        cache: false,
      });
    await write();
    expect(ws.fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-workspace-secret');
    await put({ credentials: { compatible: { apiKey: 'sk-rotated-secret' } } });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    try {
      await write();
    } finally {
      vi.useRealTimers();
    }
    expect(ws.fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-rotated-secret');
    await other.flush();
  });
});
