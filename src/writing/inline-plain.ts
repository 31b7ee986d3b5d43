// Inline Markdown to readable text: links and images keep their text, emphasis and code ticks go.
// Runs on every sentence of an article (claim locations on each read, SEO on each edit, the
// fact-check), so its cost must stay linear in the text: the regular expressions it used before
// tried every `[`, `<` or `*` against the rest of the paragraph, and a 40 kB paragraph of them took
// seconds (500 kB, an edit's limit, minutes).

// `[text](destination)`: the text has no brackets; the destination may hold one level of
// parentheses (`wiki/Foo_(bar)`) and a title, no brackets. Excluding the opening characters keeps
// each attempt to the next bracket or parenthesis.
const destination = String.raw`\(([^()[\]]*(?:\([^()[\]]*\)[^()[\]]*)?)\)`;
const image = new RegExp(String.raw`!\[([^[\]]*)\]${destination}`, 'g');
const link = new RegExp(String.raw`\[([^[\]]+)\]${destination}`, 'g');
// An HTML tag: no `<` inside, so a run of `<` is read once.
const tag = /<[^<>]+>/g;
const escaped = /\\([\\`*_{}[\]()#+\-.!|<>])/g;

// Tried in this order at each position, as the alternation `(\*\*|__|\*|_|~~|`)` did.
const delimiters = ['**', '__', '*', '_', '~~', '`'] as const;
const space = /\s/;
const isLineEnd = (c: string) => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';

/**
 * What `text.replace(/(\*\*|__|\*|_|~~|`)(\S(?:.*?\S)?)\1/g, '$2')` returns, in linear time: a
 * delimiter, a non-space, then the nearest same delimiter after a non-space on the same line (one
 * right after that non-space only when there is none further). The expression searched each
 * opener's whole line for its closer; here each delimiter's nearest closer is found by a pointer
 * that only moves forward (openers are met in order).
 */
export function stripEmphasis(text: string): string {
  const n = text.length;
  // Per delimiter: the nearest closer at or after `from` (−1: none to the end).
  const closer = delimiters.map(() => ({ from: 0, at: -2 }));
  const nearestCloser = (k: number, from: number): number => {
    const c = closer[k]!;
    if (c.at === -1 || (c.at >= from && from >= c.from)) return c.at;
    const d = delimiters[k]!;
    let q = Math.max(from, 1);
    while (q < n && !(text.startsWith(d, q) && !space.test(text[q - 1]!))) q++;
    c.from = from;
    c.at = q < n ? q : -1;
    return c.at;
  };
  let lineEnd = -1;
  const lineEndAfter = (p: number): number => {
    if (lineEnd < p) {
      lineEnd = p;
      while (lineEnd < n && !isLineEnd(text[lineEnd]!)) lineEnd++;
    }
    return lineEnd;
  };

  let out = '';
  let copied = 0;
  let p = 0;
  while (p < n) {
    let next = p + 1;
    for (let k = 0; k < delimiters.length; k++) {
      const d = delimiters[k]!;
      if (!text.startsWith(d, p)) continue;
      const first = p + d.length;
      if (first >= n || space.test(text[first]!)) continue;
      // The optional `(?:.*?\S)?` is greedy: a closer after two or more characters is preferred,
      // one right after the first character is the fallback.
      let q = nearestCloser(k, first + 2);
      if (q < 0 || q >= lineEndAfter(p)) q = text.startsWith(d, first + 1) ? first + 1 : -1;
      if (q < 0) continue;
      out += text.slice(copied, p) + text.slice(first, q);
      copied = next = q + d.length;
      break;
    }
    p = next;
  }
  return out + text.slice(copied);
}

export function inlinePlain(markdown: string): string {
  return stripEmphasis(markdown.replace(image, '$1').replace(link, '$1'))
    .replace(tag, '')
    .replace(escaped, '$1');
}
