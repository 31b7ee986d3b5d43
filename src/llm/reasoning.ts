// Reasoning output kept apart from the answer. Reasoning models (Qwen3, DeepSeek-R1, gpt-oss...)
// served without a reasoning parser open their answer with a `<think>…</think>` block; the SDK's
// middleware moves it into reasoning parts, the same place where providers put a separate
// `reasoning_content`/`reasoning` field. Everything downstream reads only text parts, so reasoning
// never reaches an article, a structured answer or a stream's text. A whole (not streamed) text
// answer skips the middleware: `splitThinkTags` does the same after the fact, and only pays for it
// when the answer has a `<think>` in it — most answers do not, and the wrapper cost every call.
import { extractReasoningMiddleware, type LanguageModel, wrapLanguageModel } from 'ai';

const thinkTags = extractReasoningMiddleware({ tagName: 'think' });

interface ThinkBlock {
  start: number;
  end: number;
  inner: string;
}

/**
 * Each `<think>` and the first `</think>` after it, in order — what `/<think>(.*?)<\/think>/gs`
 * matches, found in one pass: the expression tried every unclosed `<think>` against the rest of the
 * answer (a server's answer of 100 kB of them took seconds).
 */
function thinkBlocks(text: string): ThinkBlock[] {
  const blocks: ThinkBlock[] = [];
  for (let open = text.indexOf('<think>'); open >= 0; ) {
    const close = text.indexOf('</think>', open + 7);
    if (close < 0) break;
    blocks.push({ start: open, end: close + 8, inner: text.slice(open + 7, close) });
    open = text.indexOf('<think>', close + 8);
  }
  return blocks;
}

/** The answer with its `<think>` blocks cut out (`text.replace(/<think>[\s\S]*?<\/think>/g, '')`). */
export function withoutThinkBlocks(text: string): string {
  let kept = 0;
  let answer = '';
  for (const b of thinkBlocks(text)) {
    answer += text.slice(kept, b.start);
    kept = b.end;
  }
  return answer + text.slice(kept);
}

/**
 * What the middleware does to a whole answer: `<think>` blocks moved out, joined by a newline. It
 * puts one where a block had text before it and has answer text after it.
 */
export function splitThinkTags(text: string): { text: string; reasoning: string } {
  if (!text.includes('<think>')) return { text, reasoning: '' };
  const blocks = thinkBlocks(text);
  const between = blocks.map((b, i) => text.slice(i === 0 ? 0 : blocks[i - 1]!.end, b.start));
  const last = text.slice(blocks.at(-1)?.end ?? 0);
  let answer = last;
  for (let i = blocks.length - 1; i >= 0; i--)
    answer = between[i]! + (blocks[i]!.start > 0 && answer.length > 0 ? '\n' : '') + answer;
  return { text: answer, reasoning: blocks.map((b) => b.inner).join('\n') };
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
  return splitStrayReasoning(text).text;
}

/** stripStrayReasoning, with what it cut out (for the reasoning the usage counts). */
export function splitStrayReasoning(text: string): { text: string; reasoning: string } {
  const close = text.indexOf('</think>');
  if (close >= 0 && !text.slice(0, close).includes('<think>'))
    return { text: text.slice(close + 8).trimStart(), reasoning: text.slice(0, close) };
  const open = text.indexOf('<think>');
  if (open >= 0 && !text.includes('</think>', open))
    return { text: text.slice(0, open).trimEnd(), reasoning: text.slice(open + 7) };
  return { text, reasoning: '' };
}
