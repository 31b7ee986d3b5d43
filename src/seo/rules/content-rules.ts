// Length and heading structure.
import { seoLimits, seoWeights } from './limits.ts';
import { check, issue, type SeoRule } from './rule.ts';

export const contentLength: SeoRule = ({ wordCount }) => [
  check(
    seoWeights.length,
    wordCount >= seoLimits.minWords
      ? undefined
      : issue(
          'content_too_short',
          'warning',
          `The article has ${wordCount} words.`,
          `Expand the article to at least ${seoLimits.minWords} words.`,
        ),
  ),
];

export const singleH1: SeoRule = ({ headings, title }) => {
  if (headings.h1Count === 1) return [check(seoWeights.h1)];
  if (headings.h1Count === 0)
    return [
      check(
        seoWeights.h1,
        issue(
          'missing_h1',
          'error',
          'The article has no H1 heading.',
          `Start the article with "# ${title || 'Title'}".`,
        ),
      ),
    ];
  return [
    check(
      seoWeights.h1,
      issue(
        'multiple_h1',
        'error',
        `The article has ${headings.h1Count} H1 headings.`,
        'Keep one H1 (the title) and turn the others into "##" headings.',
      ),
    ),
  ];
};

/** Empty headings and skipped levels (several H1s are `singleH1`'s). */
export const headingLevels: SeoRule = ({ headings }) => [
  {
    weight: seoWeights.structure,
    issues: headings.structureIssues
      .filter((s) => s.kind !== 'multiple_h1')
      .map((s) =>
        s.kind === 'empty_heading'
          ? issue('empty_heading', 'error', s.message, 'Give the heading text or remove it.')
          : issue(
              'skipped_heading_level',
              'warning',
              s.message,
              `Change "${s.heading}" to the next level down.`,
            ),
      ),
  },
];

/** Only an article long enough to need sections is asked for them. */
export const subheadingsPresent: SeoRule = ({ wordCount, subheadings }) =>
  wordCount < seoLimits.minWords
    ? []
    : [
        check(
          seoWeights.subheadings,
          subheadings.length > 0
            ? undefined
            : issue(
                'no_subheadings',
                'warning',
                'The article has no subheadings.',
                'Split the text into sections with "##" headings.',
              ),
        ),
      ];
