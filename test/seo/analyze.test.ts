import { describe, expect, it } from 'vitest';
import { replaceReferences } from '../../src/articles/regenerate.ts';
import { analyzeSeo } from '../../src/seo/analyze.ts';
import { headingStructure, seoDocument } from '../../src/seo/document.ts';
import { citedSentences } from '../../src/writing/citations.ts';

const sentence = (i: number) =>
  `Fresh beans and clean water make a better drink, and patience matters most of all in step ${i}.`;
const filler = (n: number) => Array.from({ length: n }, (_, i) => sentence(i)).join(' ');

// About 620 words, "cold brew" in the title, the first paragraph, a subheading and the meta description.
const good = `# Cold brew coffee at home: a simple guide

Cold brew coffee is coffee steeped in cold water for many hours [1]. ${filler(8)}

## Why cold brew tastes smoother

${filler(10)} Cold brew is less bitter than hot coffee [2].

## Equipment you need

${filler(10)} A jar and a filter are enough for cold brew.

## Step by step

${filler(10)} Serve cold brew over ice.

## References

[1] Coffee science — <https://example.com/a>

[2] Brewing handbook — <https://example.com/b>
`;

const options = {
  keywords: ['cold brew', 'filter'],
  metaTitle: 'Cold brew coffee at home: a simple guide',
  metaDescription:
    'Learn how to make smooth cold brew coffee at home with a jar, a filter and twelve hours of patience.',
  language: 'en',
};

describe('analyzeSeo', () => {
  it('scores a well-formed article high with no errors', () => {
    const result = analyzeSeo(good, options);
    expect(result.headings).toEqual({ h1Count: 1, structureIssues: [] });
    expect(result.wordCount).toBeGreaterThan(500);
    expect(result.slug).toBe('cold-brew-coffee-at-home-simple-guide');
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.score).toBeGreaterThanOrEqual(90);
    const [primary] = result.keywords;
    expect(primary).toMatchObject({
      keyword: 'cold brew',
      inTitle: true,
      inFirstParagraph: true,
      inHeadings: true,
      inMeta: true,
    });
    // "Cold brew" x6 in the body and headings; density = occurrences × 2 words / word count.
    expect(primary!.count).toBe(6);
    expect(primary!.density).toBeCloseTo((6 * 2 * 100) / result.wordCount, 2);
  });

  it('does not count the references list as words', () => {
    const withoutRefs = analyzeSeo(good.slice(0, good.indexOf('## References')), options);
    expect(analyzeSeo(good, options).wordCount).toBe(withoutRefs.wordCount);
  });

  it('matches keywords over stems and case', () => {
    const md = '# Running shoes\n\nThis RUNNING shoe review covers the best running shoes.';
    const [report] = analyzeSeo(md, { keywords: ['running shoes'], language: 'en' }).keywords;
    expect(report!.count).toBe(3);
  });

  it('reports a missing keyword in the first paragraph with a concrete fix', () => {
    const md = good.replace('Cold brew coffee is coffee steeped', 'This drink is coffee steeped');
    const result = analyzeSeo(md, options);
    expect(result.keywords[0]!.inFirstParagraph).toBe(false);
    const issue = result.issues.find((i) => i.code === 'keyword_not_in_first_paragraph');
    expect(issue?.fix).toBe('Add the keyword "cold brew" to the first paragraph.');
    expect(result.score).toBeLessThan(analyzeSeo(good, options).score);
  });

  it('flags keyword stuffing and too-low density', () => {
    const stuffed = `# Cold brew\n\n${'Cold brew cold brew cold brew is great. '.repeat(40)}`;
    expect(analyzeSeo(stuffed, options).issues.map((i) => i.code)).toContain('keyword_stuffing');
    const rare = `# Coffee at home\n\nCold brew is nice. ${filler(40)}`;
    const low = analyzeSeo(rare, options).issues.find((i) => i.code === 'keyword_density_low');
    expect(low?.fix).toMatch(/^Use "cold brew" about \d+ times/);
  });

  it('reports a secondary keyword that never appears', () => {
    const result = analyzeSeo(good, { ...options, keywords: ['cold brew', 'nitrogen'] });
    expect(result.issues).toContainEqual(
      expect.objectContaining({ code: 'secondary_keyword_missing', severity: 'info' }),
    );
  });

  it('reports meta title and description lengths with fixes', () => {
    const short = analyzeSeo(good, {
      ...options,
      metaTitle: 'Cold brew',
      metaDescription: 'Cold brew guide.',
    });
    expect(short.meta).toEqual({ titleLength: 9, descriptionLength: 16 });
    expect(short.issues.find((i) => i.code === 'meta_title_too_short')?.fix).toBe(
      'Lengthen the meta title by 21+ characters to 30–60.',
    );
    expect(short.issues.find((i) => i.code === 'meta_description_too_short')?.fix).toContain(
      '54+ characters',
    );

    const long = analyzeSeo(good, {
      ...options,
      metaTitle: 'x'.repeat(75),
      metaDescription: 'y'.repeat(200),
    });
    expect(long.issues.find((i) => i.code === 'meta_title_too_long')?.fix).toBe(
      'Shorten the meta title by 15+ characters to at most 60.',
    );
    expect(long.issues.find((i) => i.code === 'meta_description_too_long')?.fix).toContain('40+ characters');

    const missing = analyzeSeo(good, { keywords: ['cold brew'], language: 'en' });
    expect(missing.issues).toContainEqual(
      expect.objectContaining({ code: 'missing_meta_description', severity: 'error' }),
    );
  });

  it('flags an invalid slug and suggests a valid one', () => {
    const result = analyzeSeo(good, { ...options, slug: 'Cold Brew_Guide!' });
    expect(result.issues.find((i) => i.code === 'invalid_slug')?.fix).toBe('Use the slug "cold-brew-guide".');
  });

  it('flags short content, missing H1 and hard prose', () => {
    const hard =
      'Notwithstanding considerable methodological heterogeneity, contemporary epidemiological investigations ' +
      'consistently demonstrate statistically significant associations between socioeconomic deprivation and ' +
      'cardiovascular morbidity across industrialised populations.';
    const result = analyzeSeo(`## Findings\n\n${hard}`, { keywords: [], language: 'en' });
    const codes = result.issues.map((i) => i.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'content_too_short',
        'missing_h1',
        'very_hard_to_read',
        'long_sentences',
        'no_keywords',
      ]),
    );
    expect(result.score).toBeLessThan(40);
  });

  it('does not score English readability for other languages', () => {
    // German has its own formula; Polish has none here, so it is not scored at all.
    const german = analyzeSeo('# Kaltgebrühter Kaffee\n\nKaltgebrühter Kaffee ist mild.', {
      keywords: [],
      language: 'de',
    });
    expect(german.readability.formula).toBe('amstad');
    const polish = analyzeSeo('# Kawa na zimno\n\nKawa parzona na zimno jest łagodna.', {
      keywords: [],
      language: 'pl',
    });
    expect(polish.readability).toMatchObject({ formula: null, readingEase: null });
    expect(polish.issues.map((i) => i.code)).toContain('readability_not_scored');
    expect(polish.issues.map((i) => i.code)).not.toContain('hard_to_read');
  });
});

describe('heading structure', () => {
  it('finds skipped levels, multiple H1 and empty headings', () => {
    const doc = seoDocument('# One\n\ntext\n\n### Skipped\n\ntext\n\n# Two\n\n## \n\ntext');
    const report = headingStructure(doc.headings);
    expect(report.h1Count).toBe(2);
    expect(report.structureIssues.map((i) => i.kind).sort()).toEqual([
      'empty_heading',
      'multiple_h1',
      'skipped_level',
    ]);
    expect(report.structureIssues.find((i) => i.kind === 'skipped_level')?.message).toBe(
      'H3 "Skipped" follows an H1: H2 was skipped',
    );
  });

  it('turns structure problems into issues with fixes', () => {
    const result = analyzeSeo('# A\n\n# B\n\n#### Deep\n\nText.', { keywords: [], language: 'en' });
    expect(result.issues).toContainEqual(
      expect.objectContaining({
        code: 'multiple_h1',
        fix: 'Keep one H1 (the title) and turn the others into "##" headings.',
      }),
    );
    expect(result.issues).toContainEqual(
      expect.objectContaining({
        code: 'skipped_heading_level',
        fix: 'Change "Deep" to the next level down.',
      }),
    );
  });
});

describe('a section the writer named like the references', () => {
  // Outline ["Benefits", "Sources", "Deficiency"] for an article on vitamin D: "Sources" is writing.
  const markdown = [
    '# Vitamin D',
    '',
    'Intro.',
    '',
    '## Sources',
    '',
    'Salmon and eggs hold vitamin D [1].',
    '',
    '### Sources',
    '',
    'Mushrooms grown in sunlight too [2].',
    '',
    '## References',
    '',
    '[1] Study 1 — <https://a.example>',
    '[2] Study 2 — <https://b.example>',
  ].join('\n');

  it('is counted and scored; only the last part so named is the references list', () => {
    const doc = seoDocument(markdown);
    expect(doc.prose).toContain('Salmon and eggs hold vitamin D.');
    expect(doc.prose).toContain('Mushrooms grown in sunlight too.');
    expect(doc.prose).not.toContain('Study 1');
    expect(doc.references).toEqual({ level: 2, text: 'References' });
    const cited = citedSentences(markdown).map((c) => c.sentence);
    expect(cited).toEqual(['Salmon and eggs hold vitamin D.', 'Mushrooms grown in sunlight too.']);
    // A regeneration rewrites the references, not the writer's section.
    const rewritten = replaceReferences(markdown, [
      { n: 1, kind: 'url', title: 'Study 1', url: 'https://a.example', excerpt: '', text: '' },
    ]);
    expect(rewritten).toContain('## Sources\n\nSalmon and eggs hold vitamin D [1].');
    expect(rewritten.match(/^## References$/gm)).toHaveLength(1);
    expect(rewritten).not.toContain('Study 2');
    // In an article that cites nothing, the writer's "Sources" is the last part so named: a
    // regeneration with no sources to list leaves it as it is (it deleted it).
    const ungrounded = '# Vitamin D\n\nIntro.\n\n## Sources\n\nSalmon and eggs hold vitamin D.\n';
    expect(replaceReferences(ungrounded, [])).toBe(ungrounded);
  });

  it('is left out of the analysis in an article in another language', () => {
    const german = markdown.replace('## References', '## Quellen').replaceAll('Sources', 'Quellen');
    const doc = seoDocument(german);
    expect(doc.references).toEqual({ level: 2, text: 'Quellen' });
    expect(doc.prose).toContain('Salmon and eggs hold vitamin D.');
    expect(doc.prose).not.toContain('Study 1');
    expect(citedSentences(german).map((c) => c.sentence)).toEqual([
      'Salmon and eggs hold vitamin D.',
      'Mushrooms grown in sunlight too.',
    ]);
    const japanese = seoDocument(markdown.replace('## References', '## 参考文献'));
    expect(japanese.references).toEqual({ level: 2, text: '参考文献' });
    expect(japanese.prose).not.toContain('Study 1');
    // A regeneration rewrites that list, under the heading of the article's language.
    const rewritten = replaceReferences(
      german,
      [{ n: 1, kind: 'url', title: 'Study 1', url: 'https://a.example', excerpt: '', text: '' }],
      'de',
    );
    expect(rewritten).toContain('## Quellen\n\nSalmon and eggs hold vitamin D [1].');
    expect(rewritten.match(/^## Quellen$/gm)).toHaveLength(2);
    expect(rewritten).not.toContain('Study 2');
  });
});
