// Deterministic SEO analysis of a Markdown article: every failed check is an issue with a concrete fix, and the
// score is the weighted share of the checks that pass.
import { stems, words } from '../writing/words.ts';
import { headingStructure, isReferencesHeading, seoDocument } from './document.ts';
import { countPhrase, type KeywordReport, keywordReport } from './keywords.ts';
import { type Readability, type ReadabilityFormula, readability } from './readability.ts';
import { isValidSlug, maxSlugLength, slugify } from './slug.ts';

export interface SeoOptions {
  keywords: readonly string[];
  title?: string;
  metaTitle?: string;
  metaDescription?: string;
  slug?: string;
  language: string;
}

export type SeoSeverity = 'error' | 'warning' | 'info';

export interface SeoIssue {
  code: string;
  severity: SeoSeverity;
  message: string;
  fix: string;
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

export const seoLimits = {
  minWords: 300,
  metaTitle: { min: 30, max: 60 },
  metaDescription: { min: 70, max: 160 },
  density: { min: 0.5, max: 2.5 },
  fleschWarning: 50,
  fleschError: 30,
  maxAvgSentenceLength: 20,
} as const;

// Weights of the checks: what search engines and readers punish most weighs most.
const weights = {
  length: 10,
  h1: 10,
  structure: 10,
  subheadings: 5,
  readability: 10,
  sentenceLength: 5,
  keywordInTitle: 10,
  keywordInFirstParagraph: 10,
  keywordInHeadings: 5,
  keywordInMeta: 5,
  keywordInSlug: 5,
  keywordDensity: 10,
  secondaryKeywords: 5,
  metaTitle: 10,
  metaDescription: 10,
  slug: 5,
} as const;

const characters = (text: string) => [...text].length;

const formulaNames: Record<ReadabilityFormula, string> = {
  flesch: 'Flesch',
  amstad: 'Flesch-Amstad',
  'kandel-moles': 'Kandel–Moles',
  'szigriszt-pazos': 'Szigriszt-Pazos',
};

export function analyzeSeo(markdown: string, options: SeoOptions): SeoAnalysis {
  const doc = seoDocument(markdown);
  const issues: SeoIssue[] = [];
  let earned = 0;
  let possible = 0;
  const check = (weight: number, passed: boolean, failures: SeoIssue[] = []) => {
    possible += weight;
    if (passed) earned += weight;
    else issues.push(...failures);
  };
  const issue = (code: string, severity: SeoSeverity, message: string, fix: string): SeoIssue => ({
    code,
    severity,
    message,
    fix,
  });

  const h1 = doc.headings.find((h) => h.level === 1)?.text;
  const title = (options.title ?? h1 ?? '').trim();
  const contentHeadings = doc.headings.filter((h) => !isReferencesHeading(h.text));
  const subheadings = contentHeadings.filter((h) => h.level > 1).map((h) => h.text);
  const bodyText = [...contentHeadings.map((h) => h.text), doc.prose].join('\n\n');
  const wordCount = words(bodyText, options.language).length;

  check(weights.length, wordCount >= seoLimits.minWords, [
    issue(
      'content_too_short',
      'warning',
      `The article has ${wordCount} words.`,
      `Expand the article to at least ${seoLimits.minWords} words.`,
    ),
  ]);

  const headings = headingStructure(doc.headings);
  check(
    weights.h1,
    headings.h1Count === 1,
    headings.h1Count === 0
      ? [
          issue(
            'missing_h1',
            'error',
            'The article has no H1 heading.',
            `Start the article with "# ${title || 'Title'}".`,
          ),
        ]
      : [
          issue(
            'multiple_h1',
            'error',
            `The article has ${headings.h1Count} H1 headings.`,
            'Keep one H1 (the title) and turn the others into "##" headings.',
          ),
        ],
  );
  const structural = headings.structureIssues.filter((s) => s.kind !== 'multiple_h1');
  check(
    weights.structure,
    structural.length === 0,
    structural.map((s) =>
      s.kind === 'empty_heading'
        ? issue('empty_heading', 'error', s.message, 'Give the heading text or remove it.')
        : issue(
            'skipped_heading_level',
            'warning',
            s.message,
            `Change "${s.heading}" to the next level down.`,
          ),
    ),
  );
  if (wordCount >= seoLimits.minWords) {
    check(weights.subheadings, subheadings.length > 0, [
      issue(
        'no_subheadings',
        'warning',
        'The article has no subheadings.',
        'Split the text into sections with "##" headings.',
      ),
    ]);
  }

  const read = readability(doc.prose, options.language);
  const { sentences: _sentences, words: _words, ...readabilityScores } = read;
  // The reading-ease scales of all formulas are fitted to Flesch's 0–100, so one threshold serves them.
  const ease = read.readingEase;
  if (read.formula === null || ease === null) {
    issues.push(
      issue(
        'readability_not_scored',
        'info',
        read.notApplicable ?? `Readability is not scored for "${options.language}".`,
        'Judge readability by reading the article aloud: short sentences, familiar words.',
      ),
    );
  } else if (read.words > 0) {
    const grade = read.gradeLevel === null ? '' : ` (grade ${read.gradeLevel})`;
    check(weights.readability, ease >= seoLimits.fleschWarning, [
      issue(
        ease < seoLimits.fleschError ? 'very_hard_to_read' : 'hard_to_read',
        ease < seoLimits.fleschError ? 'error' : 'warning',
        `${formulaNames[read.formula]} reading ease is ${ease}${grade}.`,
        `Aim for ${seoLimits.fleschWarning} or more: shorter sentences (now ${read.avgSentenceLength} words on average) and shorter words.`,
      ),
    ]);
    check(weights.sentenceLength, read.avgSentenceLength <= seoLimits.maxAvgSentenceLength, [
      issue(
        'long_sentences',
        'warning',
        `Sentences average ${read.avgSentenceLength} words.`,
        `Split long sentences to average at most ${seoLimits.maxAvgSentenceLength} words.`,
      ),
    ]);
  }

  const slug = (options.slug ?? slugify(title || options.keywords[0] || 'article')).trim();
  const metaTitle = (options.metaTitle ?? title).trim();
  const metaDescription = (options.metaDescription ?? '').trim();
  const bodyStems = stems(bodyText, options.language);
  const keywordReports = options.keywords.map((keyword) =>
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

  const [primary, ...secondary] = keywordReports;
  if (!primary) {
    issues.push(
      issue(
        'no_keywords',
        'info',
        'No target keyword was given, so keyword placement was not checked.',
        'Give the brief one primary keyword.',
      ),
    );
  } else {
    const k = primary.keyword;
    check(weights.keywordInTitle, primary.inTitle, [
      issue(
        'keyword_not_in_title',
        'warning',
        `The title does not contain "${k}".`,
        `Add the keyword "${k}" to the title.`,
      ),
    ]);
    check(weights.keywordInFirstParagraph, primary.inFirstParagraph, [
      issue(
        'keyword_not_in_first_paragraph',
        'warning',
        `The first paragraph does not contain "${k}".`,
        `Add the keyword "${k}" to the first paragraph.`,
      ),
    ]);
    check(weights.keywordInHeadings, primary.inHeadings, [
      issue(
        'keyword_not_in_headings',
        'info',
        `No subheading contains "${k}".`,
        `Use the keyword "${k}" in at least one "##" subheading.`,
      ),
    ]);
    check(weights.keywordInMeta, primary.inMeta, [
      issue(
        'keyword_not_in_meta',
        'warning',
        `Neither the meta title nor the meta description contains "${k}".`,
        `Add the keyword "${k}" to the meta description.`,
      ),
    ]);
    check(weights.keywordInSlug, countPhrase(stems(slug.replaceAll('-', ' ')), stems(k)) > 0, [
      issue(
        'keyword_not_in_slug',
        'info',
        `The slug "${slug}" does not contain "${k}".`,
        `Use a slug that contains the keyword, e.g. "${slugify(k)}".`,
      ),
    ]);
    const { min, max } = seoLimits.density;
    const phraseWords = Math.max(1, words(k, options.language).length);
    const target = Math.max(1, Math.ceil((min * wordCount) / (100 * phraseWords)));
    check(weights.keywordDensity, primary.density >= min && primary.density <= max, [
      primary.density < min
        ? issue(
            'keyword_density_low',
            'warning',
            `"${k}" appears ${primary.count} times (${primary.density}% of words).`,
            `Use "${k}" about ${target} times (at least ${min}% of words) where it reads naturally.`,
          )
        : issue(
            'keyword_stuffing',
            'warning',
            `"${k}" appears ${primary.count} times (${primary.density}% of words).`,
            `Use "${k}" less often: at most ${max}% of words (about ${Math.floor((max * wordCount) / (100 * phraseWords))} times); use synonyms.`,
          ),
    ]);
    if (secondary.length > 0) {
      const missing = secondary.filter((r) => r.count === 0);
      check(
        weights.secondaryKeywords,
        missing.length === 0,
        missing.map((r) =>
          issue(
            'secondary_keyword_missing',
            'info',
            `The keyword "${r.keyword}" does not appear in the article.`,
            `Mention "${r.keyword}" at least once, for example in a relevant section.`,
          ),
        ),
      );
    }
  }

  const { metaTitle: titleLimits, metaDescription: descriptionLimits } = seoLimits;
  const titleLength = characters(metaTitle);
  check(
    weights.metaTitle,
    titleLength >= titleLimits.min && titleLength <= titleLimits.max,
    titleLength === 0
      ? [
          issue(
            'missing_meta_title',
            'error',
            'The article has no meta title.',
            `Write a meta title of ${titleLimits.min}–${titleLimits.max} characters${primary ? ` containing "${primary.keyword}"` : ''}.`,
          ),
        ]
      : [
          titleLength < titleLimits.min
            ? issue(
                'meta_title_too_short',
                'warning',
                `The meta title has ${titleLength} characters.`,
                `Lengthen the meta title by ${titleLimits.min - titleLength}+ characters to ${titleLimits.min}–${titleLimits.max}.`,
              )
            : issue(
                'meta_title_too_long',
                'warning',
                `The meta title has ${titleLength} characters; search results cut it at about ${titleLimits.max}.`,
                `Shorten the meta title by ${titleLength - titleLimits.max}+ characters to at most ${titleLimits.max}.`,
              ),
        ],
  );
  const descriptionLength = characters(metaDescription);
  check(
    weights.metaDescription,
    descriptionLength >= descriptionLimits.min && descriptionLength <= descriptionLimits.max,
    descriptionLength === 0
      ? [
          issue(
            'missing_meta_description',
            'error',
            'The article has no meta description.',
            `Write a meta description of ${descriptionLimits.min}–${descriptionLimits.max} characters that summarises the article${primary ? ` and contains "${primary.keyword}"` : ''}.`,
          ),
        ]
      : [
          descriptionLength < descriptionLimits.min
            ? issue(
                'meta_description_too_short',
                'warning',
                `The meta description has ${descriptionLength} characters.`,
                `Lengthen the meta description by ${descriptionLimits.min - descriptionLength}+ characters to ${descriptionLimits.min}–${descriptionLimits.max}.`,
              )
            : issue(
                'meta_description_too_long',
                'warning',
                `The meta description has ${descriptionLength} characters; search results cut it at about ${descriptionLimits.max}.`,
                `Shorten the meta description by ${descriptionLength - descriptionLimits.max}+ characters to at most ${descriptionLimits.max}.`,
              ),
        ],
  );

  check(weights.slug, isValidSlug(slug), [
    issue(
      'invalid_slug',
      'warning',
      `The slug "${slug}" is not lower-case ASCII words joined by hyphens of at most ${maxSlugLength} characters.`,
      `Use the slug "${slugify(slug)}".`,
    ),
  ]);

  return {
    score: possible === 0 ? 0 : Math.round((100 * earned) / possible),
    wordCount,
    readability: readabilityScores,
    headings,
    keywords: keywordReports,
    meta: { titleLength, descriptionLength },
    slug,
    issues,
  };
}
