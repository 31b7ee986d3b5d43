// The partial article of a failed run, assembled from whatever steps finished.
import { describe, expect, it } from 'vitest';
import { partialDraft } from '../../src/articles/draft.ts';
import type { ArticleSource } from '../../src/articles/types.ts';

const outline = {
  title: 'Outline title',
  sections: ['First', 'Second', 'Third'].map((heading) => ({
    heading,
    goal: '',
    keyPoints: [],
    sourceIds: [],
  })),
};
const sources: ArticleSource[] = [1, 2].map((n) => ({
  n,
  kind: 'url',
  title: `Source ${n}`,
  url: `https://example.com/${n}`,
  excerpt: '',
  text: '',
}));

describe('the partial article', () => {
  it('is nothing when no section was written', () => {
    const outputs = new Map<string, unknown>([['intro', 'An intro.']]);
    expect(partialDraft('T', outline, outputs)).toBeUndefined();
  });

  it('keeps the written sections in order, with the intro and the sources they cite', () => {
    const outputs = new Map<string, unknown>([
      ['gather', { questions: [], sources }],
      ['intro', 'An intro.'],
      ['section:2', { heading: 'Third', markdown: 'Third text cites [2].' }],
      ['section:0', { heading: 'First', markdown: 'First text.' }],
    ]);
    const draft = partialDraft('My title', outline, outputs)!;
    expect(draft.markdown).toContain('# My title');
    expect(draft.markdown).toContain('An intro.');
    expect(draft.markdown.indexOf('## First')).toBeLessThan(draft.markdown.indexOf('## Third'));
    expect(draft.markdown).not.toContain('## Second');
    // The one cited source becomes [1] of the article.
    expect(draft.markdown).toContain('Third text cites [1].');
    expect(draft.sources.map((s) => [s.n, s.title])).toEqual([[1, 'Source 2']]);
  });

  it("has its headings in the article's language", () => {
    const outputs = new Map<string, unknown>([
      ['gather', { questions: [], sources }],
      ['conclusion', 'Ein Fazit.'],
      ['section:0', { heading: 'First', markdown: 'Erster Text [1].' }],
    ]);
    const draft = partialDraft('Mein Titel', outline, outputs, 'de')!;
    expect(draft.markdown).toContain('## Fazit\n\nEin Fazit.');
    expect(draft.markdown).toContain('## Quellen\n\n[1] Source 1');
    expect(draft.markdown).not.toMatch(/Conclusion|References/);
  });

  it('leaves out what it cannot read (another version stored it) rather than failing', () => {
    const outputs = new Map<string, unknown>([
      ['gather', { questions: [], pages: sources }],
      ['intro', { text: 'An intro in another shape.' }],
      ['section:0', 'First text, as a bare string.'],
      ['section:1', { heading: 'Second', markdown: 'Second text cites [1].' }],
    ]);
    const draft = partialDraft('My title', outline, outputs)!;
    expect(draft.markdown).toContain('## Second\n\nSecond text cites');
    expect(draft.markdown).not.toMatch(/First|another shape|undefined|\[object/);
    // The sources were unreadable: the citation has nothing to point at.
    expect(draft.sources).toEqual([]);
  });
});
