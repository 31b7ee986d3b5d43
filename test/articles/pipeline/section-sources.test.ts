// What a section's writer is given: its length, its sources renumbered from 1, and sources for a
// section the outline left without any.
import { describe, expect, it } from 'vitest';
import {
  assignSources,
  sectionFocus,
  sectionSources,
  wordsPerSection,
} from '../../../src/articles/pipeline/section-sources.ts';
import type { ArticleSource } from '../../../src/articles/types.ts';

const source = (n: number, text: string): ArticleSource => ({
  n,
  kind: 'url',
  title: `Source ${n}`,
  url: `https://example.com/${n}`,
  excerpt: text.slice(0, 40),
  text,
});

const sources = [
  source(1, 'Heat pumps move heat from outdoor air into the home.'),
  source(2, 'Insulation of attics and walls lowers heat loss through the roof.'),
  source(3, 'Solar panels on a home roof turn sunlight into electricity.'),
  source(4, 'Bicycles are a cheap way to commute in cities.'),
];

const section = (sourceIds: number[], heading = 'Heat pumps at home') => ({
  heading,
  goal: 'Explain how heat pumps heat a home',
  keyPoints: ['outdoor air', 'efficiency'],
  sourceIds,
});

describe('section sources', () => {
  it('gives the sections four fifths of the words, at least 80 each', () => {
    expect(wordsPerSection(1500, 4)).toBe(300);
    expect(wordsPerSection(1000, 3)).toBe(267);
    expect(wordsPerSection(300, 10)).toBe(80);
  });

  it('describes a section by its heading, goal and key points', () => {
    expect(sectionFocus(section([]))).toBe(
      'Heat pumps at home Explain how heat pumps heat a home outdoor air efficiency',
    );
  });

  it('renumbers the sources a section was given from 1, in the outline order, leaving unknown numbers out', () => {
    const given = sectionSources(section([3, 9, 1]), sources);
    expect(given.map((s) => [s.n, s.title])).toEqual([
      [1, 'Source 3'],
      [2, 'Source 1'],
    ]);
    expect(given[1]!.text).toBe(sources[0]!.text);
  });

  it('quotes each source to at most the characters asked for', () => {
    const long = [source(1, `${'Heat pumps work well. '.repeat(200)}`)];
    const [quoted] = sectionSources(section([1]), long, 300);
    expect(quoted!.text.length).toBeLessThanOrEqual(300);
  });

  it('keeps valid source numbers and drops the others', () => {
    const outline = { title: 'T', sections: [section([2, 7, 0])] };
    expect(assignSources(outline, sources).sections[0]!.sourceIds).toEqual([2]);
  });

  it('gives a section without valid sources the three closest to its subject, best first', () => {
    const outline = { title: 'T', sections: [section([]), section([8])] };
    const assigned = assignSources(outline, sources).sections;
    for (const s of assigned) {
      expect(s.sourceIds).toHaveLength(3);
      expect(s.sourceIds[0]).toBe(1);
      expect(s.sourceIds).not.toContain(4);
    }
  });

  it('leaves sections without sources when nothing was gathered', () => {
    const outline = { title: 'T', sections: [section([1, 2])] };
    expect(assignSources(outline, []).sections[0]!.sourceIds).toEqual([]);
  });
});
