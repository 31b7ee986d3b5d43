// Placing a regenerated section into the article's current text: under its heading, its citations
// in the article's numbering, the references rewritten.
import { describe, expect, it } from 'vitest';
import {
  hasSectionHeading,
  inSectionNumbering,
  placeCitations,
  regenerationStep,
  replaceReferences,
  replaceSection,
} from '../../src/articles/regenerate.ts';
import type { ArticleSource } from '../../src/articles/types.ts';
import { localToGlobal } from '../../src/writing/sections.ts';

const source = (n: number, url: string): ArticleSource => ({
  n,
  kind: 'url',
  title: url,
  url,
  excerpt: '',
  text: `text of ${url}`,
});

const article = [
  '# Title',
  '',
  'Intro.',
  '',
  '## **First** part',
  '',
  'Old body.',
  '',
  '## Second',
  '',
  'Keep.',
].join('\n');

describe('regenerating a section', () => {
  it('names the n-th regeneration of a section', () => {
    expect(regenerationStep(2, 1)).toBe('section:2#r1');
  });

  it('finds the heading whatever its emphasis, case and spacing', () => {
    expect(hasSectionHeading(article, 'first  PART')).toBe(true);
    expect(hasSectionHeading(article, 'Third')).toBe(false);
  });

  it('replaces the body under the heading up to the next one', () => {
    const replaced = replaceSection(article, 'First part', 'New body.')!;
    expect(replaced).toContain('## **First** part\n\nNew body.\n\n## Second');
    expect(replaced).not.toContain('Old body.');
    expect(replaced).toContain('Keep.');
    expect(replaceSection(article, 'Gone', 'x')).toBeUndefined();
  });

  it('keeps the numbers of sources the article cites and appends the new ones', () => {
    const articleSources = [source(1, 'https://a.example'), source(2, 'https://b.example')];
    const gathered = [source(1, 'https://b.example'), source(2, 'https://c.example')];
    const placed = placeCitations('B says [1], C says [2], nobody [5].', gathered, articleSources);
    expect(placed.markdown).toContain('B says [2]');
    expect(placed.markdown).toContain('C says [3]');
    expect(placed.markdown).not.toContain('[5]');
    expect(placed.sources.map((s) => [s.n, s.url])).toEqual([
      [1, 'https://a.example'],
      [2, 'https://b.example'],
      [3, 'https://c.example'],
    ]);
    expect(articleSources).toHaveLength(2);
  });

  it("shows a section revised on instruction its text in the section's numbering, and keeps each citation's source", () => {
    // Six gathered sources; the section is given 4, 5, 6 (its 1, 2, 3); the article numbers d and e
    // 3 and 4. Asked to shorten, a model keeps the markers it reads: shown [3] and [4], they were
    // read back as the section's third source (f) and as nothing.
    const gathered = ['a', 'b', 'c', 'd', 'e', 'f'].map((h, i) => source(i + 1, `https://${h}.example`));
    const articleSources = ['a', 'b', 'd', 'e'].map((h, i) => source(i + 1, `https://${h}.example`));
    const current = 'Delta is 40% [3]. Epsilon is 7 kW [4]. Alpha [1].';
    const shown = inSectionNumbering(current, articleSources, gathered, [4, 5, 6]);
    expect(shown).toBe('Delta is 40% [1]. Epsilon is 7 kW [2]. Alpha.');
    // The model keeps the markers it was shown; placed back, they cite d and e as before.
    const written = localToGlobal('Delta is 40% [1]. Epsilon is 7 kW [2].', [4, 5, 6]).markdown;
    const placed = placeCitations(written, gathered, articleSources);
    expect(placed.markdown).toBe('Delta is 40% [3]. Epsilon is 7 kW [4].');
    expect(placed.sources).toHaveLength(4);
  });

  it('rewrites the references, or appends them when the article has none', () => {
    const withRefs = `${article}\n\n## References\n\n1. old\n`;
    const sources = [source(1, 'https://a.example')];
    const rewritten = replaceReferences(withRefs, sources);
    expect(rewritten).not.toContain('1. old');
    expect(rewritten).toContain('https://a.example');
    expect(replaceReferences(article, sources)).toContain('https://a.example');
    expect(replaceReferences(article, [])).toBe(article);
  });

  it("rewrites the references under the heading of the article's language", () => {
    const sources = [source(1, 'https://a.example')];
    const german = replaceReferences(`${article}\n\n## Quellen\n\n1. old\n`, sources, 'de');
    expect(german).not.toContain('1. old');
    expect(german.match(/^## Quellen$/gm)).toHaveLength(1);
    expect(german).not.toContain('## References');
    expect(replaceReferences(article, sources, 'es')).toContain('## Referencias\n\n[1] ');
    // An article written before its headings followed its language: its English list is replaced.
    const older = replaceReferences(`${article}\n\n## References\n\n1. old\n`, sources, 'de');
    expect(older).not.toContain('1. old');
    expect(older).not.toContain('## References');
    expect(older.match(/^## Quellen$/gm)).toHaveLength(1);
  });
});
