// What text must be to be stored, without the request schemas (text.ts) around it: the page
// extractor's processes use it and load no zod. PostgreSQL cannot store NUL in text or JSON, and a
// lone UTF-16 surrogate is not Unicode at all (JSON columns refuse it, text columns turn it into
// U+FFFD).

const nul = '\u0000';
// C0 controls other than tab, line feed and carriage return: nothing a reader sees.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const controls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** Why `value` cannot be stored as text, or undefined when it can. */
export function storableTextProblem(value: string): string | undefined {
  if (value.includes(nul)) return 'Must not contain NUL (\\u0000) characters';
  if (!value.isWellFormed()) return 'Must be valid Unicode (no unpaired surrogates)';
  return undefined;
}

/**
 * Text someone else wrote (a fetched page), made storable: without NUL and the other C0 controls
 * but tab and line breaks, each lone surrogate U+FFFD. A page is not refused for a stray byte.
 */
export const storableText = (value: string): string => value.replace(controls, '').toWellFormed();

/** JSON of `value` whose strings are made storable (storableText): a jsonb column refuses \u0000. */
export const storableJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => (typeof v === 'string' ? storableText(v) : v));

/**
 * At most `max` UTF-16 code units of `text` from its start, never ending inside a surrogate pair (a
 * cut between its halves left a lone surrogate, which cannot be stored).
 */
export function textHead(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
