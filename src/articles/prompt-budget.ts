// Prompts built to a model's token budget: the sources' quoted passages are shortened (each keeps
// its best window for the subject, see `quoted`) until the prompt fits, counted with a real tokenizer.
import { countTokens, fitsTokens, tokensAtMost } from '../llm/token-count.ts';

/** Characters quoted per source when the budget allows (about 600 tokens). */
export const fullQuoteChars = 2400;
const minQuoteChars = 240;

/**
 * `build(maxChars)` makes the prompt with sources quoted to at most `maxChars` each; the largest that
 * fits `budget` tokens (together with `system`) is returned, or the smallest when none does.
 */
export function fitQuotes(
  budget: number,
  system: string,
  build: (maxChars: number) => string,
  startChars = fullQuoteChars,
): { system: string; prompt: string } {
  // The system prompt's byte length is an upper bound of its tokens: when the room it leaves holds
  // the prompt, nothing is tokenized (see tokensAtMost).
  const roomAtLeast = budget - tokensAtMost(system);
  let room: number | undefined;
  let chars = startChars;
  for (;;) {
    const prompt = build(chars);
    if (chars <= minQuoteChars || tokensAtMost(prompt) <= roomAtLeast) return { system, prompt };
    room ??= budget - countTokens(system);
    if (fitsTokens(prompt, room)) return { system, prompt };
    chars = Math.max(minQuoteChars, Math.floor(chars * 0.7));
  }
}
