// Prompts built to a model's token budget: the sources' quoted passages are shortened (each keeps
// its best window for the subject, see `quoted`) until the prompt fits, counted with a real tokenizer.
import { countTokens } from '../llm/token-count.ts';

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
  const room = budget - countTokens(system);
  let chars = startChars;
  for (;;) {
    const prompt = build(chars);
    if (chars <= minQuoteChars || countTokens(prompt) <= room) return { system, prompt };
    chars = Math.max(minQuoteChars, Math.floor(chars * 0.7));
  }
}
