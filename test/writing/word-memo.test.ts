// Per-word results are computed once per word and the memo stays bounded.
import { describe, expect, it } from 'vitest';
import { memoByWord } from '../../src/writing/word-memo.ts';
import { stem } from '../../src/writing/words.ts';

describe('memoByWord', () => {
  it('computes each word once, and again only after the memo filled up and was emptied', () => {
    const seen: string[] = [];
    const length = memoByWord((w) => {
      seen.push(w);
      return w.length;
    });
    expect([length('heat'), length('pumps'), length('heat')]).toEqual([4, 5, 4]);
    expect(seen).toEqual(['heat', 'pumps']);
    for (let i = 0; i < 50_000; i++) length(`w${i}`);
    seen.length = 0;
    length('heat');
    expect(seen).toEqual(['heat']);
  });

  it('leaves stems as they were: English memoized, other languages only lower-cased', () => {
    expect([stem('Pumps'), stem('Pumps'), stem("pump's"), stem('1,500')]).toEqual([
      'pump',
      'pump',
      'pump',
      '1500',
    ]);
    expect(stem('Pumpen', 'de')).toBe('pumpen');
    expect(stem('Running', 'en-GB')).toBe('run');
  });
});
