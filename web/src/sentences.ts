// The sentence a citation marker belongs to, in a paragraph's plain text. Sentences end as the
// server's splitter (src/writing/sentences.ts) ends them, since that is where the fact check's
// cited sentences come from: at . ! ? … followed by a blank and a capital, digit or quote — not
// after an abbreviation or an initial — and at 。！？; markers placed after the full stop belong
// to the sentence before them.

// Lower-cased, without the final dot. A dot after these does not end a sentence.
const abbreviations = new Set(
  (
    'mr mrs ms mx dr prof sr jr st vs no nos fig figs al approx ca cf inc ltd co corp dept est gen gov ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec mt ft vol vols pp ed eds rev hon lt col sgt capt ' +
    'e.g i.e a.m p.m u.s u.k u.n ph.d'
  ).split(' '),
);

const closers = `"'”’)]*_」』）`;
const trailingCitations = /(?:\s*\[\d+(?:\s*[,–-]\s*\d+)*\])+/y;
const nextStarts = /\s+[\p{Lu}\p{N}"“‘'([*_`]/uy;

function endsSentence(text: string, dotIndex: number): boolean {
  let wordStart = dotIndex;
  while (wordStart > 0 && !/\s/.test(text[wordStart - 1] ?? '')) wordStart--;
  const word = text.slice(wordStart, dotIndex).replace(/^[("'“‘[*_]+/, '');
  if (!word) return true;
  if (abbreviations.has(word.toLowerCase())) return false;
  // An initial ("J. Smith") or a dotted abbreviation ("U.S.", "e.g.").
  if (/^\p{L}$/u.test(word) || /^(?:\p{L}\.)+\p{L}$/u.test(word)) return false;
  return true;
}

/** The sentence of `text` that the character at `index` is in, trimmed. */
export function sentenceAt(text: string, index: number): string {
  let start = 0;
  const terminal = /[.!?…]+|[。！？]+/g;
  for (let match = terminal.exec(text); match; match = terminal.exec(text)) {
    let end = match.index + match[0].length;
    while (end < text.length && closers.includes(text[end] ?? '')) end++;
    trailingCitations.lastIndex = end;
    if (trailingCitations.test(text)) end = trailingCitations.lastIndex;
    while (end < text.length && closers.includes(text[end] ?? '')) end++;
    if (end >= text.length) break;
    if (!/^[。！？]/.test(match[0])) {
      // Decimals, URLs and "file.ts" have no blank after the dot; a lower-case word goes on.
      nextStarts.lastIndex = end;
      if (!nextStarts.test(text)) continue;
      if (match[0] === '.' && !endsSentence(text, match.index)) continue;
    }
    if (index < end) return text.slice(start, end).trim();
    start = end;
    terminal.lastIndex = end;
  }
  return text.slice(start).trim();
}
