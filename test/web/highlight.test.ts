// Marking a knowledge query's words in a passage: the forms the server's stemming matches are marked,
// the text is never altered, and small words do not drown the ones that mattered.
import { describe, expect, it } from 'vitest';
import { highlight, queryStems } from '../../web/src/highlight.ts';

const marked = (text: string, query: string) =>
  highlight(text, query)
    .filter((s) => s.match)
    .map((s) => s.text);

describe('highlight', () => {
  it('marks other forms of the query words, as the stemmed search matched them', () => {
    expect(marked('Heat pumps for family homes', 'pump families')).toEqual(['pumps', 'family']);
    expect(marked('The pump families use', 'pumps family')).toEqual(['pump', 'families']);
    expect(marked('Wärmepumpen im Altbau', 'Wärmepumpe')).toEqual(['Wärmepumpen']);
  });

  it('keeps the text exactly when joined again', () => {
    const text = 'Heat pumps — in “family” homes, pumps (again).';
    expect(
      highlight(text, 'pumps family')
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });

  it('ignores stop words and queries without words', () => {
    expect(queryStems('the and of pumps')).toEqual(['pump']);
    expect(marked('the heat of the day', 'the of')).toEqual([]);
    expect(highlight('plain text', '  -- ')).toEqual([{ text: 'plain text', match: false }]);
  });

  it('does not mark words that only share their first letters', () => {
    expect(marked('Famous homes', 'family')).toEqual([]);
    expect(marked('a an apple', 'apple')).toEqual(['apple']);
    // A prefix can over-mark: a reading aid, not the search's match.
    expect(marked('A pumpkin and a pump', 'pump')).toEqual(['pumpkin', 'pump']);
  });
});
