// Deterministic embedder for tests and benchmarks: hashed bag of (crudely stemmed) words, with an
// optional synonym map folding words onto one canonical term, L2-normalised.
import { createHash } from 'node:crypto';

export function stem(word: string): string {
  return word.replace(/(ing|ed|es|s)$/, '');
}

export function fakeEmbedder(dimensions = 256, synonyms: Record<string, string> = {}) {
  const embedOne = (text: string): number[] => {
    const v = new Array<number>(dimensions).fill(0);
    for (const raw of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      const word = synonyms[raw] ?? synonyms[stem(raw)] ?? stem(raw);
      const h = createHash('sha1').update(word).digest();
      const slot = h.readUInt32BE(0) % dimensions;
      v[slot] = (v[slot] ?? 0) + ((h[4] ?? 0) & 1 ? 1 : -1);
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  };
  return async (texts: string[]): Promise<number[][]> => texts.map(embedOne);
}
