// Flesch reading ease and Flesch–Kincaid grade level (English formulas, Flesch 1948 / Kincaid 1975).
import { syllable } from 'syllable';
import { stripCitations } from '../writing/citations.ts';
import { splitSentences } from '../writing/sentences.ts';
import { isNumberToken, words } from '../writing/words.ts';

export interface Readability {
  fleschReadingEase: number;
  gradeLevel: number;
  avgSentenceLength: number;
  avgSyllablesPerWord: number;
}

// Flesch's counting rules: figures are one syllable, and "if a word has two accepted pronunciations, use the
// one with fewer syllables". The `syllable` package splits the /lj/ glide of -lian, -lion, -liant, -liar
// (million, Italian, brilliant, familiar) into two syllables; dictionaries give mil-lion, Ital-ian.
const lGlide = /[aeiouy]l{1,2}i(?:an|on|ant|ar)/gi;

export function countSyllables(word: string): number {
  if (isNumberToken(word)) return 1;
  const glides = word.match(lGlide)?.length ?? 0;
  return Math.max(1, syllable(word) - glides);
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

// `text` is prose (Markdown or plain text); headings, code and tables are not counted.
export function readability(text: string): Readability & { sentences: number; words: number } {
  let sentenceCount = 0;
  let wordCount = 0;
  let syllables = 0;
  for (const sentence of splitSentences(text)) {
    const sentenceWords = words(stripCitations(sentence.text));
    if (sentenceWords.length === 0) continue;
    sentenceCount++;
    wordCount += sentenceWords.length;
    for (const word of sentenceWords) syllables += countSyllables(word);
  }
  if (wordCount === 0) {
    return {
      fleschReadingEase: 0,
      gradeLevel: 0,
      avgSentenceLength: 0,
      avgSyllablesPerWord: 0,
      sentences: 0,
      words: 0,
    };
  }
  const asl = wordCount / sentenceCount;
  const asw = syllables / wordCount;
  return {
    fleschReadingEase: round(206.835 - 1.015 * asl - 84.6 * asw, 1),
    gradeLevel: round(0.39 * asl + 11.8 * asw - 15.59, 1),
    avgSentenceLength: round(asl, 1),
    avgSyllablesPerWord: round(asw, 2),
    sentences: sentenceCount,
    words: wordCount,
  };
}
