// Readability by a formula made for the article's language, or "not applicable" with the reason:
// English Flesch reading ease (Flesch 1948) and Flesch–Kincaid grade (Kincaid 1975); German
// Flesch-Amstad (Amstad 1978) and the first Wiener Sachtextformel (Bamberger & Vanecek 1984) as
// its school grade; French Kandel–Moles (1958); Spanish Szigriszt-Pazos perspicuity (1993, read on
// the INFLESZ scale). All reading-ease scores run 0–100, higher is easier. A syllable formula is
// never applied to a language it was not fitted to: Japanese is not written in syllables counted
// this way (its measures, e.g. jReadability, need a morphological analyser), so it gets none.
import { syllable } from 'syllable';
import { stripCitations } from '../writing/citations.ts';
import { splitSentences } from '../writing/sentences.ts';
import { memoByWord } from '../writing/word-memo.ts';
import { isNumberToken, primaryLanguage, words } from '../writing/words.ts';
import { countSyllablesIn } from './syllables.ts';

export const readabilityFormulas = ['flesch', 'amstad', 'kandel-moles', 'szigriszt-pazos'] as const;
export type ReadabilityFormula = (typeof readabilityFormulas)[number];

export interface Readability {
  /** The reading-ease formula used; null when no formula fits the language. */
  formula: ReadabilityFormula | null;
  /** Reading ease on the formula's 0–100 scale (higher is easier); null when not applicable. */
  readingEase: number | null;
  /** School grade: Flesch–Kincaid (English), Wiener Sachtextformel (German); null otherwise. */
  gradeLevel: number | null;
  avgSentenceLength: number;
  avgSyllablesPerWord: number | null;
  /** Why readability is not scored (only when `formula` is null). */
  notApplicable?: string;
}

// Flesch's counting rules: figures are one syllable, and "if a word has two accepted pronunciations, use the
// one with fewer syllables". The `syllable` package splits the /lj/ glide of -lian, -lion, -liant, -liar
// (million, Italian, brilliant, familiar) into two syllables; dictionaries give mil-lion, Ital-ian.
const lGlide = /[aeiouy]l{1,2}i(?:an|on|ant|ar)/gi;

// The `syllable` package's rules backtrack at every letter of a word, so its time grows with the
// square of the word's length: a 100,000-letter "word" in an edit held the server for seconds.
// English words stop well short of this; anything longer is counted as vowel groups.
const longestWord = 45;

/** Syllables of an English word. */
export const countSyllables: (word: string) => number = memoByWord((word) => {
  if (isNumberToken(word)) return 1;
  if (word.length > longestWord) return Math.max(1, word.match(/[aeiouy]+/gi)?.length ?? 0);
  const glides = word.match(lGlide)?.length ?? 0;
  return Math.max(1, syllable(word) - glides);
});

interface Counts {
  sentences: number;
  words: number;
  /** Average words per sentence, syllables per word. */
  asl: number;
  asw: number;
  /** Shares (0–100 %) of words of 3+ syllables, of more than 6 letters, of one syllable. */
  polysyllabic: number;
  long: number;
  monosyllabic: number;
}

interface Formula {
  formula: ReadabilityFormula;
  syllables: (word: string) => number;
  ease: (c: Counts) => number;
  grade?: (c: Counts) => number;
}

const formulas: Readonly<Record<string, Formula>> = {
  en: {
    formula: 'flesch',
    syllables: countSyllables,
    ease: (c) => 206.835 - 1.015 * c.asl - 84.6 * c.asw,
    grade: (c) => 0.39 * c.asl + 11.8 * c.asw - 15.59,
  },
  de: {
    formula: 'amstad',
    syllables: (w) => countSyllablesIn(w, 'de'),
    ease: (c) => 180 - c.asl - 58.5 * c.asw,
    grade: (c) =>
      0.1935 * c.polysyllabic + 0.1672 * c.asl + 0.1297 * c.long - 0.0327 * c.monosyllabic - 0.875,
  },
  fr: {
    formula: 'kandel-moles',
    syllables: (w) => countSyllablesIn(w, 'fr'),
    ease: (c) => 207 - 1.015 * c.asl - 73.6 * c.asw,
  },
  es: {
    formula: 'szigriszt-pazos',
    syllables: (w) => countSyllablesIn(w, 'es'),
    ease: (c) => 206.835 - 62.3 * c.asw - c.asl,
  },
};

/** The formula for a BCP 47 tag, or undefined when none fits the language. */
export const readabilityFormulaFor = (language: string): ReadabilityFormula | undefined =>
  formulas[primaryLanguage(language)]?.formula;

function languageName(language: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(language) ?? language;
  } catch {
    return language;
  }
}

function notApplicableReason(language: string): string {
  if (primaryLanguage(language) === 'ja')
    return 'Japanese has no syllable-based readability formula (its measures need a morphological analyser); not scored.';
  return `No readability formula for ${languageName(language)} here; not scored.`;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

// `text` is prose (Markdown or plain text); headings, code and tables are not counted.
export function readability(
  text: string,
  language = 'en',
): Readability & { sentences: number; words: number } {
  const formula = formulas[primaryLanguage(language)];
  let sentences = 0;
  let wordCount = 0;
  let syllables = 0;
  let polysyllabic = 0;
  let long = 0;
  let monosyllabic = 0;
  for (const sentence of splitSentences(text)) {
    const sentenceWords = words(stripCitations(sentence.text), language);
    if (sentenceWords.length === 0) continue;
    sentences++;
    wordCount += sentenceWords.length;
    if (!formula) continue;
    for (const word of sentenceWords) {
      const n = formula.syllables(word);
      syllables += n;
      if (n >= 3) polysyllabic++;
      if (n === 1) monosyllabic++;
      if ([...word].length > 6) long++;
    }
  }
  const asl = wordCount === 0 ? 0 : wordCount / sentences;
  const base = { avgSentenceLength: round(asl, 1), sentences, words: wordCount };
  if (!formula) {
    return {
      formula: null,
      readingEase: null,
      gradeLevel: null,
      avgSyllablesPerWord: null,
      notApplicable: notApplicableReason(language),
      ...base,
    };
  }
  if (wordCount === 0) {
    return { formula: formula.formula, readingEase: 0, gradeLevel: 0, avgSyllablesPerWord: 0, ...base };
  }
  const share = (n: number) => (n * 100) / wordCount;
  const counts: Counts = {
    sentences,
    words: wordCount,
    asl,
    asw: syllables / wordCount,
    polysyllabic: share(polysyllabic),
    long: share(long),
    monosyllabic: share(monosyllabic),
  };
  return {
    formula: formula.formula,
    readingEase: round(formula.ease(counts), 1),
    gradeLevel: formula.grade ? round(formula.grade(counts), 1) : null,
    avgSyllablesPerWord: round(counts.asw, 2),
    ...base,
  };
}
