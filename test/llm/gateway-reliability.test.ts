// Reliability over real HTTP: retries honouring Retry-After, fallback across providers, timeouts,
// the circuit breaker, structured-output repair and stream failures before/after the first token.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AttemptTimeoutError, LlmStreamInterruptedError } from '../../src/llm/failures.ts';
import { LlmUnavailableError } from '../../src/llm/run-chain.ts';
import { article, testGateway, useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers({ resetRequests: true });

// Primary: the compatible server; fallback: Anthropic.
const env = (extra: Record<string, string> = {}) => ({
  OPENAI_COMPATIBLE_BASE_URL: fakes.compat.baseUrl,
  ANTHROPIC_API_KEY: 'sk-ant-test',
  ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
  LLM_MODEL: 'compatible:primary',
  LLM_FALLBACK_MODELS: 'anthropic:claude-backup',
  ...extra,
});

describe('retries', () => {
  it('waits at least the Retry-After the server asked for, then succeeds on the same model', async () => {
    const { gateway, recorder } = testGateway(env());
    fakes.compat.script(
      { type: 'error', status: 429, headers: { 'retry-after': '1' } },
      { type: 'answer', text: 'after the wait' },
    );
    const r = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    expect(r.text).toBe('after the wait');
    expect(r.attempts).toBe(2);
    expect(fakes.compat.requests).toHaveLength(2);
    const gap = fakes.compat.requests[1]!.at - fakes.compat.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(1000);
    expect(recorder.attempts.map((a) => [a.outcome, a.errorCode])).toEqual([
      ['error', 'http_429'],
      ['ok', undefined],
    ]);
  });

  it('retries a 500 with backoff and never lets the SDK add its own retries', async () => {
    const { gateway } = testGateway(env({ LLM_MAX_RETRIES: '1' }));
    fakes.compat.script({ type: 'error', status: 500 }, { type: 'error', status: 500 });
    fakes.anthropic.script({ type: 'answer', text: 'from the backup' });
    const r = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    // 1 try + 1 retry on the primary (not 1 + 1 + the SDK's 2 each), then the backup.
    expect(fakes.compat.requests).toHaveLength(2);
    expect(r).toMatchObject({ text: 'from the backup', provider: 'anthropic', attempts: 3 });
  });

  it('does not retry or fall back on a bad request', async () => {
    const { gateway } = testGateway(env());
    fakes.compat.script({ type: 'error', status: 400, message: 'unsupported parameter' });
    await expect(
      gateway.generateText({ role: 'writer', prompt: 'x', purpose: article }),
    ).rejects.toBeInstanceOf(LlmUnavailableError);
    expect(fakes.compat.requests).toHaveLength(1);
    expect(fakes.anthropic.requests).toHaveLength(0);
  });
});

describe('fallback', () => {
  it('moves from the compatible server to Anthropic without the caller noticing', async () => {
    const { gateway, recorder } = testGateway(env({ LLM_MAX_RETRIES: '0' }));
    fakes.compat.script({ type: 'error', status: 503 });
    fakes.anthropic.script({ type: 'answer', text: 'Claude answered', usage: { input: 14, output: 4 } });
    const r = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    expect(r).toMatchObject({ text: 'Claude answered', provider: 'anthropic', model: 'claude-backup' });
    expect(r.usage).toEqual({ inputTokens: 14, outputTokens: 4, cachedInputTokens: 0 });
    expect(recorder.fallbacks).toEqual([
      { from: 'compatible:primary', to: 'anthropic:claude-backup', reason: 'http_503' },
    ]);
    expect(recorder.attempts.map((a) => a.outcome)).toEqual(['fallback', 'ok']);
  });

  it('falls back at once on a context-length error', async () => {
    const { gateway } = testGateway(env());
    fakes.compat.script({
      type: 'error',
      status: 400,
      code: 'context_length_exceeded',
      message: "This model's maximum context length is 8192 tokens",
    });
    fakes.anthropic.script({ type: 'answer', text: 'bigger window' });
    const r = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    expect(r.text).toBe('bigger window');
    expect(fakes.compat.requests).toHaveLength(1);
  });

  it('times out a hanging model and falls back', async () => {
    const { gateway, recorder } = testGateway(env({ LLM_MAX_RETRIES: '0' }), {
      reliability: { timeoutMs: 300 },
    });
    fakes.compat.script({ type: 'hang' });
    fakes.anthropic.script({ type: 'answer', text: 'not hanging' });
    const started = Date.now();
    const r = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    expect(r.text).toBe('not hanging');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(recorder.attempts[0]).toMatchObject({ outcome: 'fallback', errorCode: 'timeout' });
  });

  it('skips a model whose provider has no credentials', async () => {
    const { gateway, recorder } = testGateway(env({ LLM_MODEL: 'groq:llama-3.3-70b-versatile' }));
    fakes.anthropic.script({ type: 'answer', text: 'configured one' });
    const r = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    expect(r.provider).toBe('anthropic');
    expect(recorder.fallbacks[0]).toMatchObject({
      from: 'groq:llama-3.3-70b-versatile',
      reason: 'not_configured',
    });
  });

  it('reports every failure when the whole chain fails', async () => {
    const { gateway } = testGateway(env({ LLM_MAX_RETRIES: '0' }));
    fakes.compat.script({ type: 'error', status: 500 });
    fakes.anthropic.script({ type: 'error', status: 529, message: 'overloaded' });
    const err = await gateway.generateText({ role: 'writer', prompt: 'x', purpose: article }).catch((e) => e);
    expect(err).toBeInstanceOf(LlmUnavailableError);
    expect(err.code).toBe('unavailable');
    expect(err.failures.map((f: { model: string; code: string }) => [f.model, f.code])).toEqual([
      ['compatible:primary', 'http_500'],
      ['anthropic:claude-backup', 'http_529'],
    ]);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, skips the model, and half-opens after the cool-down', async () => {
    const { gateway } = testGateway(env({ LLM_MAX_RETRIES: '0' }), {
      reliability: { breakerThreshold: 2, breakerCooldownMs: 400 },
    });
    const call = () => gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    fakes.compat.script({ type: 'error', status: 500 }, { type: 'error', status: 500 });
    await call();
    await call();
    expect(fakes.compat.requests).toHaveLength(2);
    // Open: the primary is not even asked.
    const r = await call();
    expect(r.provider).toBe('anthropic');
    expect(fakes.compat.requests).toHaveLength(2);

    await new Promise((res) => setTimeout(res, 450));
    fakes.compat.script({ type: 'answer', text: 'healthy again' });
    const trial = await call();
    expect(trial).toMatchObject({ provider: 'compatible', text: 'healthy again' });
    expect(fakes.compat.requests).toHaveLength(3);
    // Closed again: the next call goes to the primary too.
    await call();
    expect(fakes.compat.requests).toHaveLength(4);
  });

  it('re-opens when the half-open trial fails', async () => {
    const { gateway } = testGateway(env({ LLM_MAX_RETRIES: '0' }), {
      reliability: { breakerThreshold: 1, breakerCooldownMs: 300 },
    });
    const call = () => gateway.generateText({ role: 'writer', prompt: 'x', purpose: article });
    fakes.compat.script({ type: 'error', status: 500 });
    await call();
    await new Promise((res) => setTimeout(res, 350));
    fakes.compat.script({ type: 'error', status: 500 });
    await call();
    expect(fakes.compat.requests).toHaveLength(2);
    await call();
    expect(fakes.compat.requests).toHaveLength(2);
  });
});

describe('structured output', () => {
  const schema = z.object({ title: z.string(), sections: z.array(z.string()).min(1) });

  it('repairs invalid JSON once, feeding the validation error back', async () => {
    const { gateway, recorder } = testGateway(env());
    fakes.compat.script(
      { type: 'answer', json: { title: 'Outline' }, usage: { input: 50, output: 10 } },
      { type: 'answer', json: { title: 'Outline', sections: ['Intro'] }, usage: { input: 80, output: 12 } },
    );
    const r = await gateway.generateObject({
      role: 'planner',
      prompt: 'Outline it',
      schema,
      purpose: article,
    });
    expect(r.object).toEqual({ title: 'Outline', sections: ['Intro'] });
    expect(r).toMatchObject({ provider: 'compatible', attempts: 2 });
    const first = fakes.compat.requests[0]!.body;
    expect((first.response_format as { type: string }).type).toBe('json_schema');
    const repair = fakes.compat.requests[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(repair.at(-2)).toMatchObject({ role: 'assistant', content: '{"title":"Outline"}' });
    expect(repair.at(-1)!.role).toBe('user');
    expect(repair.at(-1)!.content).toContain('sections');
    // Both requests were real and are accounted with their own usage.
    expect(recorder.attempts.map((a) => [a.outcome, a.usage.inputTokens])).toEqual([
      ['error', 50],
      ['ok', 80],
    ]);
  });

  it('moves to the next model when every structured-output rung stays invalid after its repair', async () => {
    const { gateway } = testGateway(env());
    // Each rung (json_schema, json_object, tool, text) gets an answer and one repair.
    fakes.compat.fallback = { type: 'answer', text: '{"title": 3}' };
    fakes.compat.script({ type: 'answer', text: 'not json at all' });
    fakes.anthropic.script({ type: 'answer', json: { title: 'From Claude', sections: ['One'] } });
    const r = await gateway.generateObject({
      role: 'planner',
      prompt: 'Outline it',
      schema,
      purpose: article,
    });
    fakes.compat.fallback = { type: 'answer', text: 'ok' };
    expect(r.object).toEqual({ title: 'From Claude', sections: ['One'] });
    expect(r.provider).toBe('anthropic');
    const asked = fakes.compat.requests.map(
      (q) =>
        (q.body.response_format as { type?: string } | undefined)?.type ?? (q.body.tools ? 'tool' : 'text'),
    );
    expect(asked).toEqual([
      'json_schema',
      'json_schema',
      'json_object',
      'json_object',
      'tool',
      'tool',
      'text',
      'text',
    ]);
  });
});

describe('streams', () => {
  it('falls back transparently when the stream fails before its first token', async () => {
    const { gateway } = testGateway(env({ LLM_MAX_RETRIES: '0' }));
    fakes.compat.script({ type: 'error', status: 502 });
    fakes.anthropic.script({ type: 'answer', text: 'Backup stream text', usage: { input: 9, output: 4 } });
    const stream = gateway.streamText({ role: 'writer', prompt: 'x', purpose: article });
    let text = '';
    for await (const d of stream) text += d;
    expect(text).toBe('Backup stream text');
    const result = await stream.result;
    expect(result).toMatchObject({ provider: 'anthropic', attempts: 2 });
    expect(result.usage).toEqual({ inputTokens: 9, outputTokens: 4, cachedInputTokens: 0 });
  });

  it('falls back when the connection drops before any text', async () => {
    const { gateway } = testGateway(env({ LLM_MAX_RETRIES: '0' }));
    fakes.compat.script({ type: 'cut', text: 'never seen', afterChunks: 0 });
    fakes.anthropic.script({ type: 'answer', text: 'clean' });
    let text = '';
    for await (const d of gateway.streamText({ role: 'writer', prompt: 'x', purpose: article })) text += d;
    expect(text).toBe('clean');
  });

  it('retries, then falls back, when the server reports an error inside its stream before any text', async () => {
    // Anthropic's overload after message_start, as the primary; the compatible server as the fallback,
    // first with an `{"error": …}` chunk, then a body that ends without finishing, then an answer.
    const { gateway, recorder } = testGateway({
      ...env({ LLM_MAX_RETRIES: '1' }),
      LLM_MODEL: 'anthropic:claude-primary',
      LLM_FALLBACK_MODELS: 'compatible:backup',
    });
    fakes.anthropic.script(
      { type: 'cut', text: 'never seen', afterChunks: 0, ending: 'error' },
      { type: 'cut', text: 'never seen', afterChunks: 0, ending: 'error' },
    );
    fakes.compat.script(
      {
        type: 'cut',
        text: 'never',
        afterChunks: 0,
        ending: 'error',
        error: { type: 'server_error', message: 'upstream died' },
      },
      { type: 'cut', text: 'never', afterChunks: 0, ending: 'end' },
    );
    await expect(
      (async () => {
        for await (const _ of gateway.streamText({ role: 'writer', prompt: 'x', purpose: article }));
      })(),
    ).rejects.toThrow(/overloaded_error: Overloaded[\s\S]*upstream died[\s\S]*ended without/);
    // Two tries of each model (one retry), none taken for a bad request.
    expect(fakes.anthropic.requests).toHaveLength(2);
    expect(fakes.compat.requests).toHaveLength(2);
    expect(recorder.attempts.map((a) => a.errorCode)).toEqual([
      'stream_error',
      'stream_error',
      'stream_error',
      'stream_error',
    ]);

    fakes.anthropic.script({ type: 'cut', text: 'never seen', afterChunks: 0, ending: 'error' });
    fakes.compat.script({ type: 'answer', text: 'The backup answered.' });
    const { gateway: once } = testGateway({
      ...env({ LLM_MAX_RETRIES: '0' }),
      LLM_MODEL: 'anthropic:claude-primary',
      LLM_FALLBACK_MODELS: 'compatible:backup',
    });
    let text = '';
    for await (const d of once.streamText({ role: 'writer', prompt: 'x', purpose: article })) text += d;
    expect(text).toBe('The backup answered.');
  });

  it('falls back when a structured answer streamed to its caller meets an in-stream error', async () => {
    const { gateway } = testGateway({
      ...env({ LLM_MAX_RETRIES: '0' }),
      LLM_MODEL: 'anthropic:claude-primary',
      LLM_FALLBACK_MODELS: 'compatible:backup',
    });
    fakes.anthropic.script({ type: 'cut', text: '', afterChunks: 0, ending: 'error' });
    fakes.compat.script({ type: 'answer', json: { title: 'From the backup' } });
    const result = await gateway.generateObject({
      role: 'planner',
      prompt: 'x',
      purpose: article,
      schema: z.object({ title: z.string() }),
      schemaName: 'plan',
      onPartial: () => {},
    });
    expect(result.object).toEqual({ title: 'From the backup' });
  });

  it('throws LlmStreamInterruptedError with the partial text when cut mid-way', async () => {
    const { gateway, recorder } = testGateway(env());
    fakes.compat.script({
      type: 'cut',
      text: 'The first part and the rest',
      afterChunks: 3,
      usage: { input: 5, output: 5 },
    });
    const stream = gateway.streamText({ role: 'writer', prompt: 'x', purpose: article });
    let received = '';
    const err = await (async () => {
      for await (const d of stream) received += d;
    })().catch((e) => e);
    expect(err).toBeInstanceOf(LlmStreamInterruptedError);
    expect(err.partialText).toBe(received);
    expect(received).toBe('The first pa');
    expect(err).toMatchObject({ provider: 'compatible', model: 'primary' });
    await expect(stream.result).rejects.toBe(err);
    // No silent fallback once text was delivered.
    expect(fakes.anthropic.requests).toHaveLength(0);
    expect(recorder.attempts.at(-1)!.outcome).toBe('error');
    // The provider billed the prompt and what it streamed: so does the ledger (it said 0 tokens).
    const billed = recorder.attempts.at(-1)!.usage;
    expect(billed.inputTokens).toBeGreaterThan(0);
    expect(billed.outputTokens).toBeGreaterThan(0);
  });

  it('takes an Ollama stream cut before its done line for an interrupted one, not a finished answer', async () => {
    // Ollama's /api/chat streams NDJSON and ends with a `done: true` line; the provider still sends a
    // finish part (with no reason) when the body ends without it.
    const lines = ['The server went ', 'away in the mid'].map(
      (content) =>
        `${JSON.stringify({
          model: 'llama3.2',
          created_at: new Date().toISOString(),
          message: { role: 'assistant', content },
          done: false,
        })}\n`,
    );
    // The second request: an Ollama older than `done_reason`, whose done line has only the counts.
    const doneLine = `${JSON.stringify({
      model: 'llama3.2',
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: '.' },
      done: true,
      prompt_eval_count: 12,
      eval_count: 9,
    })}\n`;
    let requests = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        for (const line of lines) res.write(line);
        if (req.url === '/api/chat' && requests++ > 0) res.write(doneLine);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { gateway } = testGateway({
        OLLAMA_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        LLM_MODEL: 'ollama:llama3.2',
        LLM_MAX_RETRIES: '0',
      });
      const stream = gateway.streamText({ role: 'writer', prompt: 'x', purpose: article });
      const err = await (async () => {
        for await (const _ of stream);
      })().catch((e) => e);
      expect(err).toBeInstanceOf(LlmStreamInterruptedError);
      expect(err.partialText).toBe('The server went away in the mid');
      const whole = gateway.streamText({ role: 'writer', prompt: 'y', purpose: article });
      for await (const _ of whole);
      expect(await whole.result).toMatchObject({
        text: 'The server went away in the mid.',
        usage: { inputTokens: 12, outputTokens: 9 },
      });
    } finally {
      server.close();
    }
  });

  it('takes a body that ends cleanly before the server said it finished for an interrupted stream', async () => {
    // Anthropic without its message_delta/message_stop; the provider still sends a finish part.
    const { gateway } = testGateway({
      ...env(),
      LLM_MODEL: 'anthropic:claude-primary',
      LLM_FALLBACK_MODELS: '',
    });
    fakes.anthropic.script({
      type: 'cut',
      text: 'Half of an answer that goes on',
      afterChunks: 3,
      ending: 'end',
    });
    const stream = gateway.streamText({ role: 'writer', prompt: 'x', purpose: article });
    const err = await (async () => {
      for await (const _ of stream);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(LlmStreamInterruptedError);
    expect(err.partialText).toBe('Half of an a');
  });

  it('times out a stream that goes silent mid-way, keeping the partial text', async () => {
    const { gateway } = testGateway(env(), { reliability: { timeoutMs: 300 } });
    fakes.compat.script({ type: 'cut', text: 'Partial then silence', afterChunks: 2, stall: true });
    let _received = '';
    const err = await (async () => {
      for await (const d of gateway.streamText({ role: 'writer', prompt: 'x', purpose: article }))
        _received += d;
    })().catch((e) => e);
    expect(err).toBeInstanceOf(LlmStreamInterruptedError);
    expect(err.partialText).toBe('Partial ');
    expect(err.cause).toBeInstanceOf(AttemptTimeoutError);
    expect(fakes.anthropic.requests).toHaveLength(0);
  });

  it('bounds silence in a stream with the timeout, not its total length', async () => {
    const { gateway } = testGateway(env(), { reliability: { timeoutMs: 250 } });
    // 12 chunks 100 ms apart: longer than the timeout in total, never silent for that long.
    fakes.compat.script({ type: 'answer', text: 'slow but steady stream.', chunkSize: 2, chunkDelayMs: 100 });
    let text = '';
    for await (const d of gateway.streamText({ role: 'writer', prompt: 'x', purpose: article })) text += d;
    expect(text).toBe('slow but steady stream.');
  });

  it('ends a stream with the caller abort reason, not an interruption, and stops the upstream request', async () => {
    const { gateway, recorder } = testGateway(env());
    fakes.compat.script({ type: 'answer', text: 'a long slow answer', chunkDelayMs: 50 });
    const controller = new AbortController();
    const stream = gateway.streamText({
      role: 'writer',
      prompt: 'x',
      purpose: article,
      signal: controller.signal,
    });
    const err = await (async () => {
      for await (const _ of stream) controller.abort(new Error('user left'));
    })().catch((e) => e);
    expect(err.message).toBe('user left');
    await expect(stream.result).rejects.toThrow('user left');
    expect(recorder.attempts.map((a) => a.outcome)).toEqual(['cancelled']);
    expect(fakes.anthropic.requests).toHaveLength(0);
  });

  it('stops on caller abort without retrying or falling back', async () => {
    const { gateway, recorder } = testGateway(env());
    fakes.compat.script({ type: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 100);
    const err = await gateway
      .generateText({ role: 'writer', prompt: 'x', purpose: article, signal: controller.signal })
      .catch((e) => e);
    expect(err.message).toBe('user cancelled');
    expect(fakes.anthropic.requests).toHaveLength(0);
    expect(recorder.attempts.map((a) => a.outcome)).toEqual(['cancelled']);
  });
});
