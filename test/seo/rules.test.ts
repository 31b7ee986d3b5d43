// Each SEO rule family on its own, at the thresholds where a check flips.
import { describe, expect, it } from 'vitest';
import { seoContext } from '../../src/seo/analyze.ts';
import type { KeywordReport } from '../../src/seo/keywords.ts';
import {
  contentLength,
  headingLevels,
  singleH1,
  subheadingsPresent,
} from '../../src/seo/rules/content-rules.ts';
import { keywordDensity, keywordRules, secondaryKeywords } from '../../src/seo/rules/keyword-rules.ts';
import { seoLimits, seoWeights } from '../../src/seo/rules/limits.ts';
import { metaDescriptionLength, metaTitleLength } from '../../src/seo/rules/meta-rules.ts';
import { readabilityRules } from '../../src/seo/rules/readability-rules.ts';
import { issue, note, type SeoCheck, type SeoContext, scoreOf } from '../../src/seo/rules/rule.ts';
import { validSlug } from '../../src/seo/rules/slug-rule.ts';

const base = seoContext('# Title\n\nSome text.', { keywords: [], language: 'en' });
const ctx = (over: Partial<SeoContext>): SeoContext => ({ ...base, ...over });
const codes = (checks: SeoCheck[]) => checks.flatMap((c) => c.issues.map((i) => i.code));
const report = (over: Partial<KeywordReport>): KeywordReport => ({
  keyword: 'cold brew',
  count: 5,
  density: 1,
  inTitle: true,
  inFirstParagraph: true,
  inHeadings: true,
  inMeta: true,
  ...over,
});

describe('score', () => {
  it('is the weighted share of passing checks; notes are not scored', () => {
    const failure = issue('x', 'warning', 'm', 'f');
    const fail: SeoCheck = { weight: 10, issues: [failure] };
    expect(scoreOf([{ weight: 30, issues: [] }, fail, note(failure)])).toBe(75);
    expect(scoreOf([])).toBe(0);
  });
});

describe('content rules', () => {
  it('asks for the minimum length', () => {
    expect(codes(contentLength(ctx({ wordCount: seoLimits.minWords })))).toEqual([]);
    expect(codes(contentLength(ctx({ wordCount: seoLimits.minWords - 1 })))).toEqual(['content_too_short']);
  });

  it('wants exactly one H1 and suggests the title for a missing one', () => {
    expect(codes(singleH1(ctx({ headings: { h1Count: 1, structureIssues: [] } })))).toEqual([]);
    const missing = singleH1(ctx({ title: 'Cold brew', headings: { h1Count: 0, structureIssues: [] } }));
    expect(missing[0]?.issues[0]?.fix).toBe('Start the article with "# Cold brew".');
    expect(codes(singleH1(ctx({ headings: { h1Count: 3, structureIssues: [] } })))).toEqual(['multiple_h1']);
  });

  it('turns structure problems into one scored check, leaving several H1s to singleH1', () => {
    const checks = headingLevels(
      seoContext('# A\n\n# B\n\n#### Deep\n\n## \n\nx', { keywords: [], language: 'en' }),
    );
    expect(checks).toHaveLength(1);
    expect(checks[0]?.weight).toBe(seoWeights.structure);
    expect(codes(checks)).toEqual(['skipped_heading_level', 'empty_heading']);
  });

  it('asks for subheadings only in an article long enough to need them', () => {
    expect(subheadingsPresent(ctx({ wordCount: seoLimits.minWords - 1, subheadings: [] }))).toEqual([]);
    expect(codes(subheadingsPresent(ctx({ wordCount: seoLimits.minWords, subheadings: [] })))).toEqual([
      'no_subheadings',
    ]);
  });
});

describe('readability rules', () => {
  const read = (readingEase: number, avgSentenceLength: number) => ({
    formula: 'flesch' as const,
    readingEase,
    gradeLevel: 9,
    avgSentenceLength,
    avgSyllablesPerWord: 1.5,
    sentences: 3,
    words: 40,
  });

  it('notes, without scoring, a language that no formula fits', () => {
    const notScored = {
      formula: null,
      readingEase: null,
      gradeLevel: null,
      avgSentenceLength: 12,
      avgSyllablesPerWord: null,
      notApplicable: 'No reading-ease formula fits Japanese.',
      sentences: 3,
      words: 40,
    };
    const checks = readabilityRules(ctx({ language: 'ja', readability: notScored }));
    expect(checks).toEqual([expect.objectContaining({ weight: 0 })]);
    expect(codes(checks)).toEqual(['readability_not_scored']);
  });

  it('scores nothing without words', () => {
    expect(readabilityRules(ctx({ readability: { ...read(0, 0), words: 0 } }))).toEqual([]);
  });

  it('grades hard and very hard prose and long sentences at their thresholds', () => {
    expect(codes(readabilityRules(ctx({ readability: read(seoLimits.fleschWarning, 20) })))).toEqual([]);
    expect(codes(readabilityRules(ctx({ readability: read(seoLimits.fleschError, 21) })))).toEqual([
      'hard_to_read',
      'long_sentences',
    ]);
    const veryHard = readabilityRules(ctx({ readability: read(seoLimits.fleschError - 0.1, 10) }));
    expect(veryHard[0]?.issues[0]).toMatchObject({ code: 'very_hard_to_read', severity: 'error' });
  });
});

describe('keyword rules', () => {
  it('without a keyword: one note and nothing scored', () => {
    const checks = keywordRules.flatMap((rule) => rule(ctx({ primary: undefined, secondary: [] })));
    expect(codes(checks)).toEqual(['no_keywords']);
    expect(scoreOf(checks)).toBe(0);
  });

  it('reports each missing placement of the primary keyword, in order', () => {
    const primary = report({ inTitle: false, inFirstParagraph: false, inHeadings: false, inMeta: false });
    const checks = keywordRules.flatMap((rule) =>
      rule(ctx({ primary, secondary: [], slug: 'coffee-guide' })),
    );
    expect(codes(checks)).toEqual([
      'keyword_not_in_title',
      'keyword_not_in_first_paragraph',
      'keyword_not_in_headings',
      'keyword_not_in_meta',
      'keyword_not_in_slug',
    ]);
    const inSlug = keywordRules.flatMap((rule) =>
      rule(ctx({ primary, secondary: [], slug: 'cold-brewing-guide' })),
    );
    expect(codes(inSlug)).not.toContain('keyword_not_in_slug');
  });

  it('finds an accented keyword in the slug it suggests, and does not score a keyword with no slug form', () => {
    const slugCheck = (keyword: string, slug: string) =>
      keywordRules.flatMap((rule) => rule(ctx({ primary: report({ keyword }), secondary: [], slug })));
    expect(codes(slugCheck('Ärzte', 'arzte-in-berlin'))).not.toContain('keyword_not_in_slug');
    expect(codes(slugCheck('café crème', 'best-cafe-creme'))).not.toContain('keyword_not_in_slug');
    expect(codes(slugCheck('café crème', 'coffee-guide'))).toContain('keyword_not_in_slug');
    const russian = slugCheck('ноутбук', 'article-1c90523adf');
    expect(codes(russian)).toContain('keyword_not_sluggable');
    expect(russian.find((c) => c.issues[0]?.code === 'keyword_not_sluggable')?.weight).toBe(0);
  });

  it('accepts density within its bounds and names a target outside them', () => {
    const { min, max } = seoLimits.density;
    for (const density of [min, max])
      expect(codes(keywordDensity(ctx({ primary: report({ density }) })))).toEqual([]);
    const low = keywordDensity(ctx({ wordCount: 1000, primary: report({ density: 0.4, count: 2 }) }));
    expect(low[0]?.issues[0]?.fix).toBe(
      'Use "cold brew" about 3 times (at least 0.5% of words) where it reads naturally.',
    );
    const high = keywordDensity(ctx({ wordCount: 1000, primary: report({ density: 2.6, count: 13 }) }));
    expect(high[0]?.issues[0]?.fix).toBe(
      'Use "cold brew" less often: at most 2.5% of words (about 12 times); use synonyms.',
    );
  });

  it('lists every absent secondary keyword in one check', () => {
    const secondary = [
      report({ keyword: 'ice', count: 0 }),
      report({ keyword: 'jar' }),
      report({ keyword: 'milk', count: 0 }),
    ];
    const checks = secondaryKeywords(ctx({ primary: report({}), secondary }));
    expect(checks).toHaveLength(1);
    expect(checks[0]?.issues.map((i) => i.message)).toEqual([
      'The keyword "ice" does not appear in the article.',
      'The keyword "milk" does not appear in the article.',
    ]);
    expect(secondaryKeywords(ctx({ primary: report({}), secondary: [] }))).toEqual([]);
  });
});

describe('meta rules', () => {
  it('accepts lengths at both bounds and counts characters, not UTF-16 units', () => {
    const { min, max } = seoLimits.metaTitle;
    expect(codes(metaTitleLength(ctx({ metaTitle: 'x'.repeat(min) })))).toEqual([]);
    expect(codes(metaTitleLength(ctx({ metaTitle: 'x'.repeat(max) })))).toEqual([]);
    expect(codes(metaTitleLength(ctx({ metaTitle: '☕'.repeat(max) })))).toEqual([]);
    expect(codes(metaTitleLength(ctx({ metaTitle: 'x'.repeat(min - 1) })))).toEqual(['meta_title_too_short']);
    expect(codes(metaTitleLength(ctx({ metaTitle: 'x'.repeat(max + 1) })))).toEqual(['meta_title_too_long']);
  });

  it('words the missing title and description fixes for each, with the keyword when there is one', () => {
    const withKeyword = ctx({ metaTitle: '', metaDescription: '', primary: report({}) });
    expect(metaTitleLength(withKeyword)[0]?.issues[0]).toEqual({
      code: 'missing_meta_title',
      severity: 'error',
      message: 'The article has no meta title.',
      fix: 'Write a meta title of 30–60 characters containing "cold brew".',
    });
    expect(metaDescriptionLength(withKeyword)[0]?.issues[0]?.fix).toBe(
      'Write a meta description of 70–160 characters that summarises the article and contains "cold brew".',
    );
    const without = ctx({ metaTitle: '', metaDescription: '', primary: undefined });
    expect(metaTitleLength(without)[0]?.issues[0]?.fix).toBe('Write a meta title of 30–60 characters.');
    expect(metaDescriptionLength(without)[0]?.issues[0]?.fix).toBe(
      'Write a meta description of 70–160 characters that summarises the article.',
    );
  });

  it('words the description length fixes like the title ones', () => {
    expect(metaDescriptionLength(ctx({ metaDescription: 'y'.repeat(200) }))[0]?.issues[0]).toEqual({
      code: 'meta_description_too_long',
      severity: 'warning',
      message: 'The meta description has 200 characters; search results cut it at about 160.',
      fix: 'Shorten the meta description by 40+ characters to at most 160.',
    });
  });
});

describe('slug rule', () => {
  it('passes a valid slug and suggests one for an invalid slug', () => {
    expect(codes(validSlug(ctx({ slug: 'cold-brew' })))).toEqual([]);
    expect(validSlug(ctx({ slug: 'Cold Brew!' }))[0]?.issues[0]?.fix).toBe('Use the slug "cold-brew".');
  });
});
