// Reasoning models over a real OpenAI-compatible wire: the `<think>` block in the content (no
// reasoning parser on the server) and the separate `reasoning_content` / `reasoning` fields. The
// reasoning never reaches the answer text, a stream's text or a structured answer; streams hand it
// to `onReasoning`; the usage counts it (as reasoning tokens within the output).
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EmptyAnswerError } from '../../src/llm/failures.ts';
import type { CachedLlmResponse, ResponseCache } from '../../src/llm/ports.ts';
import { splitThinkTags, stripStrayReasoning, withoutThinkBlocks } from '../../src/llm/reasoning.ts';
import { type ServerQuirks, secretReasoning } from '../fakes/scripted-server.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { article, testGateway, useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers();
afterEach(() => {
  fakes.compat.quirks = {};
});

const env = () => ({ OPENAI_COMPATIBLE_BASE_URL: fakes.compat.baseUrl, LLM_MODEL: 'compatible:qwen3' });

const variants: Array<[string, ServerQuirks]> = [
  ['<think> block in the content', { thinkTags: true }],
  ['reasoning_content field', { reasoningField: 'reasoning_content' }],
  ['reasoning field', { reasoningField: 'reasoning' }],
];

describe.each(variants)('reasoning output: %s', (_name, quirks) => {
  it('keeps reasoning out of generated text and counts it in usage', async () => {
    fakes.compat.quirks = quirks;
    const { gateway } = testGateway(env());
    fakes.compat.script({ type: 'answer', text: 'Heat pumps move heat.', usage: { input: 30, output: 6 } });
    const r = await gateway.generateText({ role: 'writer', prompt: 'Explain', purpose: article });
    expect(r.text.trim()).toBe('Heat pumps move heat.');
    expect(r.text).not.toContain(secretReasoning);
    expect(r.text).not.toContain('think>');
    expect(r.usage.reasoningTokens).toBeGreaterThan(0);
    expect(r.usage.outputTokens).toBe(6 + r.usage.reasoningTokens!);
  });

  it('streams only the answer as text and the reasoning to onReasoning', async () => {
    fakes.compat.quirks = quirks;
    const { gateway } = testGateway(env());
    fakes.compat.script({
      type: 'answer',
      text: 'A streamed answer without any thinking in it.',
      usage: { input: 30, output: 9 },
    });
    const thinking: string[] = [];
    const stream = gateway.streamText({
      role: 'writer',
      prompt: 'Write',
      purpose: article,
      onReasoning: (d) => thinking.push(d),
    });
    let text = '';
    for await (const d of stream) text += d;
    const result = await stream.result;
    expect(text.trim()).toBe('A streamed answer without any thinking in it.');
    expect(result.text).toBe(text);
    expect(text).not.toContain(secretReasoning);
    expect(thinking.join('')).toContain(secretReasoning);
    expect(thinking.join('')).not.toContain('A streamed answer');
    expect(result.usage.reasoningTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(9 + result.usage.reasoningTokens!);
  });

  it('parses a structured answer that follows the reasoning', async () => {
    fakes.compat.quirks = quirks;
    const { gateway } = testGateway(env());
    fakes.compat.script({ type: 'answer', json: { questions: ['Why?', 'How?'] } });
    const r = await gateway.generateObject({
      role: 'planner',
      prompt: 'Plan',
      purpose: article,
      schema: z.object({ questions: z.array(z.string()) }),
      schemaName: 'research_plan',
    });
    expect(r.object).toEqual({ questions: ['Why?', 'How?'] });
    expect(JSON.stringify(r.object)).not.toContain(secretReasoning);
  });
});

describe('stray think blocks', () => {
  it.each([
    ['a block cut off by the token limit', 'The answer.\n<think>still thinking', 'The answer.'],
    [
      'a closing tag whose opening tag was in the prompt',
      'thinking here</think>\n\nThe answer.',
      'The answer.',
    ],
    ['no think block', 'The answer.', 'The answer.'],
  ])('removes %s', (_name, input, output) => {
    expect(stripStrayReasoning(input)).toBe(output);
  });
});

describe('think blocks in a whole answer', () => {
  // What they were: regular expressions, each unclosed `<think>` searched to the end of the answer.
  function splitByRegex(text: string) {
    if (!text.includes('<think>')) return { text, reasoning: '' };
    const matches = Array.from(text.matchAll(/<think>(.*?)<\/think>/gs));
    let answer = text;
    for (let i = matches.length - 1; i >= 0; i--) {
      const m = matches[i]!;
      const before = answer.slice(0, m.index);
      const after = answer.slice(m.index + m[0].length);
      answer = before + (before.length > 0 && after.length > 0 ? '\n' : '') + after;
    }
    return { text: answer, reasoning: matches.map((m) => m[1]).join('\n') };
  }

  it('splits and removes them as the regular expressions did', () => {
    const parts = ['<think>', '</think>', 'a', ' ', '\n', '<think', 'think>'];
    const next = seededRandom(11);
    for (let k = 0; k < 5000; k++) {
      let text = '';
      for (let i = Math.floor(next() * 12); i > 0; i--) text += parts[Math.floor(next() * parts.length)];
      expect(splitThinkTags(text), JSON.stringify(text)).toEqual(splitByRegex(text));
      expect(withoutThinkBlocks(text), JSON.stringify(text)).toBe(
        text.replace(/<think>[\s\S]*?<\/think>/g, ''),
      );
    }
  });

  it('reads answers of many unclosed or closed blocks in linear time', () => {
    const unclosed = `</think>${'<think>a'.repeat(150_000)}`;
    expect(splitThinkTags(unclosed).text === unclosed).toBe(true);
    const closed = '<think>r</think>x'.repeat(100_000);
    const split = splitThinkTags(closed);
    expect(split.text).toHaveLength(2 * 100_000 - 1);
    expect(split.reasoning).toHaveLength(2 * 100_000 - 1);
  });
});

describe('reasoning with the opening tag in the prompt (DeepSeek-R1 distills, QwQ without a parser)', () => {
  it('streams and keeps only what follows the lone </think> as the answer', async () => {
    fakes.compat.quirks = { openThinkInPrompt: true };
    const { gateway } = testGateway(env());
    fakes.compat.script({ type: 'answer', text: 'The answer itself.', usage: { input: 30, output: 9 } });
    const stream = gateway.streamText({ role: 'writer', prompt: 'Write', purpose: article });
    for await (const _ of stream);
    const result = await stream.result;
    expect(result.text).toBe('The answer itself.');
    expect(result.text).not.toContain(secretReasoning);
    // Whole (not streamed) answers were already cut there.
    fakes.compat.script({ type: 'answer', text: 'The answer itself.' });
    expect((await gateway.generateText({ role: 'writer', prompt: 'Explain', purpose: article })).text).toBe(
      'The answer itself.',
    );
  });
});

describe('a streamed answer that turns out empty after its first text', () => {
  it('(only thinking before a lone </think>, or only whitespace) is refused, not kept as an empty text', async () => {
    const { gateway } = testGateway(env());
    for (const quirks of [{ openThinkInPrompt: true }, {}] as ServerQuirks[]) {
      fakes.compat.quirks = quirks;
      fakes.compat.script({ type: 'answer', text: '\n\n   \n', finishReason: 'length' });
      const stream = gateway.streamText({
        role: 'writer',
        prompt: `empty ${JSON.stringify(quirks)}`,
        purpose: article,
      });
      const err = await (async () => {
        for await (const _ of stream);
      })().catch((e) => e);
      expect(err).toBeInstanceOf(EmptyAnswerError);
      await expect(stream.result).rejects.toBe(err);
    }
  });
});

describe('an answer with no text once its reasoning is set apart', () => {
  const twoModels = () => ({
    ...env(),
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
    LLM_FALLBACK_MODELS: 'anthropic:claude-backup',
    LLM_MAX_RETRIES: '0',
    LLM_CACHE_TTL: '3600',
  });

  it.each([
    ['streamed', true],
    ['whole', false],
  ])('(%s) is billed and the next model asked, never an empty text', async (_name, streamed) => {
    // The thinking used up max_tokens: reasoning, then nothing, finish_reason "length".
    fakes.compat.quirks = { reasoningField: 'reasoning_content' };
    const { gateway, recorder } = testGateway(twoModels());
    fakes.compat.script({
      type: 'answer',
      text: '',
      finishReason: 'length',
      usage: { input: 40, output: 0 },
    });
    fakes.anthropic.script({ type: 'answer', text: 'The backup wrote it.' });
    const call = { role: 'writer' as const, prompt: `Write ${streamed}`, purpose: article };
    let text: string;
    if (streamed) {
      const stream = gateway.streamText(call);
      for await (const _ of stream);
      text = (await stream.result).text;
    } else text = (await gateway.generateText(call)).text;
    expect(text).toBe('The backup wrote it.');
    const first = recorder.attempts[0]!;
    expect(first.errorCode).toBe('empty_answer');
    expect(first.usage.outputTokens).toBeGreaterThan(0); // the reasoning was generated, and billed
  });

  it('an answer cut at its output limit is used but not cached', async () => {
    const entries = new Map<string, CachedLlmResponse>();
    const responseCache: ResponseCache = {
      get: async (k) => entries.get(k) ?? null,
      set: async (k, v) => {
        entries.set(k, v);
      },
    };
    const { gateway } = testGateway(twoModels(), { responseCache });
    for (const streamed of [true, false]) {
      const call = { role: 'writer' as const, prompt: `Cut ${streamed}`, purpose: article };
      const ask = async () => {
        if (!streamed) return gateway.generateText(call);
        const stream = gateway.streamText(call);
        for await (const _ of stream);
        return stream.result;
      };
      fakes.compat.script({ type: 'answer', text: 'A sentence cut in the mid', finishReason: 'length' });
      expect((await ask()).text).toBe('A sentence cut in the mid');
      fakes.compat.script({ type: 'answer', text: 'A whole sentence.' });
      expect(await ask()).toMatchObject({ text: 'A whole sentence.', cached: false });
      // A whole answer is kept: the same call again is answered from the cache.
      expect(await ask()).toMatchObject({ text: 'A whole sentence.', cached: true });
    }
  });
});
