// Each model's context size: configuration first, then what the server says (vLLM's max_model_len in
// /v1/models, Ollama's num_ctx in /api/show), then a default by provider; errors teach the real size.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ContextWindows, contextSizeInError } from '../../src/llm/context-window.ts';
import { parseModelId } from '../../src/llm/model-id.ts';
import { article, testGateway, useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers();
const logger = pino({ level: 'silent' });
const windows = (env: Record<string, string> = {}) =>
  new ContextWindows(loadConfig({ ENVIRONMENT: 'test', LOG_LEVEL: 'silent', ...env }), logger);

let ollamaUrl: string;
let ollama: ReturnType<typeof createServer>;
beforeAll(async () => {
  // Ollama's /api/show: the model's trained context in model_info, the served one as num_ctx.
  ollama = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const { model } = JSON.parse(body || '{}') as { model?: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          parameters: model === 'qwen3:8b' ? 'temperature 0.6\nnum_ctx 16384' : 'temperature 0.7',
          model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 40960 },
        }),
      );
    });
  });
  await new Promise<void>((r) => ollama.listen(0, '127.0.0.1', r));
  ollamaUrl = `http://127.0.0.1:${(ollama.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => ollama.close(() => r())));

const ref = (id: string) => parseModelId(id);

describe('context windows', () => {
  it('reads vLLM max_model_len from /v1/models', async () => {
    fakes.compat.quirks = { maxModelLen: 6144, modelIds: ['qwen'] };
    try {
      const size = await windows().sizeOf(
        ref('compatible:qwen'),
        { compatible: { baseURL: fakes.compat.baseUrl } },
        'env',
      );
      expect(size).toBe(6144);
    } finally {
      fakes.compat.quirks = {};
    }
  });

  it('reads Ollama num_ctx from /api/show, or its 4k default', async () => {
    const w = windows();
    const credentials = { ollama: { baseURL: ollamaUrl } };
    expect(await w.sizeOf(ref('ollama:qwen3:8b'), credentials, 'env')).toBe(16384);
    expect(await w.sizeOf(ref('ollama:llama3.2'), credentials, 'env')).toBe(4096);
  });

  it('prefers configuration: per model JSON, then LLM_CONTEXT_TOKENS', async () => {
    const w = windows({ LLM_CONTEXT_TOKENS: '32768', LLM_CONTEXT_TOKENS_JSON: '{"compatible:small":4096}' });
    const credentials = { compatible: { baseURL: fakes.compat.baseUrl } };
    expect(await w.sizeOf(ref('compatible:small'), credentials, 'env')).toBe(4096);
    expect(await w.sizeOf(ref('compatible:other'), credentials, 'env')).toBe(32768);
    expect(() => loadConfig({ ENVIRONMENT: 'test', LLM_CONTEXT_TOKENS_JSON: '{"x":12}' })).toThrow();
  });

  it('assumes hosted APIs are large and unknown local servers small', async () => {
    const w = windows();
    expect(await w.sizeOf(ref('openai:gpt-4o-mini'), {}, 'env')).toBe(128_000);
    // The fake lists no size for this model.
    expect(
      await w.sizeOf(ref('compatible:unknown'), { compatible: { baseURL: fakes.compat.baseUrl } }, 'env'),
    ).toBe(8192);
  });

  it('asks again, half a minute later, a server that failed to answer; not one that answered', async () => {
    // A vLLM server restarting: its listing answers 503 (or not at all), then its size.
    const answers: number[] = [503, 200];
    let asked = 0;
    const server = createServer((_req, res) => {
      asked++;
      const status = answers.shift() ?? 404;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          status === 200
            ? {
                data: [
                  { id: 'qwen', max_model_len: 16384 },
                  { id: 'back', max_model_len: 12288 },
                ],
              }
            : { error: 'no' },
        ),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const retryMs = 200;
      const w = new ContextWindows(loadConfig({ ENVIRONMENT: 'test', LOG_LEVEL: 'silent' }), logger, {
        rediscoverAfterMs: retryMs,
      });
      const port = (server.address() as AddressInfo).port;
      const credentials = { compatible: { baseURL: `http://127.0.0.1:${port}/v1` } };
      const model = ref('compatible:qwen');
      expect(await w.sizeOf(model, credentials, 'env')).toBe(8192);
      // Until then the failure stands: no call waits on a server that just failed.
      expect(await w.sizeOf(model, credentials, 'env')).toBe(8192);
      expect(asked).toBe(1);
      await new Promise((r) => setTimeout(r, retryMs + 50));
      expect(await w.sizeOf(model, credentials, 'env')).toBe(16384);
      expect(asked).toBe(2);
      // A model the server answered about without a size (here a 404) is not asked about again.
      const other = ref('compatible:missing');
      expect(await w.sizeOf(other, credentials, 'env')).toBe(8192);
      await new Promise((r) => setTimeout(r, retryMs + 50));
      expect(await w.sizeOf(other, credentials, 'env')).toBe(8192);
      expect(asked).toBe(3);
      // Nobody listening: asked again later too.
      server.close();
      server.closeAllConnections();
      const back = ref('compatible:back');
      expect(await w.sizeOf(back, credentials, 'env')).toBe(8192);
      expect(asked).toBe(3);
      await new Promise((r) => setTimeout(r, retryMs + 50));
      answers.push(200);
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      expect(await w.sizeOf(back, credentials, 'env')).toBe(12288);
      expect(asked).toBe(4);
    } finally {
      server.close();
    }
  });

  it('learns the size a context-length error names', async () => {
    const w = windows({ LLM_CONTEXT_TOKENS: '32768' });
    const model = ref('compatible:liar');
    expect(
      w.learn(
        model,
        'env',
        32768,
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens",
      ),
    ).toBe(4096);
    expect(await w.sizeOf(model, {}, 'env')).toBe(4096);
  });

  it.each([
    [
      "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
      8192,
    ],
    ['the request exceeds the available context size (context size: 4096), try increasing it', 4096],
    [
      'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 500 `max_new_tokens`',
      4096,
    ],
    ['prompt is too long', undefined],
  ])('finds the size in %j', (message, size) => {
    expect(contextSizeInError(message)).toBe(size);
  });

  it.each(['vllm', 'tgi'] as const)(
    'asks again with a prompt rebuilt to the size a context-length refusal named (%s)',
    async (style) => {
      fakes.compat.quirks = { contextTokens: 2048, contextErrorStyle: style };
      const { gateway, recorder } = testGateway({
        OPENAI_COMPATIBLE_BASE_URL: fakes.compat.baseUrl,
        LLM_MODEL: 'compatible:shrinking',
        LLM_CONTEXT_TOKENS: '32768',
      });
      const source = 'Heat pumps move heat from outdoor air into homes in winter. '.repeat(400);
      const budgets: number[] = [];
      try {
        fakes.compat.script({ type: 'answer', text: 'Short answer.' });
        const before = fakes.compat.requests.length;
        const r = await gateway.generateText({
          role: 'writer',
          prompt: `Summarise:\n${source}`,
          maxOutputTokens: 300,
          fit: (budget) => {
            budgets.push(budget);
            return { prompt: `Summarise:\n${source.slice(0, budget * 3)}` };
          },
          purpose: article,
        });
        expect(r.text).toBe('Short answer.');
        const sent = fakes.compat.requests.slice(before);
        // The first fitted to the configured 32k and was refused; the second fitted to 2048.
        expect(sent).toHaveLength(2);
        expect(budgets[1]).toBeLessThan(2048);
        expect(recorder.attempts.map((a) => a.errorCode ?? 'ok')).toEqual(['context_length', 'ok']);
      } finally {
        fakes.compat.quirks = {};
      }
    },
  );
});
