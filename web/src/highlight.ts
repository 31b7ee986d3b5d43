// Marks the words of a search query in a passage, for showing why a result matched. The server
// stems with PostgreSQL ("pumps" finds "pump", "families" finds "family"); this only has to show
// it, so a word is marked when its stem and a query word's stem are one the other's prefix.

export interface Segment {
  text: string;
  match: boolean;
}

const wordPattern = /[\p{L}\p{N}]+/gu;
// Words a search ignores; marking them would hide the words that mattered.
const ignored = new Set(
  'a an and are as at be by for from in is it of on or the to was were with'.split(' '),
);

/** The prefix two forms of a word share: "pumps" and "pump" → "pump", "family"/"families" → "famil". */
function stem(word: string): string {
  const w = word.toLocaleLowerCase();
  if (w.length <= 4) return w;
  return w.slice(0, Math.max(4, w.length - 2));
}

// One stem is the other's prefix ("fami" of "family", "famili" of "families"), at least three letters
// long. A prefix can over-mark ("pumpk(in)" for "pump"); marking is a reading aid, not the match.
const sameStem = (a: string, b: string) =>
  a === b || (Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a)));

export function queryStems(query: string): string[] {
  const words = query.match(wordPattern) ?? [];
  return [...new Set(words.filter((w) => !ignored.has(w.toLocaleLowerCase())).map(stem))];
}

/** The text cut into plain and matching segments, in order; joined they are the text again. */
export function highlight(text: string, query: string): Segment[] {
  const stems = queryStems(query);
  if (stems.length === 0) return [{ text, match: false }];
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(wordPattern)) {
    if (!stems.some((s) => sameStem(stem(m[0]), s))) continue;
    if (m.index > last) out.push({ text: text.slice(last, m.index), match: false });
    out.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), match: false });
  return out;
}
