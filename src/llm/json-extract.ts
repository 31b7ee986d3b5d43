// Finds the JSON value in a model's answer when the server did not constrain its output: the
// whole text, a ```json fence after a chatty preamble, or the first complete object/array with
// text around it. Reasoning blocks are never mistaken for the answer.
import { stripStrayReasoning } from './reasoning.ts';

export type Extracted = { ok: true; value: unknown } | { ok: false; error: string };

function tryParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** The end (exclusive) of the balanced object or array that opens at `start`, string-aware. */
function balancedEnd(text: string, start: number): number | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return undefined;
      if (stack.length === 0) return i + 1;
    }
  }
  return undefined;
}

export function extractJson(answer: string): Extracted {
  const text = stripStrayReasoning(answer.replace(/<think>[\s\S]*?<\/think>/g, '')).trim();
  if (!text) return { ok: false, error: 'The answer was empty; expected a JSON object' };
  const whole = tryParse(text);
  if (whole) return { ok: true, ...whole };
  for (const fence of text.matchAll(/```[a-zA-Z]*[ \t]*\n?([\s\S]*?)```/g)) {
    const inside = tryParse((fence[1] ?? '').trim());
    if (inside) return { ok: true, ...inside };
  }
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '{' && text[i] !== '[') continue;
    const end = balancedEnd(text, i);
    if (end === undefined) continue;
    const found = tryParse(text.slice(i, end));
    if (found) return { ok: true, ...found };
  }
  return { ok: false, error: 'The answer contains no valid JSON object' };
}
