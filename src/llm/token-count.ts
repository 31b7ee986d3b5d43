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

/** Builds the tokenizer's tables now, for a caller that knows it will count soon (see generate.ts). */
export function loadTokenizer(): void {
  o200k();
}

/** Per message: role and separators of a chat template. */
const perMessageOverhead = 4;

export function countTokens(text: string): number {
  return text ? o200k().countTokens(text) : 0;
}

/**
 * An upper bound of `countTokens(text)` without tokenizing: a byte-level BPE token is at least one
 * UTF-8 byte. Budget checks of prompts far below the budget (most of them) need no more.
 */
export const tokensAtMost = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Whether `text` is at most `budget` tokens; tokenized only when its byte length cannot tell. */
export const fitsTokens = (text: string, budget: number): boolean =>
  tokensAtMost(text) <= budget || countTokens(text) <= budget;

function promptTokensWith(count: (text: string) => number, prompt: PromptArgs, extra: string): number {
  let n = prompt.system ? count(prompt.system) + perMessageOverhead : 0;
  for (const m of prompt.messages) {
    const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
    n += count(content) + perMessageOverhead;
  }
  return n + count(extra) + 3;
}

export const promptTokens = (prompt: PromptArgs, extra = ''): number =>
  promptTokensWith(countTokens, prompt, extra);

/** An upper bound of `promptTokens` from byte lengths (see `tokensAtMost`). */
export const promptTokensAtMost = (prompt: PromptArgs, extra = ''): number =>
  promptTokensWith(tokensAtMost, prompt, extra);

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
