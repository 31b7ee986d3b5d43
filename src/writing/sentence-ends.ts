// Where sentences end in a block of prose: at . ! ? … followed by a blank and a capital, digit or
// quote — not after an abbreviation or an initial — and at 。！？ by themselves (Japanese and Chinese
// put no space or capital after them); closing quotes and citation markers placed after the full
// stop belong to the sentence before them. No imports: the web app's preview uses it too (its build
// stage copies this file alone), so a marker is judged by the sentence the fact check saw.

// Lower-cased, without the final dot. A dot after these does not end a sentence.
const abbreviations = new Set(
  (
    'mr mrs ms mx dr prof sr jr st vs no nos fig figs al approx ca cf inc ltd co corp dept est gen gov ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec mt ft vol vols pp ed eds rev hon lt col sgt capt ' +
    'e.g i.e a.m p.m u.s u.k u.n ph.d'
  ).split(' '),
);

const closers = `"'”’)]*_」』）`;
// Citation groups such as [3] or [1, 2] that a writer places after the full stop.
const trailingCitations = /(?:\s*\[\d+(?:\s*[,–-]\s*\d+)*\])+/y;
// Decimals, URLs and "file.ts" have no blank after the dot; a lower-case word goes on.
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

/** The offsets at which the text's sentences end, but for the last one (which ends with the text). */
export function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  const terminal = /[.!?…]+|[。！？]+/g;
  for (let match = terminal.exec(text); match; match = terminal.exec(text)) {
    let end = match.index + match[0].length;
    while (end < text.length && closers.includes(text[end] ?? '')) end++;
    trailingCitations.lastIndex = end;
    if (trailingCitations.test(text)) end = trailingCitations.lastIndex;
    while (end < text.length && closers.includes(text[end] ?? '')) end++;
    if (end >= text.length) break;
    if (!/^[。！？]/.test(match[0])) {
      nextStarts.lastIndex = end;
      if (!nextStarts.test(text)) continue;
      if (match[0] === '.' && !endsSentence(text, match.index)) continue;
    }
    ends.push(end);
    terminal.lastIndex = end;
  }
  return ends;
}
