// A post's length as X counts it (twitter-text's v3 configuration): NFC code points of Latin and
// common punctuation weigh 1, everything else (CJK, most symbols) 2, an emoji 2 whatever its
// sequence, and a link 23 whatever its length. Counting plain characters instead lets through a
// Japanese post of 200 characters (X: 400), and counts a short post with a long link too long.
//
// Links: X links a name only when its last label is a real top-level domain. Any dotted name with a
// last label of letters is counted as a link here ("Node.js" too): a count that can only be too
// high keeps every post within the limit. Words are read one at a time, so the count stays linear
// in the text.

export const xPostLimit = 280;
export const xLinkLength = 23;

const lightRanges: ReadonlyArray<readonly [number, number]> = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
// Anchored at the word's first letter or digit: one start per word.
const linkStart =
  /^(?:https?:\/\/[^\s<>"]+|(?:[\p{L}\p{N}][\p{L}\p{N}-]*\.)+\p{L}{2,24}(?::\d{1,5})?(?:\/[^\s<>"]*)?)/u;
const leadingPunctuation = /^[^\p{L}\p{N}]*/u;
const pictographic = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

const codePointWeight = (code: number): number =>
  lightRanges.some(([start, end]) => code >= start && code <= end) ? 1 : 2;

function plainLength(text: string): number {
  let n = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (pictographic.test(segment)) n += 2;
    else for (const char of segment) n += codePointWeight(char.codePointAt(0)!);
  }
  return n;
}

function wordLength(word: string): number {
  const lead = leadingPunctuation.exec(word)![0];
  const link = linkStart.exec(word.slice(lead.length))?.[0];
  if (!link) return plainLength(word);
  return plainLength(lead) + xLinkLength + plainLength(word.slice(lead.length + link.length));
}

/** The length X gives `text` against its 280 limit. */
export function xLength(text: string): number {
  let n = 0;
  for (const piece of text.normalize('NFC').split(/(\s+)/))
    n += /\s/.test(piece) ? plainLength(piece) : wordLength(piece);
  return n;
}
