// The sentence a citation marker belongs to, in a paragraph's plain text: split where the server's
// splitter splits (the fact check's cited sentences come from it), by the same rules.
import { sentenceEnds } from '../../src/writing/sentence-ends.ts';

/** The sentence of `text` that the character at `index` is in, trimmed. */
export function sentenceAt(text: string, index: number): string {
  let start = 0;
  for (const end of sentenceEnds(text)) {
    if (index < end) return text.slice(start, end).trim();
    start = end;
  }
  return text.slice(start).trim();
}
