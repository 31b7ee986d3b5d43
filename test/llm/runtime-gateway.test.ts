// The runtime every edge builds on carries a working gateway configured from the environment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('runtime.llm (%s)', (backend) => {
  let compat: FakeServer;
  let t: TestApp;
  beforeAll(async () => {
    compat = await startOpenAiServer();
    t = await createTestApp(backend, {
      OPENAI_COMPATIBLE_BASE_URL: compat.baseUrl,
      LLM_MODEL: 'compatible:served-model',
    });
  });
  afterAll(async () => {
    await t?.close();
    await compat?.close();
  });

  it('generates through the configured provider', async () => {
    compat.script({ type: 'answer', text: 'from the runtime', usage: { input: 8, output: 3 } });
    const r = await t.runtime.llm.generateText({ role: 'writer', prompt: 'hi', purpose: { kind: 'other' } });
    expect(r).toMatchObject({ text: 'from the runtime', provider: 'compatible', model: 'served-model' });
    expect(r.usage).toEqual({ inputTokens: 8, outputTokens: 3, cachedInputTokens: 0 });
    await t.runtime.llm.flush();
  });
});
