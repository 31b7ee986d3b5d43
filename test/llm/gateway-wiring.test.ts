// How the gateway uses what it is wired to — response and embedding caches, the rate limiter,
// workspace settings — and that credentials never reach the logs.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../src/errors.ts';
import type { CachedLlmResponse, EmbeddingCache, LlmLimiter, ResponseCache } from '../../src/llm/ports.ts';
import { fakeVector } from '../fakes/openai-server.ts';
import { article, testGateway, useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers({ resetRequests: true });

const env = (extra: Record<string, string> = {}) => ({
  OPENAI_COMPATIBLE_BASE_URL: fakes.compat.baseUrl,
  OPENAI_COMPATIBLE_API_KEY: 'sk-compat-very-secret',
  ANTHROPIC_API_KEY: 'sk-ant-very-secret',
  ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
  LLM_MODEL: 'compatible:primary',
  LLM_FALLBACK_MODELS: 'anthropic:claude-backup',
  EMBEDDING_MODEL: 'compatible:embedder',
  ...extra,
});

function mapCache(): ResponseCache & { entries: Map<string, CachedLlmResponse> } {
  const entries = new Map<string, CachedLlmResponse>();
  return {
    entries,
    get: async (k) => entries.get(k) ?? null,
    set: async (k, v) => {
      entries.set(k, v);
    },
  };
}

describe('response cache', () => {
  it('answers a repeated call from the cache: no upstream request, not billed', async () => {
    const cache = mapCache();
    const { gateway, recorder } = testGateway(env(), { responseCache: cache });
    fakes.compat.script({ type: 'answer', text: 'cached answer', usage: { input: 10, output: 2 } });
    const call = { role: 'writer', prompt: 'same question', purpose: article } as const;
    const first = await gateway.generateText(call);
    const second = await gateway.generateText(call);
    expect(fakes.compat.requests).toHaveLength(1);
    expect(second).toMatchObject({ text: 'cached answer', cached: true, costUsd: 0, attempts: 0 });
    expect(first.cached).toBe(false);
    expect(recorder.cacheHits).toBe(1);
    // Only the real request is accounted as an attempt.
    expect(recorder.attempts).toHaveLength(1);
  });

  it('keys on the prompt, parameters and schema, and can be bypassed per call', async () => {
    const cache = mapCache();
    const { gateway } = testGateway(env(), { responseCache: cache });
    const base = { role: 'writer', prompt: 'q', purpose: article } as const;
    await gateway.generateText(base);
    await gateway.generateText({ ...base, temperature: 0.9 });
    await gateway.generateText({ ...base, prompt: 'other' });
    await gateway.generateText({ ...base, cache: false });
    expect(fakes.compat.requests).toHaveLength(4);
    fakes.compat.script({ type: 'answer', json: { n: 1 } });
    const obj = await gateway.generateObject({ ...base, schema: z.object({ n: z.number() }) });
    expect(obj.object).toEqual({ n: 1 });
    const again = await gateway.generateObject({ ...base, schema: z.object({ n: z.number() }) });
    expect(again).toMatchObject({ cached: true, object: { n: 1 } });
    expect(fakes.compat.requests).toHaveLength(5);
  });

  it('asks the model when a cached object does not pass the schema (a refinement its JSON does not hold, another version)', async () => {
    const cache = mapCache();
    const { gateway, recorder } = testGateway(env(), { responseCache: cache });
    const call = { role: 'writer', prompt: 'count', purpose: article } as const;
    fakes.compat.script({ type: 'answer', json: { n: -1 } });
    // Same JSON schema either way: the refinement is not in the key.
    const loose = await gateway.generateObject({ ...call, schema: z.object({ n: z.number() }) });
    expect(loose.object).toEqual({ n: -1 });
    fakes.compat.script({ type: 'answer', json: { n: 3 } });
    const strict = await gateway.generateObject({
      ...call,
      schema: z.object({ n: z.number().refine((n) => n >= 0, 'not negative') }),
    });
    expect(strict).toMatchObject({ cached: false, object: { n: 3 } });
    expect(fakes.compat.requests).toHaveLength(2);
    expect(recorder.cacheHits).toBe(0);
    // The model's answer replaced the entry: asked again, the cache answers.
    await gateway.flush();
    const again = await gateway.generateObject({
      ...call,
      schema: z.object({ n: z.number().refine((n) => n >= 0, 'not negative') }),
    });
    expect(again).toMatchObject({ cached: true, object: { n: 3 } });
    expect(fakes.compat.requests).toHaveLength(2);
  });

  it("never answers a workspace from another's entries, nor from the same workspace's under other credentials", async () => {
    // w-own points the provider at a server of its own (here the same fake, another key): its answer
    // must not become the others' cached answer — nor anyone's the environment's server gave.
    const cache = mapCache();
    let ownKey = 'w-own-key';
    const { gateway } = testGateway(env(), {
      responseCache: cache,
      workspaceSettings: async (id) =>
        id === 'w-own'
          ? { credentials: { compatible: { apiKey: ownKey, baseURL: fakes.compat.baseUrl } } }
          : null,
    });
    const ask = (workspaceId: string) =>
      gateway.generateText({ role: 'writer', prompt: 'the same question', purpose: article, workspaceId });
    fakes.compat.script(
      { type: 'answer', text: "w-own's server" },
      { type: 'answer', text: 'for w1' },
      { type: 'answer', text: 'for w2' },
    );
    expect(await ask('w-own')).toMatchObject({ text: "w-own's server", cached: false });
    expect(await ask('w1')).toMatchObject({ text: 'for w1', cached: false });
    expect(await ask('w2')).toMatchObject({ text: 'for w2', cached: false });
    // Each workspace's own entry still answers it.
    expect(await ask('w1')).toMatchObject({ text: 'for w1', cached: true });
    expect(await ask('w-own')).toMatchObject({ text: "w-own's server", cached: true });
    // A rotated key (another server, maybe) does not read what the old one answered.
    ownKey = 'w-own-rotated';
    gateway.invalidateWorkspace('w-own');
    fakes.compat.script({ type: 'answer', text: 'after the rotation' });
    expect(await ask('w-own')).toMatchObject({ text: 'after the rotation', cached: false });
    expect(fakes.compat.requests).toHaveLength(4);
  });

  it('replays a cached answer to a streaming call', async () => {
    const cache = mapCache();
    const { gateway } = testGateway(env(), { responseCache: cache });
    fakes.compat.script({ type: 'answer', text: 'streamed once' });
    const call = { role: 'writer', prompt: 'stream me', purpose: article } as const;
    for await (const _ of gateway.streamText(call)) {
      // drain
    }
    const again = gateway.streamText(call);
    let text = '';
    for await (const d of again) text += d;
    expect(text).toBe('streamed once');
    expect((await again.result).cached).toBe(true);
    expect(fakes.compat.requests).toHaveLength(1);
  });
});

describe('embedding cache', () => {
  it('only sends the texts it has not seen', async () => {
    const store = new Map<string, number[]>();
    const cache: EmbeddingCache = {
      getMany: async (model, texts) => texts.map((t) => store.get(`${model}|${t}`) ?? null),
      setMany: async (model, texts, vectors) => {
        texts.forEach((t, i) => {
          store.set(`${model}|${t}`, vectors[i]!);
        });
      },
    };
    const { gateway } = testGateway(env(), { embeddingCache: cache });
    await gateway.embed(['alpha', 'beta']);
    const r = await gateway.embed(['beta', 'gamma']);
    expect(r.embeddings).toEqual([fakeVector('beta'), fakeVector('gamma')]);
    expect(r.cachedCount).toBe(1);
    expect(fakes.compat.requests.at(-1)!.body.input).toEqual(['gamma']);
    const all = await gateway.embed(['alpha', 'gamma']);
    expect(all).toMatchObject({ cachedCount: 2, costUsd: 0 });
    expect(fakes.compat.requests).toHaveLength(2);
    // Another workspace's texts are its own: none of these vectors is handed to it.
    const other = await gateway.embed(['alpha', 'gamma'], { workspaceId: 'w2' });
    expect(other.cachedCount).toBe(0);
    expect(fakes.compat.requests.at(-1)!.body.input).toEqual(['alpha', 'gamma']);
  });
});

describe('a broken embedding cache', () => {
  it('is read as a miss and written past: the texts are embedded by the model', async () => {
    const cache: EmbeddingCache = {
      getMany: async () => {
        throw new Error('cache unreachable');
      },
      setMany: async () => {
        throw new Error('cache unreachable');
      },
    };
    const { gateway } = testGateway(env(), { embeddingCache: cache });
    const r = await gateway.embed(['alpha', 'beta']);
    expect(r.embeddings).toEqual([fakeVector('alpha'), fakeVector('beta')]);
    expect(r.cachedCount).toBe(0);
    expect(fakes.compat.requests.at(-1)!.body.input).toEqual(['alpha', 'beta']);
  });
});

describe('rate limiter', () => {
  it('reserves an estimate before each attempt and releases the real token count', async () => {
    const calls: Array<{ key: string; estimate: number; actual?: number }> = [];
    const limiter: LlmLimiter = {
      acquire: async (key, estimate) => {
        const entry: { key: string; estimate: number; actual?: number } = {
          key: `${key.provider}:${key.model}`,
          estimate,
          actual: undefined,
        };
        calls.push(entry);
        return {
          waitedMs: 0,
          release: (actual) => {
            entry.actual = actual;
          },
        };
      },
    };
    const { gateway } = testGateway(env(), { limiter });
    fakes.compat.script({ type: 'answer', text: 'x', usage: { input: 30, output: 12 } });
    await gateway.generateText({
      role: 'writer',
      prompt: 'a'.repeat(400),
      maxOutputTokens: 50,
      purpose: article,
    });
    expect(calls).toEqual([{ key: 'compatible:primary', estimate: 150, actual: 42 }]);
  });

  it('moves to the next model when the limiter refuses, and reports rate_limited when all refuse', async () => {
    const full = new Set(['compatible:primary']);
    const limiter: LlmLimiter = {
      acquire: async (key) => {
        if (full.has(`${key.provider}:${key.model}`)) throw new AppError('rate_limited', 'LLM queue is full');
        return { waitedMs: 0, release: () => {} };
      },
    };
    const { gateway } = testGateway(env(), { limiter });
    const r = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    expect(r.provider).toBe('anthropic');
    expect(fakes.compat.requests).toHaveLength(0);

    full.add('anthropic:claude-backup');
    const err = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('rate_limited');
  });
});

describe('rate limiter lanes', () => {
  it('tells the limiter whose call it is and whose credentials it uses', async () => {
    const keys: Array<Parameters<LlmLimiter['acquire']>[0]> = [];
    const limiter: LlmLimiter = {
      acquire: async (key) => {
        keys.push(key);
        return { waitedMs: 0, release: () => {} };
      },
    };
    // w1 calls with its own key; w2 with the environment's.
    const { gateway } = testGateway(env(), {
      limiter,
      workspaceSettings: async (id) =>
        id === 'w1'
          ? { credentials: { compatible: { apiKey: 'ws-key', baseURL: fakes.compat.baseUrl } } }
          : null,
    });
    for (const workspaceId of ['w1', 'w2', undefined])
      await gateway.generateText({
        role: 'writer',
        prompt: 'x',
        purpose: article,
        ...(workspaceId && { workspaceId }),
      });
    expect(keys.map(({ scope, turn }) => ({ scope, turn }))).toEqual([
      // The workspace's lane is named by its credentials: a rotated key starts a lane of its own.
      { scope: expect.stringMatching(/^ws:w1:[0-9a-f]{16}$/), turn: 'w1' },
      { scope: 'env', turn: 'w2' },
      { scope: 'env', turn: '' },
    ]);
  });
});

describe('workspace settings', () => {
  it('uses a workspace own model choice and key, re-read after invalidation', async () => {
    let settings = {
      models: { writer: 'anthropic:claude-workspace' },
      credentials: { anthropic: { apiKey: 'ws-key', baseURL: fakes.anthropic.baseUrl } },
    };
    const { gateway } = testGateway(env(), { workspaceSettings: async () => settings });
    const r = await gateway.generateText({
      role: 'writer',
      prompt: 'x',
      purpose: article,
      workspaceId: 'w1',
    });
    expect(r).toMatchObject({ provider: 'anthropic', model: 'claude-workspace' });
    expect(fakes.anthropic.requests.at(-1)!.headers['x-api-key']).toBe('ws-key');
    // Other workspaces and calls without one keep the environment's chain.
    const plain = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    expect(plain.provider).toBe('compatible');

    settings = {
      models: { writer: 'compatible:ws-local' },
      credentials: { anthropic: { apiKey: 'ws-key', baseURL: fakes.anthropic.baseUrl } },
    };
    gateway.invalidateWorkspace('w1');
    const after = await gateway.generateText({
      role: 'writer',
      prompt: 'x',
      purpose: article,
      workspaceId: 'w1',
    });
    expect(after).toMatchObject({ provider: 'compatible', model: 'ws-local' });
  });
});

describe('secrets', () => {
  it('never writes an API key to the logs, even when calls fail', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { gateway } = testGateway(env({ LLM_MAX_RETRIES: '0' }), {
      logger: pino({ level: 'trace' }, sink),
    });
    fakes.compat.script({ type: 'error', status: 500 });
    fakes.anthropic.script({ type: 'error', status: 401, message: 'invalid x-api-key' });
    await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article }).catch((e) => e);
    const err = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article }).catch((e) => e);
    const all = lines.join('\n') + JSON.stringify(err) + String(err.message) + JSON.stringify(err.details);
    expect(lines.length).toBeGreaterThan(0);
    expect(all).not.toContain('sk-compat-very-secret');
    expect(all).not.toContain('sk-ant-very-secret');
  });
});
