import { describe, expect, it } from 'vitest';
import { analyzeSeo } from '../../src/seo/analyze.ts';
import { referenceList } from '../../src/writing/citations.ts';
import {
  assembleArticle,
  introBody,
  localToGlobal,
  remapCitations,
  renumberCitations,
  sectionBody,
  shiftHeadings,
} from '../../src/writing/sections.ts';

describe('assembleArticle', () => {
  it('assembles title, intro, sections, conclusion, FAQ and references with one H1', () => {
    const markdown = assembleArticle({
      title: 'Cold brew',
      intro: 'Cold brew is smooth [1].',
      sections: [
        {
          heading: 'Why it is smooth',
          markdown: '## Why it is smooth\n\nLess acid [2].\n\n# Detail\n\nMore.',
        },
        { heading: 'Gear', markdown: 'A jar.\n\n```md\n# not a heading\n```' },
      ],
      conclusion: 'Try it.',
      faq: [{ question: 'Does it keep?', answer: 'Two weeks.' }],
      references: referenceList([
        { n: 1, title: 'A', url: 'https://a.example' },
        { n: 2, title: 'B', url: 'https://b.example' },
      ]),
    });
    expect(markdown).toBe(
      [
        '# Cold brew',
        'Cold brew is smooth [1].',
        '## Why it is smooth',
        'Less acid [2].',
        '### Detail',
        'More.',
        '## Gear',
        'A jar.',
        '```md\n# not a heading\n```',
        '## Conclusion',
        'Try it.',
        '## Frequently asked questions',
        '### Does it keep?',
        'Two weeks.',
        '## References',
        '[1] A — <https://a.example>',
        '[2] B — <https://b.example>\n',
      ].join('\n\n'),
    );
    const seo = analyzeSeo(markdown, { keywords: [], language: 'en' });
    expect(seo.headings).toEqual({ h1Count: 1, structureIssues: [] });
  });

  it('omits empty conclusion, FAQ and references', () => {
    expect(assembleArticle({ title: 'T', intro: 'I.', sections: [], conclusion: ' ', references: '' })).toBe(
      '# T\n\nI.\n',
    );
  });
});

describe('shiftHeadings', () => {
  it('keeps an intro and a conclusion one part each: a repeated heading dropped, their own pushed below ##', () => {
    const markdown = assembleArticle({
      title: 'Cold brew',
      intro: '# Cold brew\n\nCold brew is smooth.\n\n## Why now\n\nSummer.',
      sections: [{ heading: 'Gear', markdown: 'A jar.' }],
      conclusion: '## Conclusion\n\nTry it.\n\n## Key takeaways\n\n- Less acid',
      references: '',
    });
    expect(markdown).toBe(
      [
        '# Cold brew',
        'Cold brew is smooth.',
        '### Why now',
        'Summer.',
        '## Gear',
        'A jar.',
        '## Conclusion',
        'Try it.',
        '### Key takeaways',
        '- Less acid\n',
      ].join('\n\n'),
    );
    expect(sectionBody('How it works', '## How it works\n\nIt moves heat.\n\n## The cycle\n\nSteps.')).toBe(
      'It moves heat.\n\n### The cycle\n\nSteps.',
    );
    expect(introBody('Cold brew', '## Introduction\n\nHello.')).toBe('Hello.');
  });
  it('moves the top heading level down to the minimum, keeping relative levels', () => {
    expect(shiftHeadings('# A\n\n## B\n\n#### C', 3)).toBe('### A\n\n#### B\n\n###### C');
    expect(shiftHeadings('### A\n\n#### B', 3)).toBe('### A\n\n#### B');
  });
});

describe('citation renumbering', () => {
  it('maps a section’s local numbers to the global source list', () => {
    const { markdown, dropped } = localToGlobal('A [1]. B [2, 3]. C [4]. `x[1]`', [7, 2, 9]);
    expect(markdown).toBe('A [7]. B [2][9]. C. `x[1]`');
    expect(dropped).toEqual([4]);
  });

  it('drops a marker after a long run of blanks in linear time', () => {
    // The blanks before a dropped marker were trimmed with `/[ \t]+$/`, which read each run in the
    // text before it again from each of its characters (40 kB of tabs: 1 s, a model's 400 kB minutes).
    const tabs = '\t'.repeat(400_000);
    expect(localToGlobal(`a${tabs}b [9]. More [1].`, [7]).markdown === `a${tabs}b. More [7].`).toBe(true);
  });

  it('renumbers by first appearance across parts, stable and global', () => {
    const result = renumberCitations(['Intro [5].', 'One [2][5]. Two [9, 2].', 'End [5] and [12].'], 10);
    expect(result.parts).toEqual(['Intro [1].', 'One [2][1]. Two [3][2].', 'End [1] and.']);
    expect(result.order).toEqual([5, 2, 9]);
    expect(result.dropped).toEqual([12]);
  });

  it('merges duplicates inside one marker', () => {
    expect(remapCitations('X [1, 2].', () => 4).markdown).toBe('X [4].');
  });
});
