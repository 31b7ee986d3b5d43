import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/writing/sentences.ts';

const texts = (markdown: string) => splitSentences(markdown).map((s) => s.text);

describe('splitSentences', () => {
  it('splits plain prose', () => {
    expect(texts('One fish. Two fish! Red fish? Blue fish.')).toEqual([
      'One fish.',
      'Two fish!',
      'Red fish?',
      'Blue fish.',
    ]);
  });

  it('does not split after abbreviations, initials or dotted acronyms', () => {
    expect(
      texts(
        'Dr. Smith met Mr. J. R. Jones at 5 p.m. on Main St. near the U.S. border. They talked, e.g. about tea.',
      ),
    ).toEqual([
      'Dr. Smith met Mr. J. R. Jones at 5 p.m. on Main St. near the U.S. border.',
      'They talked, e.g. about tea.',
    ]);
  });

  it('keeps decimals, versions and URLs whole', () => {
    expect(
      texts(
        'Inflation was 3.5 percent in v2.1.0 of the report. See https://example.com/a.b?c=1.2 for details. Done.',
      ),
    ).toEqual([
      'Inflation was 3.5 percent in v2.1.0 of the report.',
      'See https://example.com/a.b?c=1.2 for details.',
      'Done.',
    ]);
  });

  it('keeps citations placed after the full stop with their sentence', () => {
    expect(texts('Coffee grew 5%.[1] Tea fell. [2][3] Water rose [4].')).toEqual([
      'Coffee grew 5%.[1]',
      'Tea fell. [2][3]',
      'Water rose [4].',
    ]);
  });

  it('treats each Markdown list item as its own sentence, without the marker', () => {
    expect(
      texts('Benefits:\n\n- Less acid\n- Sweeter taste [1]\n1. First step. Second step\n2) Third'),
    ).toEqual(['Benefits:', 'Less acid', 'Sweeter taste [1]', 'First step.', 'Second step', 'Third']);
  });

  it('joins soft-wrapped lines and skips headings, code, tables and quotes markers', () => {
    const markdown = [
      '# Title',
      '',
      'A sentence that',
      'wraps. Next one.',
      '',
      '```',
      'const x = 1. Not prose.',
      '```',
      '',
      '| a | b |',
      '|---|---|',
      '',
      '> Quoted words. More.',
    ].join('\n');
    expect(texts(markdown)).toEqual(['A sentence that wraps.', 'Next one.', 'Quoted words.', 'More.']);
  });

  it('does not split before a lower-case continuation or inside an ellipsis', () => {
    expect(texts('Wait... then go. Prices rose (see below.) and fell.')).toEqual([
      'Wait... then go.',
      'Prices rose (see below.) and fell.',
    ]);
  });

  it('gives offsets that point back into the Markdown', () => {
    const markdown = '# T\n\nFirst one. Second\none.\n\n- item';
    for (const sentence of splitSentences(markdown)) {
      const firstWord = sentence.text.split(' ')[0]!;
      expect(markdown.slice(sentence.offset, sentence.offset + firstWord.length)).toBe(firstWord);
    }
  });
});
