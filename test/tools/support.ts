// A tools test environment: the fake OpenAI server (its generic tool writer answering whatever is
// not scripted), the real app on a test database, and a signed-in owner.
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { toolModelResponder } from '../fakes/tool-model.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

type Injected = Awaited<ReturnType<TestApp['app']['inject']>>;

export interface ToolEnv {
  test: TestApp;
  llm: FakeServer;
  owner: Awaited<ReturnType<typeof setupOwner>>;
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    cookie?: string,
  ): Promise<Injected>;
  close(): Promise<void>;
}

export const prices = { input: 0.15, output: 0.6 };

export async function startToolEnv(env: Record<string, string> = {}): Promise<ToolEnv> {
  const llm = await startOpenAiServer();
  llm.responder = toolModelResponder();
  const test = await createTestApp('postgres', {
    OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'compatible:fake-writer',
    LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-writer': prices }),
    // Attempts fail fast: a test of a refusal must not wait out the retry backoff.
    LLM_MAX_RETRIES: '0',
    ...env,
  });
  const owner = await setupOwner(test.app);
  return {
    test,
    llm,
    owner,
    call: (method, url, payload, cookie = owner.cookie) =>
      test.app.inject({
        method,
        url,
        headers: session(cookie),
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
      }),
    async close() {
      await test.close();
      await llm.close();
    },
  };
}

/** The text of every message of a chat request the fake received. */
export const messagesOf = (body: Record<string, unknown>) =>
  ((body.messages as Array<{ role: string; content: unknown }> | undefined) ?? []).map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content),
  }));
