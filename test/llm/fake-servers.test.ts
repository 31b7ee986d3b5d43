// The fakes themselves speak the wire protocols the real SDK clients expect (tool calls here;
// text, streaming, usage, errors and JSON are exercised through the gateway tests).
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers();

const tools = {
  search: tool({
    inputSchema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } } }),
  }),
};

describe('fake servers', () => {
  it('OpenAI-compatible: tool calls, plain and streamed', async () => {
    const model = createOpenAICompatible({
      name: 'fake',
      baseURL: fakes.compat.baseUrl,
      includeUsage: true,
    }).chatModel('m');
    fakes.compat.script({ type: 'tool-call', name: 'search', arguments: { q: 'pgvector' } });
    const r = await generateText({ model, prompt: 'find', tools, maxRetries: 0 });
    expect(r.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['search', { q: 'pgvector' }]]);
    expect((fakes.compat.requests.at(-1)!.body.tools as unknown[]).length).toBe(1);

    fakes.compat.script({
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
    const model = createAnthropic({ apiKey: 'k', baseURL: fakes.anthropic.baseUrl }).languageModel(
      'claude-test',
    );
    fakes.anthropic.script({ type: 'tool-call', name: 'search', arguments: { q: 'claude' } });
    const r = await generateText({ model, prompt: 'find', tools, maxRetries: 0, maxOutputTokens: 100 });
    expect(r.toolCalls.map((c) => c.input)).toEqual([{ q: 'claude' }]);
  });
});
