// Plain calls over real HTTP to the fake servers: the text and the usage the server reported come
// back unchanged, for each protocol, plain and streaming, and for embeddings.
import { describe, expect, it } from 'vitest';
import { fakeVector } from '../fakes/openai-server.ts';
import { article, testGateway, useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers();

const env = () => ({
  OPENAI_COMPATIBLE_BASE_URL: fakes.compat.baseUrl,
  OPENAI_COMPATIBLE_API_KEY: 'sk-compat-secret',
  ANTHROPIC_API_KEY: 'sk-ant-secret',
  ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
});

describe('gateway over an OpenAI-compatible server', () => {
  it('returns the text and exactly the usage the server reported', async () => {
    const { gateway, recorder } = testGateway({ ...env(), LLM_MODEL: 'compatible:local-model' });
    fakes.compat.script({ type: 'answer', text: 'Hello there', usage: { input: 31, output: 7, cached: 4 } });
    const before = fakes.compat.requests.length;
    const r = await gateway.generateText({
      role: 'writer',
      prompt: 'Say hello',
      system: 'Be brief',
      purpose: article,
    });
    expect(r.text).toBe('Hello there');
    expect(r).toMatchObject({ provider: 'compatible', model: 'local-model', cached: false, attempts: 1 });
    expect(r.usage).toEqual({ inputTokens: 31, outputTokens: 7, cachedInputTokens: 4 });
    const req = fakes.compat.requests[before]!;
    expect(req.body.model).toBe('local-model');
    expect(req.headers.authorization).toBe('Bearer sk-compat-secret');
    expect(recorder.attempts).toHaveLength(1);
    expect(recorder.attempts[0]).toMatchObject({ outcome: 'ok', attempt: 1, usage: r.usage });
    expect(recorder.attempts[0]!.ctx).toMatchObject({ role: 'writer', purpose: article });
  });

  it('streams deltas and reports the usage from the final usage chunk', async () => {
    const { gateway, recorder } = testGateway({ ...env(), LLM_MODEL: 'compatible:local-model' });
    fakes.compat.script({
      type: 'answer',
      text: 'A streamed answer of some length',
      usage: { input: 40, output: 9 },
    });
    const before = fakes.compat.requests.length;
    const stream = gateway.streamText({ role: 'writer', prompt: 'Write', purpose: article });
    const deltas: string[] = [];
    for await (const d of stream) deltas.push(d);
    const result = await stream.result;
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('A streamed answer of some length');
    expect(result.text).toBe('A streamed answer of some length');
    expect(result.usage).toEqual({ inputTokens: 40, outputTokens: 9, cachedInputTokens: 0 });
    expect(result.ttftMs).not.toBeNull();
    expect(fakes.compat.requests[before]!.body.stream_options).toEqual({ include_usage: true });
    expect(recorder.attempts.at(-1)).toMatchObject({ outcome: 'ok', usage: result.usage });
  });

  it('reads the whole stream when only the result is awaited', async () => {
    const { gateway } = testGateway({ ...env(), LLM_MODEL: 'compatible:local-model' });
    fakes.compat.script({ type: 'answer', text: 'Only the result matters' });
    const stream = gateway.streamText({ role: 'writer', prompt: 'Write', purpose: article });
    expect((await stream.result).text).toBe('Only the result matters');
    expect(() => stream[Symbol.asyncIterator]()).toThrow('read only once');
  });

  it('embeds texts and returns the server vectors and token count', async () => {
    const { gateway } = testGateway({ ...env(), EMBEDDING_MODEL: 'compatible:embed-small' });
    fakes.compat.script({ type: 'answer', usage: { input: 6, output: 0 } });
    const r = await gateway.embed(['first text', 'second text'], { purpose: article });
    expect(r.embeddings).toEqual([fakeVector('first text'), fakeVector('second text')]);
    expect(r.usage.inputTokens).toBe(6);
    expect(r).toMatchObject({ provider: 'compatible', model: 'embed-small', cachedCount: 0 });
  });
});

describe('gateway over the Anthropic Messages API', () => {
  it('returns text and usage, plain and streamed', async () => {
    const { gateway } = testGateway({ ...env(), LLM_MODEL: 'anthropic:claude-test' });
    fakes.anthropic.script({ type: 'answer', text: 'Plain answer', usage: { input: 20, output: 3 } });
    const plain = await gateway.generateText({ role: 'planner', prompt: 'Plan', purpose: article });
    expect(plain.text).toBe('Plain answer');
    expect(plain.usage).toEqual({ inputTokens: 20, outputTokens: 3, cachedInputTokens: 0 });

    fakes.anthropic.script({ type: 'answer', text: 'Streamed from Claude', usage: { input: 25, output: 6 } });
    const stream = gateway.streamText({ role: 'writer', prompt: 'Write', purpose: article });
    let text = '';
    for await (const d of stream) text += d;
    expect(text).toBe('Streamed from Claude');
    expect((await stream.result).usage).toEqual({ inputTokens: 25, outputTokens: 6, cachedInputTokens: 0 });
    expect(fakes.anthropic.requests.at(-1)!.headers['x-api-key']).toBe('sk-ant-secret');
  });
});

describe('an answer with Windows line endings', () => {
  it('comes back with line feeds only, streamed (a \\r\\n split across chunks included) or whole', async () => {
    const { gateway } = testGateway({ ...env(), LLM_MODEL: 'compatible:crlf-model' });
    const crlf = '## Costs\r\n\r\nA heat pump costs 8,000 EUR [2].\r\nGrants cover 30% [1].\r\n';
    const expected = '## Costs\n\nA heat pump costs 8,000 EUR [2].\nGrants cover 30% [1].\n';
    // Chunks of 3: `\r` and `\n` land in different chunks.
    fakes.compat.script({ type: 'answer', text: crlf, chunkSize: 3 });
    const stream = gateway.streamText({ role: 'writer', prompt: 'crlf stream', purpose: article });
    let streamed = '';
    for await (const d of stream) streamed += d;
    expect(streamed).toBe(expected);
    expect((await stream.result).text).toBe(expected);
    fakes.compat.script({ type: 'answer', text: crlf });
    expect(
      (await gateway.generateText({ role: 'writer', prompt: 'crlf whole', purpose: article })).text,
    ).toBe(expected);
  });
});
