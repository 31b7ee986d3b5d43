// The fakes themselves speak the wire protocols the real SDK clients expect (tool calls here;
// text, streaming, usage, errors and JSON are exercised through the gateway tests).
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicServer } from '../fakes/anthropic-server.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';

let compat: FakeServer;
let anthropic: FakeServer;
beforeAll(async () => {
  compat = await startOpenAiServer();
  anthropic = await startAnthropicServer();
});
afterAll(async () => {
  await compat.close();
  await anthropic.close();
});

const tools = {
  search: tool({
    inputSchema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } } }),
  }),
};

describe('fake servers', () => {
  it('OpenAI-compatible: tool calls, plain and streamed', async () => {
    const model = createOpenAICompatible({
      name: 'fake',
      baseURL: compat.baseUrl,
      includeUsage: true,
    }).chatModel('m');
    compat.script({ type: 'tool-call', name: 'search', arguments: { q: 'pgvector' } });
    const r = await generateText({ model, prompt: 'find', tools, maxRetries: 0 });
    expect(r.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['search', { q: 'pgvector' }]]);
    expect((compat.requests.at(-1)!.body.tools as unknown[]).length).toBe(1);

    compat.script({
      type: 'tool-call',
      name: 'search',
      arguments: { q: 'streamed' },
      usage: { input: 3, output: 2 },
    });
    const s = streamText({ model, prompt: 'find', tools, maxRetries: 0 });
    expect((await s.toolCalls).map((c) => c.input)).toEqual([{ q: 'streamed' }]);
    expect((await s.totalUsage).inputTokens).toBe(3);
  });

  it('Anthropic: tool use', async () => {
    const model = createAnthropic({ apiKey: 'k', baseURL: anthropic.baseUrl }).languageModel('claude-test');
    anthropic.script({ type: 'tool-call', name: 'search', arguments: { q: 'claude' } });
    const r = await generateText({ model, prompt: 'find', tools, maxRetries: 0, maxOutputTokens: 100 });
    expect(r.toolCalls.map((c) => c.input)).toEqual([{ q: 'claude' }]);
  });
});
