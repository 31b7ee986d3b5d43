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

/**
 * The longest run counted whole. BPE merges a pre-token's pieces in time that grows with its length
 * squared, and a run with no space before a word is one pre-token when it is all letters, all
 * punctuation or all one script without spaces: 40 kB of "—" or of "日本" took 5 s, in any prompt
 * that quotes a page holding it or any answer of a server that reports no usage.
 */
const longestRun = 256;

const isPunctuation = (c: string) => /^[^\s\p{L}\p{M}\p{N}']$/u.test(c);
const isLetter = (c: string) => /^[\p{L}\p{M}]$/u.test(c);

/**
 * Where to cut a run of `longestRun` characters that has no space before a word: before the last
 * punctuation that follows a letter (o200k starts a piece there: "す。" | "。これ"), else at its
 * end, never inside a surrogate pair (a few tokens more or less in text that is not prose).
 */
function cutInRun(text: string, runStart: number, end: number): number {
  for (let j = end - 1; j > runStart; j--) if (isPunctuation(text[j]!) && isLetter(text[j - 1]!)) return j;
  const code = text.charCodeAt(end);
  return code >= 0xdc00 && code <= 0xdfff ? end - 1 : end;
}

/**
 * o200k's pre-tokenizer puts a space followed by a non-space only at the start of a piece, so text
 * cut before such a space counts the same in parts, each of a few kilobytes (one call each, not one
 * per word). A longer run without one is cut by `cutInRun`.
 */
function countInParts(text: string, count: (part: string) => number): number {
  let total = 0;
  let partStart = 0;
  let runStart = 0;
  for (let i = 1; i <= text.length; i++) {
    const wordStart =
      i < text.length && text[i] === ' ' && text[i + 1] !== undefined && !/\s/.test(text[i + 1]!);
    if (wordStart || i === text.length) {
      if (i - partStart >= 4096 || i === text.length) {
        total += count(text.slice(partStart, i));
        partStart = i;
      }
      runStart = i;
    } else if (i - runStart >= longestRun) {
      const cut = cutInRun(text, runStart, i);
      if (cut > partStart) total += count(text.slice(partStart, cut));
      partStart = runStart = cut;
      i = cut;
    }
  }
  return total;
}

// Special tokens ("<|endoftext|>") in a page, a prompt or an answer are text like any other: by
// default the tokenizer throws on them, which failed the call that counted.
const specialsAsText = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  if (!text) return 0;
  const tokenizer = o200k();
  return countInParts(text, (part) => tokenizer.countTokens(part, specialsAsText));
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
