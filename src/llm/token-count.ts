// Token counts the gateway makes itself: for servers that report no usage (many local servers,
// especially in streams) and for fitting prompts into a model's context. o200k (GPT-4o's
// tokenizer) is a real BPE close to the Llama/Qwen/Mistral tokenizers on English prose; counts of
// other models differ by a few percent, which is why such counts are marked estimated.

import type { LanguageModelUsage } from 'ai';
import { lazyModule } from '../lazy-module.ts';
import type { PromptArgs } from './prompt.ts';
import type { LlmUsage } from './types.ts';

// Building the BPE tables is the largest single cost of start-up; the first count pays it.
const o200k = lazyModule<typeof import('gpt-tokenizer')>('gpt-tokenizer');

/** Per message: role and separators of a chat template. */
const perMessageOverhead = 4;

export function countTokens(text: string): number {
  return text ? o200k().countTokens(text) : 0;
}

export function promptTokens(prompt: PromptArgs, extra = ''): number {
  let n = prompt.system ? countTokens(prompt.system) + perMessageOverhead : 0;
  for (const m of prompt.messages) {
    const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
    n += countTokens(content) + perMessageOverhead;
  }
  return n + countTokens(extra) + 3;
}

/** The server reported no token counts at all (not even zeros). */
export function usageMissing(u: LanguageModelUsage | undefined): boolean {
  return u?.inputTokens === undefined && u?.outputTokens === undefined;
}

/**
 * The usage of an answer whose server sent none: the prompt and the output (answer and reasoning,
 * both generated) counted with the tokenizer, marked estimated. Never zero for a real exchange.
 */
export function estimatedUsage(prompt: PromptArgs, output: string, reasoning = '', extra = ''): LlmUsage {
  const reasoningTokens = countTokens(reasoning);
  return {
    inputTokens: promptTokens(prompt, extra),
    outputTokens: Math.max(1, countTokens(output) + reasoningTokens),
    cachedInputTokens: 0,
    ...(reasoningTokens > 0 && { reasoningTokens }),
    estimated: true,
  };
}
