// Reasoning output kept apart from the answer. Reasoning models (Qwen3, DeepSeek-R1, gpt-oss...)
// served without a reasoning parser open their answer with a `<think>…</think>` block; the SDK's
// middleware moves it into reasoning parts, the same place where providers put a separate
// `reasoning_content`/`reasoning` field. Everything downstream reads only text parts, so reasoning
// never reaches an article, a structured answer or a stream's text. A whole (not streamed) text
// answer skips the middleware: `splitThinkTags` does the same after the fact, and only pays for it
// when the answer has a `<think>` in it — most answers do not, and the wrapper cost every call.
import { extractReasoningMiddleware, type LanguageModel, wrapLanguageModel } from 'ai';

const thinkTags = extractReasoningMiddleware({ tagName: 'think' });

const thinkBlock = /<think>(.*?)<\/think>/gs;

/** What the middleware does to a whole answer: `<think>` blocks moved out, joined by a newline. */
export function splitThinkTags(text: string): { text: string; reasoning: string } {
  if (!text.includes('<think>')) return { text, reasoning: '' };
  const matches = Array.from(text.matchAll(thinkBlock));
  let answer = text;
  for (let i = matches.length - 1; i >= 0; i--) {
    const m = matches[i]!;
    const before = answer.slice(0, m.index);
    const after = answer.slice(m.index + m[0].length);
    answer = before + (before.length > 0 && after.length > 0 ? '\n' : '') + after;
  }
  return { text: answer, reasoning: matches.map((m) => m[1]).join('\n') };
}

export function withReasoningExtracted(model: LanguageModel): LanguageModel {
  // Model ids given as plain strings resolve through the global provider; only objects of the
  // current specification can be wrapped (every provider we build is one).
  if (typeof model === 'string' || model.specificationVersion !== 'v3') return model;
  return wrapLanguageModel({ model, middleware: thinkTags });
}

/**
 * A think block the middleware cannot see: one cut off before `</think>` (the token limit hit while
 * the model was still thinking) or a closing tag without its opening one (chat templates that put
 * `<think>` in the prompt). Returns the answer text without it.
 */
export function stripStrayReasoning(text: string): string {
  const close = text.indexOf('</think>');
  if (close >= 0 && !text.slice(0, close).includes('<think>')) return text.slice(close + 8).trimStart();
  const open = text.indexOf('<think>');
  if (open >= 0 && !text.includes('</think>', open)) return text.slice(0, open).trimEnd();
  return text;
}
