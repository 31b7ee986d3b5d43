// Reading ease (by the formula for the article's language, or not scored where none fits) and sentence length.
import type { ReadabilityFormula } from '../readability.ts';
import { seoLimits, seoWeights } from './limits.ts';
import { check, issue, note, type SeoRule } from './rule.ts';

const formulaNames: Record<ReadabilityFormula, string> = {
  flesch: 'Flesch',
  amstad: 'Flesch-Amstad',
  'kandel-moles': 'Kandel–Moles',
  'szigriszt-pazos': 'Szigriszt-Pazos',
};

export const readabilityRules: SeoRule = ({ language, readability: read }) => {
  const ease = read.readingEase;
  if (read.formula === null || ease === null)
    return [
      note(
        issue(
          'readability_not_scored',
          'info',
          read.notApplicable ?? `Readability is not scored for "${language}".`,
          'Judge readability by reading the article aloud: short sentences, familiar words.',
        ),
      ),
    ];
  if (read.words === 0) return [];
  const veryHard = ease < seoLimits.fleschError;
  const grade = read.gradeLevel === null ? '' : ` (grade ${read.gradeLevel})`;
  return [
    // The reading-ease scales of all formulas are fitted to Flesch's 0–100, so one threshold serves them.
    check(
      seoWeights.readability,
      ease >= seoLimits.fleschWarning
        ? undefined
        : issue(
            veryHard ? 'very_hard_to_read' : 'hard_to_read',
            veryHard ? 'error' : 'warning',
            `${formulaNames[read.formula]} reading ease is ${ease}${grade}.`,
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
