// Deterministic SEO analysis of a Markdown article: every failed check is an issue with a concrete fix, and the
// score is the weighted share of the checks that pass. Each check is a rule in `rules/`; their order here is the
// order of the issues.
import { stems, words } from '../writing/words.ts';
import { headingStructure, seoDocument } from './document.ts';
import { type KeywordReport, keywordReport } from './keywords.ts';
import { type Readability, readability } from './readability.ts';
import { contentLength, headingLevels, singleH1, subheadingsPresent } from './rules/content-rules.ts';
import { keywordRules } from './rules/keyword-rules.ts';
import { characters, metaDescriptionLength, metaTitleLength } from './rules/meta-rules.ts';
import { readabilityRules } from './rules/readability-rules.ts';
import { type SeoContext, type SeoIssue, type SeoRule, scoreOf } from './rules/rule.ts';
import { validSlug } from './rules/slug-rule.ts';
import { slugify } from './slug.ts';

export { seoLimits } from './rules/limits.ts';
export type { SeoIssue, SeoSeverity } from './rules/rule.ts';

export interface SeoOptions {
  keywords: readonly string[];
  title?: string;
  metaTitle?: string;
  metaDescription?: string;
  slug?: string;
  language: string;
}

export interface SeoAnalysis {
  score: number;
  wordCount: number;
  readability: Readability;
  headings: ReturnType<typeof headingStructure>;
  keywords: KeywordReport[];
  meta: { titleLength: number; descriptionLength: number };
  slug: string;
  issues: SeoIssue[];
}

export const seoRules: readonly SeoRule[] = [
  contentLength,
  singleH1,
  headingLevels,
  subheadingsPresent,
  readabilityRules,
  ...keywordRules,
  metaTitleLength,
  metaDescriptionLength,
  validSlug,
];

/** Everything the rules look at, worked out once. */
export function seoContext(
  markdown: string,
  options: SeoOptions,
): SeoContext & { keywords: KeywordReport[] } {
  const doc = seoDocument(markdown);
  const h1 = doc.headings.find((h) => h.level === 1)?.text;
  const title = (options.title ?? h1 ?? '').trim();
  const contentHeadings = doc.headings.filter((h) => h !== doc.references);
  const subheadings = contentHeadings.filter((h) => h.level > 1).map((h) => h.text);
  const bodyText = [...contentHeadings.map((h) => h.text), doc.prose].join('\n\n');
  const wordCount = words(bodyText, options.language).length;
  const metaDescription = (options.metaDescription ?? '').trim();
  const bodyStems = stems(bodyText, options.language);
  const keywords = options.keywords.map((keyword) =>
    keywordReport(keyword, {
      bodyStems,
      wordCount,
      title,
      firstParagraph: doc.firstParagraph,
      subheadings,
      meta: [options.metaTitle ?? '', metaDescription],
      language: options.language,
    }),
  );
  const [primary, ...secondary] = keywords;
  return {
    doc,
    language: options.language,
    title,
    subheadings,
    wordCount,
    headings: headingStructure(doc.headings),
    readability: readability(doc.prose, options.language),
    slug: (options.slug ?? slugify(title || options.keywords[0] || 'article')).trim(),
    metaTitle: (options.metaTitle ?? title).trim(),
    metaDescription,
    primary,
    secondary,
    keywords,
  };
}

export function analyzeSeo(markdown: string, options: SeoOptions): SeoAnalysis {
  const ctx = seoContext(markdown, options);
  const checks = seoRules.flatMap((rule) => rule(ctx));
  const { sentences: _sentences, words: _words, ...readabilityScores } = ctx.readability;
  return {
    score: scoreOf(checks),
    wordCount: ctx.wordCount,
    readability: readabilityScores,
    headings: ctx.headings,
    keywords: ctx.keywords,
    meta: { titleLength: characters(ctx.metaTitle), descriptionLength: characters(ctx.metaDescription) },
    slug: ctx.slug,
    issues: checks.flatMap((c) => c.issues),
  };
}
