// Finding a part of an article's current (possibly edited) Markdown: the intro under the title, a
// body section under its heading, the conclusion and the FAQ after the body, the references never.
import { describe, expect, it } from 'vitest';
import { sectionSpan } from '../../src/articles/claim-view.ts';
import { replaceSection } from '../../src/articles/regenerate.ts';
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

  it('reads a `## ` line in a code block as code, not as the next part', () => {
    const code = ['```bash', '## build the image', 'docker build -t app .', '```'].join('\n');
    const withCode = article.replace('Second body.', `Second body.\n\n${code}`);
    expect(locatePart(withCode, outline, 1)?.text).toContain(code);
    expect(locatePart(withCode, outline, 'conclusion')?.text).toBe('Wrap-up.');
    // Replacing the section takes the whole block with it; nothing is left after the new text.
    const replaced = replaceSection(withCode, 'Second', 'New body.')!;
    expect(replaced).not.toContain('docker build');
    expect(replaced).toContain('New body.\n\n## Conclusion');
    // The fact-check panel's span of the section covers the block too.
    const span = sectionSpan(withCode, 'Second');
    expect(withCode.slice(span.start, span.end)).toContain('```\n');
    expect(withCode.slice(span.end).startsWith('## Conclusion')).toBe(true);
  });

  it('keeps a conclusion with a `### ` sub-heading of its own the conclusion, apart from the FAQ', () => {
    const takeaways = article.replace('Wrap-up.', 'Wrap-up.\n\n### Key takeaways\n\n- Lower bills');
    expect(locatePart(takeaways, outline, 'conclusion')?.text).toContain('### Key takeaways');
    expect(locatePart(takeaways, outline, 'faq')?.text).toBe('### Is it?\n\nYes.');
    // Without an FAQ, it is still the conclusion, and there is no FAQ to regenerate.
    const alone = takeaways.replace(/## Frequently asked questions[\s\S]*?(?=## References)/, '');
    expect(locatePart(alone, outline, 'conclusion')?.text).toContain('### Key takeaways');
    expect(locatePart(alone, outline, 'faq')).toBeUndefined();
    // The last body section renamed (the outline keeps its old name), with sub-headings of its own:
    // the conclusion is still the part under its heading, not that section.
    const renamedBody = takeaways.replace('## Second', '## What it costs');
    expect(locatePart(renamedBody, outline, 'conclusion')?.text).toContain('Wrap-up.');
    // An FAQ whose heading was edited is still found after the conclusion.
    const renamed = takeaways.replace('## Frequently asked questions', '## Your questions');
    expect(locatePart(renamed, outline, 'faq')?.text).toBe('### Is it?\n\nYes.');
    expect(locatePart(renamed, outline, 'conclusion')?.text).toContain('Wrap-up.');
  });

  it('finds the conclusion and FAQ under their headings in another language', () => {
    const german = article
      .replace('## Conclusion', '## Fazit')
      .replace('## Frequently asked questions', '## Häufig gestellte Fragen')
      .replace('## References', '## Quellen');
    // The last body section renamed, with a sub-heading: the conclusion is the part under its
    // heading, not that section; the list under "Quellen" is no part at all.
    const renamedBody = german.replace('## Second', '## Was es kostet');
    expect(locatePart(renamedBody, outline, 'conclusion')?.text).toBe('Wrap-up.');
    expect(locatePart(renamedBody, outline, 'faq')?.text).toBe('### Is it?\n\nYes.');
    // Without a conclusion, the FAQ is found by its heading, and there is no conclusion to rewrite.
    const noConclusion = german.replace('## Fazit\n\nWrap-up.\n\n', '');
    expect(locatePart(noConclusion, outline, 'faq')?.text).toBe('### Is it?\n\nYes.');
    expect(locatePart(noConclusion, outline, 'conclusion')).toBeUndefined();
    // A heading written in another language than the article's is read all the same.
    const mixed = german.replace('## Häufig gestellte Fragen', '## Preguntas FRECUENTES');
    expect(locatePart(mixed.replace('## Second', '## Renamed'), outline, 'faq')?.text).toBe(
      '### Is it?\n\nYes.',
    );
  });

  it('finds the conclusion and FAQ of a Japanese article', () => {
    const japanese = article
      .replace('## Conclusion', '## まとめ')
      .replace('## Frequently asked questions', '## よくある質問')
      .replace('## References', '## 参考文献');
    const renamedBody = japanese.replace('## Second', '## 費用');
    expect(locatePart(renamedBody, outline, 'conclusion')?.text).toBe('Wrap-up.');
    expect(locatePart(renamedBody, outline, 'faq')?.text).toBe('### Is it?\n\nYes.');
    const noConclusion = japanese.replace('## まとめ\n\nWrap-up.\n\n', '');
    expect(locatePart(noConclusion, outline, 'faq')?.text).toBe('### Is it?\n\nYes.');
    expect(locatePart(noConclusion, outline, 'conclusion')).toBeUndefined();
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
