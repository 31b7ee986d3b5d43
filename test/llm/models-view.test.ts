// What `blogsmith models` / `models check` (and the providers API) show: resolved chains without
// credentials, and per-model latency or the exact upstream error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { describeModels } from '../../src/llm/describe.ts';
import { probeModels } from '../../src/llm/probe.ts';
import { resolveModels } from '../../src/llm/resolve-models.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';

let compat: FakeServer;
beforeAll(async () => {
  compat = await startOpenAiServer();
});
afterAll(async () => {
  await compat.close();
});

describe('models view and check', () => {
  it('lists providers and role chains without any credential', () => {
    const config = loadConfig({
      ENVIRONMENT: 'test',
      OPENAI_COMPATIBLE_BASE_URL: 'http://user:hunter2@127.0.0.1:8000/v1?key=zzz',
      OPENAI_COMPATIBLE_API_KEY: 'sk-compat-secret',
      ANTHROPIC_API_KEY: 'sk-ant-secret',
      LLM_MODEL: 'compatible:qwen3',
      LLM_FALLBACK_MODELS: 'anthropic:claude-haiku-4-5',
    });
    const view = describeModels(resolveModels(config));
    const json = JSON.stringify(view);
    for (const secret of ['sk-compat-secret', 'sk-ant-secret', 'hunter2', 'zzz'])
      expect(json).not.toContain(secret);
    expect(view.providers.find((p) => p.name === 'compatible')).toEqual({
      name: 'compatible',
      configured: true,
      source: 'environment',
      baseUrl: 'http://127.0.0.1:8000/v1',
    });
    expect(view.roles.writer).toEqual(['compatible:qwen3', 'anthropic:claude-haiku-4-5']);
  });

  it('makes one tiny call per model and reports latency or the exact error', async () => {
    const config = loadConfig({
      ENVIRONMENT: 'test',
      OPENAI_COMPATIBLE_BASE_URL: compat.baseUrl,
      LLM_MODEL: 'compatible:good',
      LLM_WRITER_MODEL: 'compatible:bad',
      EMBEDDING_MODEL: 'compatible:embed',
    });
    // Request order: planner/checker share `good`, then `bad` (writer), then the embedder.
    compat.script(
      { type: 'answer', text: 'OK' },
      { type: 'error', status: 404, message: 'model bad not found' },
    );
    // The fake server's vectors are 8 wide.
    const results = await probeModels(resolveModels(config), { timeoutMs: 2000, embeddingDimensions: 8 });
    const byModel = Object.fromEntries(results.map((r) => [`${r.kind}:${r.model}`, r]));
    expect(byModel['text:compatible:good']).toMatchObject({ ok: true });
    expect(byModel['text:compatible:bad']).toMatchObject({ ok: false });
    expect(byModel['text:compatible:bad']!.error).toContain('HTTP 404');
    expect(byModel['text:compatible:bad']!.error).toContain('model bad not found');
    expect(byModel['embedding:compatible:embed']).toMatchObject({ ok: true });
    expect(results).toHaveLength(3);
  });

  it('fails an embedding model whose vectors do not fit the embedding column, saying what to set', async () => {
    const config = loadConfig({
      ENVIRONMENT: 'test',
      OPENAI_COMPATIBLE_BASE_URL: compat.baseUrl,
      EMBEDDING_MODEL: 'compatible:embed',
    });
    const [embedder] = await probeModels(resolveModels(config), { timeoutMs: 2000, embeddingDimensions: 16 });
    expect(embedder).toMatchObject({ model: 'compatible:embed', kind: 'embedding', ok: false });
    expect(embedder!.error).toMatch(
      /compatible:embed gives 8-dimensional vectors but the embedding column holds 16 \(EMBEDDING_DIMENSIONS\): set EMBEDDING_DIMENSIONS=8/,
    );
  });

  it('reports the structured-output rung each text model handles', async () => {
    const config = loadConfig({
      ENVIRONMENT: 'test',
      OPENAI_COMPATIBLE_BASE_URL: compat.baseUrl,
      LLM_MODEL: 'compatible:llamacpp',
    });
    compat.quirks = { rejectJsonSchema: true };
    try {
      // The plain probe, then json_schema is refused by the server, then JSON mode answers.
      compat.script({ type: 'answer', text: 'OK' }, { type: 'answer', json: { ok: true, word: 'water' } });
      const results = await probeModels(resolveModels(config), { timeoutMs: 2000, embeddingDimensions: 8 });
      expect(results).toEqual([
        expect.objectContaining({ model: 'compatible:llamacpp', ok: true, structuredOutput: 'json_object' }),
      ]);

      compat.quirks = { rejectResponseFormat: true, rejectTools: true, fencedJson: true };
      compat.script({ type: 'answer', text: 'OK' }, { type: 'answer', json: { ok: true, word: 'water' } });
      const [textOnly] = await probeModels(resolveModels(config), {
        timeoutMs: 2000,
        embeddingDimensions: 8,
      });
      expect(textOnly!.structuredOutput).toBe('text');
    } finally {
      compat.quirks = {};
    }
  });
});
