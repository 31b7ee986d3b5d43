// The web app's pure helpers: version diff, API error details → brief form fields, citation markers.
import { describe, expect, it } from 'vitest';
import { diffLines } from '../../web/src/diff.ts';
import { citationNumbers } from '../../web/src/markdown.ts';
import { briefErrors } from '../../web/src/pages/NewArticle.tsx';

describe('diffLines', () => {
  it('marks removed and added lines between unchanged context', () => {
    const before = 'a\nb\nc\nd';
    const after = 'a\nB\nc\nd\ne';
    expect(diffLines(before, after)).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
      { kind: 'same', text: 'd' },
      { kind: 'added', text: 'e' },
    ]);
  });

  it('is all "same" for equal texts and reconstructs both sides', () => {
    expect(diffLines('x\ny', 'x\ny').every((l) => l.kind === 'same')).toBe(true);
    const before = 'one\ntwo\nthree\nfour\nfive';
    const after = 'zero\none\nthree\nFOUR\nfive\nsix';
    const d = diffLines(before, after);
    expect(d.filter((l) => l.kind !== 'added').map((l) => l.text)).toEqual(before.split('\n'));
    expect(d.filter((l) => l.kind !== 'removed').map((l) => l.text)).toEqual(after.split('\n'));
  });
});

describe('briefErrors', () => {
  it('puts each API detail on its form field, with the line of list items', () => {
    const { byField, other } = briefErrors([
      { path: 'topic', message: 'Must not be blank' },
      { path: 'research.urls.1', message: 'Must be an http(s) URL' },
      { path: 'keywords.0', message: 'Must not be blank' },
      { path: 'words', message: 'Too small: expected number to be >=300' },
      { path: 'mystery', message: 'Unrecognized key' },
    ]);
    expect(byField.topic).toBe('Must not be blank');
    expect(byField['research.urls']).toBe('Line 2: Must be an http(s) URL');
    expect(byField.keywords).toBe('Keyword 1: Must not be blank');
    expect(byField.words).toMatch(/300/);
    expect(other).toEqual(['mystery: Unrecognized key']);
  });
});

describe('citationNumbers', () => {
  it('expands lists and ranges', () => {
    expect(citationNumbers('2')).toEqual([2]);
    expect(citationNumbers('1, 3')).toEqual([1, 3]);
    expect(citationNumbers('2-4')).toEqual([2, 3, 4]);
    expect(citationNumbers('1, 3–5')).toEqual([1, 3, 4, 5]);
  });
});
