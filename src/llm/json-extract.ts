// Finds the JSON value in a model's answer when the server did not constrain its output: the
// whole text, a ```json fence after a chatty preamble, or the first complete object/array with
// text around it. Reasoning blocks are never mistaken for the answer.
import { stripStrayReasoning, withoutThinkBlocks } from './reasoning.ts';

export type Extracted = { ok: true; value: unknown } | { ok: false; error: string };

function tryParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

const openBrace = 123; // {
const openBracket = 91; // [
const closeBrace = 125; // }
const closeBracket = 93; // ]
const quote = 34; // "
const backslash = 92; // \

/**
 * The end (exclusive) of the balanced object or array that opens at `start`, string-aware, and the
 * characters read to tell. `stack` holds the expected closers (as long as the text: reused).
 */
function balancedEnd(
  text: string,
  start: number,
  stack: Uint8Array,
): { end: number | undefined; read: number } {
  let depth = 0;
  let inString = false;
  let i = start;
  const found = (end: number | undefined) => ({ end, read: i - start + 1 });
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === backslash) i++;
      else if (c === quote) inString = false;
      continue;
    }
    if (c === quote) inString = true;
    else if (c === openBrace || c === openBracket)
      stack[depth++] = c === openBrace ? closeBrace : closeBracket;
    else if (c === closeBrace || c === closeBracket) {
      if (depth === 0 || stack[--depth] !== c) return found(undefined);
      if (depth === 0) return found(i + 1);
    }
  }
  return found(undefined);
}

/**
 * How many characters the search for an embedded object may read, per character of the answer.
 * Each `{` or `[` is tried in turn, each read to where it closes (or to the end): an answer of
 * 40 kB of `{` took 4 s, a megabyte hours. Real answers hold a few brackets before their JSON.
 */
const searchReadsPerChar = 16;

export function extractJson(answer: string): Extracted {
  const text = stripStrayReasoning(withoutThinkBlocks(answer)).trim();
  if (!text) return { ok: false, error: 'The answer was empty; expected a JSON object' };
  const whole = tryParse(text);
  if (whole) return { ok: true, ...whole };
  for (const fence of text.matchAll(/```[a-zA-Z]*[ \t]*\n?([\s\S]*?)```/g)) {
    const inside = tryParse((fence[1] ?? '').trim());
    if (inside) return { ok: true, ...inside };
  }
  let budget = searchReadsPerChar * text.length;
  const stack = new Uint8Array(text.length);
  for (let i = 0; i < text.length && budget > 0; i++) {
    if (text[i] !== '{' && text[i] !== '[') continue;
    const { end, read } = balancedEnd(text, i, stack);
    budget -= read;
    if (end === undefined) continue;
    budget -= end - i;
    const found = tryParse(text.slice(i, end));
    if (found) return { ok: true, ...found };
  }
  return {
    ok: false,
    error:
      budget > 0
        ? 'The answer contains no valid JSON object'
        : 'The answer contains no valid JSON object among its first brackets (too many that do not close)',
  };
}
