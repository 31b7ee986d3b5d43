// pdfkit wraps a word wider than its line by cutting off a line's worth and measuring the width of
// all the rest of the word again, for every line: time and memory grow with the word's length
// squared (a 20,000-character line of code took 19–30 s and 600 MB; a 40,000-character word held
// the export process past its 60 s). Such a word is cut here, before pdfkit sees it, into pieces
// that each fit on a line, one to a line: a line end is what pdfkit would have put there too, and
// what a reader copying the text gets at the end of each line either way — no invisible character
// (a zero-width space) is left in the copied text.
import type PDFDocumentClass from 'pdfkit';

type Doc = InstanceType<typeof PDFDocumentClass>;

// What pdfkit may not break a line at, run on: a run of fewer characters costs it little even when
// it must be cut (a narrow table column). No-break spaces (U+00A0, U+2007, U+202F) join a run, as
// they do for pdfkit's line breaker.
const longRun = /[^\t\n\v\f\r \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]{24,}/gu;
// Widths are summed a character at a time, without the kerning pdfkit applies to the whole piece:
// a little room is left for it.
const room = 0.95;
const combining = /^\p{M}/u;

/**
 * `text` with each run of characters without a space between them wider than `width` (at the document's current font
 * and size) cut into lines no wider than it. Costs each character's width once per distinct
 * character.
 */
export function withLongWordsCut(doc: Doc, text: string, width: number): string {
  const widths = new Map<string, number>();
  const widthOf = (char: string) => {
    let w = widths.get(char);
    if (w === undefined) {
      w = doc.widthOfString(char);
      widths.set(char, w);
    }
    return w;
  };
  return text.replace(longRun, (run) => {
    // Most runs (an address, a long compound) fit: measured whole, once.
    if (doc.widthOfString(run) <= width * room) return run;
    const pieces: string[] = [];
    let piece = '';
    let pieceWidth = 0;
    for (const char of run) {
      const w = widthOf(char);
      // A combining mark stays with the letter it marks.
      if (piece && pieceWidth + w > width * room && !combining.test(char)) {
        pieces.push(piece);
        piece = '';
        pieceWidth = 0;
      }
      piece += char;
      pieceWidth += w;
    }
    pieces.push(piece);
    return pieces.join('\n');
  });
}
