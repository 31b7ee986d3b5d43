// Reading ease and sentence length (Flesch, which is calibrated for English only).
import { seoLimits, seoWeights } from './limits.ts';
import { check, issue, note, type SeoRule } from './rule.ts';

export const readabilityRules: SeoRule = ({ language, readability: read }) => {
  if (!language.toLowerCase().startsWith('en'))
    return [
      note(
        issue(
          'readability_not_scored',
          'info',
          `Flesch reading ease is calibrated for English; the article is in "${language}".`,
          'Judge readability with a formula for this language.',
        ),
      ),
    ];
  if (read.words === 0) return [];
  const veryHard = read.fleschReadingEase < seoLimits.fleschError;
  return [
    check(
      seoWeights.readability,
      read.fleschReadingEase >= seoLimits.fleschWarning
        ? undefined
        : issue(
            veryHard ? 'very_hard_to_read' : 'hard_to_read',
            veryHard ? 'error' : 'warning',
            `Flesch reading ease is ${read.fleschReadingEase} (grade ${read.gradeLevel}).`,
            `Aim for ${seoLimits.fleschWarning} or more: shorter sentences (now ${read.avgSentenceLength} words on average) and shorter words.`,
          ),
    ),
    check(
      seoWeights.sentenceLength,
      read.avgSentenceLength <= seoLimits.maxAvgSentenceLength
        ? undefined
        : issue(
            'long_sentences',
            'warning',
            `Sentences average ${read.avgSentenceLength} words.`,
            `Split long sentences to average at most ${seoLimits.maxAvgSentenceLength} words.`,
          ),
    ),
  ];
};
