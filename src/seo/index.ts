export {
  analyzeSeo,
  type SeoAnalysis,
  type SeoIssue,
  type SeoOptions,
  type SeoSeverity,
  seoLimits,
} from './analyze.ts';
export { type Heading, type HeadingReport, headingStructure, seoDocument } from './document.ts';
export { type ArticleJsonLd, type ArticleJsonLdInput, articleJsonLd, jsonLdScript } from './json-ld.ts';
export { type KeywordReport, keywordReport } from './keywords.ts';
export {
  countSyllables,
  type Readability,
  type ReadabilityFormula,
  readability,
  readabilityFormulaFor,
  readabilityFormulas,
} from './readability.ts';
export { isValidSlug, maxSlugLength, slugify } from './slug.ts';
