// The citation spellings models actually produce, normalised to the canonical `[n]` (one bracket per
// source), with numbers outside the sources given removed and counted.
import { describe, expect, it } from 'vitest';
import { citedNumbers, citedSentences, parseCitations, stripCitations } from '../../src/writing/citations.ts';
import { localToGlobal, normaliseCitations } from '../../src/writing/sections.ts';

describe('normaliseCitations', () => {
  // [input, sources given, expected Markdown, numbers removed (one per occurrence)]
  const cases: Array<[string, number, string, number]> = [
    ['Heat pumps save energy [1].', 3, 'Heat pumps save energy [1].', 0],
    ['Heat pumps save energy [1, 2].', 3, 'Heat pumps save energy [1][2].', 0],
    ['Heat pumps save energy [1,2].', 3, 'Heat pumps save energy [1][2].', 0],
    ['Heat pumps save energy [1][3].', 3, 'Heat pumps save energy [1][3].', 0],
    ['Heat pumps save energy [1-3].', 3, 'Heat pumps save energy [1][2][3].', 0],
    ['Heat pumps save energy [1–3].', 3, 'Heat pumps save energy [1][2][3].', 0],
    ['Heat pumps save energy 【2】.', 3, 'Heat pumps save energy [2].', 0],
    ['Heat pumps save energy【2】.', 3, 'Heat pumps save energy[2].', 0],
    ['Heat pumps save energy 【2, 3】.', 3, 'Heat pumps save energy [2][3].', 0],
    ['Heat pumps save energy 【3†source】.', 3, 'Heat pumps save energy [3].', 0],
    ['Heat pumps save energy 【3:0†heat-pumps.pdf】.', 3, 'Heat pumps save energy [3].', 0],
    ['Heat pumps save energy (Source 2).', 3, 'Heat pumps save energy [2].', 0],
    ['Heat pumps save energy (source 2).', 3, 'Heat pumps save energy [2].', 0],
    ['Heat pumps save energy (Sources 2 and 3).', 3, 'Heat pumps save energy [2][3].', 0],
    ['Heat pumps save energy (Sources 1, 3).', 3, 'Heat pumps save energy [1][3].', 0],
    ['Heat pumps save energy [Source 2].', 3, 'Heat pumps save energy [2].', 0],
    ['Heat pumps save energy.^2', 3, 'Heat pumps save energy. [2]', 0],
    ['Heat pumps save energy^2.', 3, 'Heat pumps save energy [2].', 0],
    ['Heat pumps save energy ^2.', 3, 'Heat pumps save energy [2].', 0],
    // Out of range: removed and counted, the rest of the marker kept.
    ['Heat pumps save energy [4].', 3, 'Heat pumps save energy.', 1],
    ['Heat pumps save energy [0].', 3, 'Heat pumps save energy.', 1],
    ['Heat pumps save energy [2, 7].', 3, 'Heat pumps save energy [2].', 1],
    ['Heat pumps save energy [2-5].', 3, 'Heat pumps save energy [2][3].', 2],
    ['Heat pumps save energy 【9】.', 3, 'Heat pumps save energy.', 1],
    ['Heat pumps save energy (Source 9).', 3, 'Heat pumps save energy.', 1],
    ['Heat pumps save energy^9.', 3, 'Heat pumps save energy.', 1],
    ['One [4]. Two [4][5].', 3, 'One. Two.', 3],
    ['Anything [1].', 0, 'Anything.', 1],
    // Not citations: math, footnotes, links, link definitions, code, parentheses without "source".
    ['The area is x^2 and 10^3 grows.', 3, 'The area is x^2 and 10^3 grows.', 0],
    ['A footnote[^2] stays.', 3, 'A footnote[^2] stays.', 0],
    ['A [2](https://example.com) link.', 3, 'A [2](https://example.com) link.', 0],
    ['Code `a[2]` and `(Source 9)` stay.', 3, 'Code `a[2]` and `(Source 9)` stay.', 0],
    ['It grew (by 2) in 2024 (see 3).', 3, 'It grew (by 2) in 2024 (see 3).', 0],
  ];

  it.each(cases)('%j with %i sources → %j, %i removed', (input, sources, expected, removed) => {
    const result = normaliseCitations(input, sources);
    expect(result.markdown).toBe(expected);
    expect(result.removed).toBe(removed);
  });

  it('reports the distinct numbers removed', () => {
    expect(normaliseCitations('A [4]. B 【4】. C (Source 6).', 3).dropped).toEqual([4, 6]);
  });
});

describe('every spelling reads as a citation', () => {
  it.each([
    ['[1, 2]', [1, 2]],
    ['[1][3]', [1, 3]],
    ['[1-3]', [1, 2, 3]],
    ['【2】', [2]],
    ['(Source 2)', [2]],
    ['(Sources 2 & 4)', [2, 4]],
    ['^2', [2]],
  ])('%s cites %j', (marker, numbers) => {
    expect(citedNumbers(`Heat pumps cut bills by half ${marker}.`)).toEqual(numbers);
    expect(citedSentences(`Heat pumps cut bills by half ${marker}.`)[0]).toMatchObject({
      sentence: 'Heat pumps cut bills by half.',
      sources: numbers,
    });
    expect(stripCitations(`Heat pumps cut bills by half ${marker}.`)).toBe('Heat pumps cut bills by half.');
  });

  it('gives the offset and raw text of each spelling', () => {
    const text = 'A 【2】 then (Source 3) then^1.';
    expect(parseCitations(text).map((m) => [m.raw, text.slice(m.offset, m.offset + m.raw.length)])).toEqual([
      ['【2】', '【2】'],
      ['(Source 3)', '(Source 3)'],
      ['^1', '^1'],
    ]);
  });

  it('maps a section’s local spellings to global numbers in canonical form', () => {
    const { markdown, removed } = localToGlobal('A 【1】. B (Sources 1 and 2). C [3].', [7, 9]);
    expect(markdown).toBe('A [7]. B [7][9]. C.');
    expect(removed).toBe(1);
  });
});
