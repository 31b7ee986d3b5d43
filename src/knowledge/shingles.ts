// How alike two texts' wording is: the Jaccard similarity of their sets of 5-word shingles (words as
// search reads them), for the library's similar passages and the articles' originality check.
import { searchWords } from '../db/text-search.ts';

const shingleSize = 5;

export function shingles(text: string): Set<string> {
  const words = searchWords(text);
  const out = new Set<string>();
  if (words.length < shingleSize) {
    if (words.length > 0) out.add(words.join(' '));
    return out;
  }
  for (let i = 0; i + shingleSize <= words.length; i++) out.add(words.slice(i, i + shingleSize).join(' '));
  return out;
}

export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const s of a) if (b.has(s)) inter++;
  return inter / (a.size + b.size - inter);
}
