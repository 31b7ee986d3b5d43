// A word is the same word however it was typed, and a language's name keeps its sign.
import { describe, expect, it } from 'vitest';
import { countPhrase } from '../../src/seo/keywords.ts';
import { stems, words } from '../../src/writing/words.ts';

describe('words', () => {
  it('reads a decomposed accent (as pasted from a PDF or macOS) as the composed letter', () => {
    const decomposed = 'cafe\u0301 crème';
    expect(words(decomposed)).toEqual(['café', 'crème']);
    expect(countPhrase(stems('Ein Café für Ärzte.', 'de'), stems('A\u0308rzte', 'de'))).toBe(1);
  });

  it('keeps "C++", "C#" and "F#" apart from "C"', () => {
    expect(words('C++ and C# are not C, nor is F#; issue#5 is two words')).toEqual([
      'C++',
      'and',
      'C#',
      'are',
      'not',
      'C',
      'nor',
      'is',
      'F#',
      'issue',
      '5',
      'is',
      'two',
      'words',
    ]);
    expect(countPhrase(stems('C is a language.'), stems('C#'))).toBe(0);
  });
});
