// Placement and density of the primary keyword, presence of the secondary ones.
import { stems, words } from '../../writing/words.ts';
import type { KeywordReport } from '../keywords.ts';
import { countPhrase } from '../keywords.ts';
import { hasSlugWords, slugify } from '../slug.ts';
import { seoLimits, seoWeights } from './limits.ts';
import { check, issue, note, type SeoCheck, type SeoContext, type SeoRule } from './rule.ts';

/** A rule about the primary keyword: nothing to check without one (`noKeywords` says so). */
const forPrimary =
  (rule: (primary: KeywordReport, ctx: SeoContext) => SeoCheck): SeoRule =>
  (ctx) =>
    ctx.primary ? [rule(ctx.primary, ctx)] : [];

export const noKeywords: SeoRule = ({ primary }) =>
  primary
    ? []
    : [
        note(
          issue(
            'no_keywords',
            'info',
            'No target keyword was given, so keyword placement was not checked.',
            'Give the brief one primary keyword.',
          ),
        ),
      ];

export const keywordInTitle = forPrimary(({ keyword: k, inTitle }) =>
  check(
    seoWeights.keywordInTitle,
    inTitle
      ? undefined
      : issue(
          'keyword_not_in_title',
          'warning',
          `The title does not contain "${k}".`,
          `Add the keyword "${k}" to the title.`,
        ),
  ),
);

export const keywordInFirstParagraph = forPrimary(({ keyword: k, inFirstParagraph }) =>
  check(
    seoWeights.keywordInFirstParagraph,
    inFirstParagraph
      ? undefined
      : issue(
          'keyword_not_in_first_paragraph',
          'warning',
          `The first paragraph does not contain "${k}".`,
          `Add the keyword "${k}" to the first paragraph.`,
        ),
  ),
);

export const keywordInHeadings = forPrimary(({ keyword: k, inHeadings }) =>
  check(
    seoWeights.keywordInHeadings,
    inHeadings
      ? undefined
      : issue(
          'keyword_not_in_headings',
          'info',
          `No subheading contains "${k}".`,
          `Use the keyword "${k}" in at least one "##" subheading.`,
        ),
  ),
);

export const keywordInMeta = forPrimary(({ keyword: k, inMeta }) =>
  check(
    seoWeights.keywordInMeta,
    inMeta
      ? undefined
      : issue(
          'keyword_not_in_meta',
          'warning',
          `Neither the meta title nor the meta description contains "${k}".`,
          `Add the keyword "${k}" to the meta description.`,
        ),
  ),
);

// Compared as slugs: the slug is ASCII ("ärzte" → "arzte"), so the keyword is folded the same way
// first. A keyword with no Latin letter has no slug form to look for (its slug is a hash): a note.
export const keywordInSlug = forPrimary(({ keyword: k }, { slug }) => {
  if (!hasSlugWords(k)) {
    return note(
      issue(
        'keyword_not_sluggable',
        'info',
        `The keyword "${k}" has no Latin letters, so the slug cannot contain it.`,
        'Keep the slug short and readable; it was not scored against the keyword.',
      ),
    );
  }
  const keywordSlug = slugify(k);
  return check(
    seoWeights.keywordInSlug,
    countPhrase(stems(slug.replaceAll('-', ' ')), stems(keywordSlug.replaceAll('-', ' '))) > 0
      ? undefined
      : issue(
          'keyword_not_in_slug',
          'info',
          `The slug "${slug}" does not contain "${k}".`,
          `Use a slug that contains the keyword, e.g. "${keywordSlug}".`,
        ),
  );
});

export const keywordDensity = forPrimary(({ keyword: k, count, density }, { wordCount, language }) => {
  const { min, max } = seoLimits.density;
  if (density >= min && density <= max) return check(seoWeights.keywordDensity);
  const phraseWords = Math.max(1, words(k, language).length);
  const found = `"${k}" appears ${count} times (${density}% of words).`;
  if (density < min) {
    const target = Math.max(1, Math.ceil((min * wordCount) / (100 * phraseWords)));
    return check(
      seoWeights.keywordDensity,
      issue(
        'keyword_density_low',
        'warning',
        found,
        `Use "${k}" about ${target} times (at least ${min}% of words) where it reads naturally.`,
      ),
    );
  }
  const most = Math.floor((max * wordCount) / (100 * phraseWords));
  return check(
    seoWeights.keywordDensity,
    issue(
      'keyword_stuffing',
      'warning',
      found,
      `Use "${k}" less often: at most ${max}% of words (about ${most} times); use synonyms.`,
    ),
  );
});

export const secondaryKeywords: SeoRule = ({ primary, secondary }) =>
  !primary || secondary.length === 0
    ? []
    : [
        {
          weight: seoWeights.secondaryKeywords,
          issues: secondary
            .filter((r) => r.count === 0)
            .map((r) =>
              issue(
                'secondary_keyword_missing',
                'info',
                `The keyword "${r.keyword}" does not appear in the article.`,
                `Mention "${r.keyword}" at least once, for example in a relevant section.`,
              ),
            ),
        },
      ];

/** In the order their issues are listed. */
export const keywordRules: SeoRule[] = [
  noKeywords,
  keywordInTitle,
  keywordInFirstParagraph,
  keywordInHeadings,
  keywordInMeta,
  keywordInSlug,
  keywordDensity,
  secondaryKeywords,
];
