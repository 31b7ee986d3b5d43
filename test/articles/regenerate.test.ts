// Placing a regenerated section into the article's current text: under its heading, its citations
// in the article's numbering, the references rewritten.
import { describe, expect, it } from 'vitest';
import {
  hasSectionHeading,
  placeCitations,
  regenerationStep,
  replaceReferences,
  replaceSection,
} from '../../src/articles/regenerate.ts';
import type { ArticleSource } from '../../src/articles/types.ts';

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

  it('rewrites the references, or appends them when the article has none', () => {
    const withRefs = `${article}\n\n## References\n\n1. old\n`;
    const sources = [source(1, 'https://a.example')];
    const rewritten = replaceReferences(withRefs, sources);
    expect(rewritten).not.toContain('1. old');
    expect(rewritten).toContain('https://a.example');
    expect(replaceReferences(article, sources)).toContain('https://a.example');
    expect(replaceReferences(article, [])).toBe(article);
  });
});
