import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { resolveModels } from '../../src/llm/resolve-models.ts';

const config = (env: Record<string, string>) => loadConfig({ ENVIRONMENT: 'test', ...env });
const ids = (refs: { id: string }[]) => refs.map((r) => r.id);

describe('resolveModels', () => {
  it('uses sensible defaults of the single configured provider', () => {
    const r = resolveModels(config({ OPENAI_API_KEY: 'k' }));
    expect(r.configured).toEqual(['openai']);
    expect(ids(r.chains.writer)).toEqual(['openai:gpt-4o-mini']);
    expect(ids(r.chains.embedder)).toEqual(['openai:text-embedding-3-small']);

    const a = resolveModels(config({ ANTHROPIC_API_KEY: 'k' }));
    expect(ids(a.chains.planner)).toEqual(['anthropic:claude-haiku-4-5']);
    expect(a.chains.embedder).toEqual([]);
  });

  it('connects Ollama at its default address only when the operator names an ollama model', () => {
    const named = resolveModels(config({ LLM_MODEL: 'ollama:qwen3:8b' }));
    expect(named.credentials.ollama).toEqual({ baseURL: 'http://127.0.0.1:11434' });
    expect(ids(named.chains.writer)).toEqual(['ollama:qwen3:8b']);
    expect(resolveModels(config({ OPENAI_API_KEY: 'k' })).credentials.ollama).toBeUndefined();
    // A workspace's choice alone never enables the loopback default.
    const ws = resolveModels(config({ OPENAI_API_KEY: 'k' }), { models: { writer: 'ollama:llama3.2' } });
    expect(ws.credentials.ollama).toBeUndefined();
    expect(ws.configured).not.toContain('ollama');
  });

  it('backs the first provider up with the others when nothing is named', () => {
    const r = resolveModels(config({ ANTHROPIC_API_KEY: 'k', GROQ_API_KEY: 'g' }));
    expect(ids(r.chains.writer)).toEqual(['anthropic:claude-haiku-4-5', 'groq:llama-3.3-70b-versatile']);
  });

  it('applies LLM_MODEL, per-role overrides and LLM_FALLBACK_MODELS', () => {
    const r = resolveModels(
      config({
        OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:9/v1',
        ANTHROPIC_API_KEY: 'k',
        LLM_MODEL: 'compatible:qwen3',
        LLM_WRITER_MODEL: 'anthropic:claude-sonnet-4-5',
        LLM_FALLBACK_MODELS: 'anthropic:claude-haiku-4-5, compatible:qwen3',
        EMBEDDING_MODEL: 'ollama:nomic-embed-text',
      }),
    );
    expect(ids(r.chains.planner)).toEqual(['compatible:qwen3', 'anthropic:claude-haiku-4-5']);
    expect(ids(r.chains.writer)).toEqual([
      'anthropic:claude-sonnet-4-5',
      'anthropic:claude-haiku-4-5',
      'compatible:qwen3',
    ]);
    expect(ids(r.chains.embedder)).toEqual(['ollama:nomic-embed-text']);
  });

  it('lets a workspace bring its own credentials and choices on top of the environment', () => {
    const r = resolveModels(config({ OPENAI_API_KEY: 'env-key', LLM_MODEL: 'openai:gpt-4o-mini' }), {
      credentials: { anthropic: { apiKey: 'ws-key' } },
      models: { writer: 'anthropic:claude-haiku-4-5' },
    });
    expect(ids(r.chains.writer)).toEqual(['anthropic:claude-haiku-4-5']);
    expect(ids(r.chains.planner)).toEqual(['openai:gpt-4o-mini']);
    expect(r.credentialSource).toEqual({ openai: 'environment', anthropic: 'workspace' });
    expect(r.credentials.anthropic?.apiKey).toBe('ws-key');
  });

  it('has no chain when nothing is configured', () => {
    const r = resolveModels(config({}));
    expect(r.chains.writer).toEqual([]);
    expect(r.chains.embedder).toEqual([]);
  });

  it('rejects malformed model names at start-up', () => {
    expect(() => config({ LLM_MODEL: 'gpt-4o' })).toThrow(ConfigError);
    expect(() => config({ LLM_FALLBACK_MODELS: 'openai:gpt-4o, nope:x' })).toThrow(/unknown provider "nope"/);
  });
});
