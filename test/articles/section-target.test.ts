// Finding a part of an article's current (possibly edited) Markdown: the intro under the title, a
// body section under its heading, the conclusion and the FAQ after the body, the references never.
import { describe, expect, it } from 'vitest';
import { locatePart, parseSectionTarget, replacePart } from '../../src/articles/section-target.ts';
import type { Outline } from '../../src/writing/outline.ts';

const outline = {
  title: 'Title',
  sections: [
    { heading: 'First part', goal: '', keyPoints: [], sourceIds: [] },
    { heading: 'Second', goal: '', keyPoints: [], sourceIds: [] },
  ],
  faq: ['Is it?'],
} as unknown as Outline;

const article = [
  '# Title',
  '',
  'Intro text.',
  '',
  '## **First** part',
  '',
  'First body.',
  '',
  '## Second',
  '',
  'Second body.',
  '',
  '### A sub-heading inside a section',
  '',
  '## Conclusion',
  '',
  'Wrap-up.',
  '',
  '## Frequently asked questions',
  '',
  '### Is it?',
  '',
  'Yes.',
  '',
  '## References',
  '',
  '1. A source',
].join('\n');

describe('article parts', () => {
  it('reads a path segment as a part, an index or a heading', () => {
    expect(parseSectionTarget('intro', outline)).toBe('intro');
    expect(parseSectionTarget('FAQ', outline)).toBe('faq');
    expect(parseSectionTarget('1', outline)).toBe(1);
    expect(parseSectionTarget('first  PART', outline)).toBe(0);
    expect(parseSectionTarget('summary', outline)).toBeUndefined();
  });

  it('finds each part by where it is, whatever the heading emphasis', () => {
    expect(locatePart(article, outline, 'intro')?.text).toBe('Intro text.');
    expect(locatePart(article, outline, 0)?.text).toBe('First body.');
    expect(locatePart(article, outline, 1)?.text).toContain('### A sub-heading inside a section');
    expect(locatePart(article, outline, 'conclusion')?.text).toBe('Wrap-up.');
    expect(locatePart(article, outline, 'faq')?.text).toBe('### Is it?\n\nYes.');
  });

  it('says a part is missing rather than picking another one', () => {
    const withoutFaq = article.replace(/## Frequently asked questions[\s\S]*?(?=## References)/, '');
    expect(locatePart(withoutFaq, outline, 'faq')).toBeUndefined();
    expect(locatePart(withoutFaq, outline, 'conclusion')?.text).toBe('Wrap-up.');
    expect(locatePart(article.replace('## Second', 'Second'), outline, 1)).toBeUndefined();
  });

  it('replaces only the part, keeping its heading and everything else', () => {
    const part = locatePart(article, outline, 'conclusion')!;
    const replaced = replacePart(article, part, 'New wrap-up.');
    expect(replaced).toContain('## Conclusion\n\nNew wrap-up.\n\n## Frequently asked questions');
    expect(replaced.replace('New wrap-up.', 'Wrap-up.')).toBe(article);
    const intro = replacePart(article, locatePart(article, outline, 'intro')!, 'New intro.');
    expect(intro.startsWith('# Title\n\nNew intro.\n\n## **First** part')).toBe(true);
  });
});
