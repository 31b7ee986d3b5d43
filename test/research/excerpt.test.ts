import { describe, expect, it } from 'vitest';
import { bestExcerpt } from '../../src/research/excerpt.ts';

describe('bestExcerpt', () => {
  it('picks the paragraph that shares the most words with the question', () => {
    const text = [
      'A paragraph about the weather in spring, long enough to be considered here at all.',
      'A paragraph about heat pumps and their running costs, long enough to be considered.',
    ].join('\n\n');
    expect(bestExcerpt(text, 'heat pumps costs')).toBe(
      'A paragraph about heat pumps and their running costs, long enough to be considered.',
    );
  });

  it('never cuts a long paragraph between the halves of a character outside the basic plane', () => {
    // 😀 is two UTF-16 code units; the cut at 399 fell between them and left a lone surrogate.
    const paragraph = `${'a'.repeat(398)}😀 and more words after it`;
    const excerpt = bestExcerpt(paragraph, 'words');
    expect(excerpt.isWellFormed()).toBe(true);
    expect(excerpt).toBe(`${'a'.repeat(398)}…`);
  });
});
