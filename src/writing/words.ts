// Word-level text primitives shared by the SEO analysis and the citation support check, so that
// "a word", "a stem" and "a stop word" mean the same thing everywhere.
import { stemmer } from 'stemmer';
import { memoByWord } from './word-memo.ts';

// Letters/digits, with inner apostrophes, hyphens and decimal/thousands separators kept inside the word:
// "don't", "well-known", "3.5", "1,500" are one word each.
// "C++", "C#" and "F#" keep their sign: without it they were the word "c", and one counted as the other.
const wordPattern = /[\p{L}\p{N}]+(?:(?:['’-]|[.,](?=\p{N}))[\p{L}\p{N}]+)*(?:\+\+|#)?(?![\p{L}\p{N}])/gu;

// Languages written without spaces between words: ICU's dictionary-based word segmentation
// (Intl.Segmenter) finds their words; a letter run would be a whole clause.
const unspaced = new Set(['ja', 'zh', 'th', 'lo', 'km', 'my']);
const segmenters = new Map<string, Intl.Segmenter>();

export const primaryLanguage = (language: string) => language.split('-')[0]?.toLowerCase() ?? '';

export function isUnspacedLanguage(language: string): boolean {
  return unspaced.has(primaryLanguage(language));
}

// Text pasted from a PDF or macOS may spell "é" as "e" and a combining accent: composed first, so a
// word is one word whichever way it was typed.
const combining = /\p{M}/u;

export function words(input: string, language = 'en'): string[] {
  const text = combining.test(input) ? input.normalize('NFC') : input;
  if (!isUnspacedLanguage(language)) return text.match(wordPattern) ?? [];
  let segmenter = segmenters.get(language);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(language, { granularity: 'word' });
    segmenters.set(language, segmenter);
  }
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}

// Function words of English: ignored when comparing content (keyword stems, citation support, slugs).
export const englishStopWords: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further had has ' +
    'have having he her here hers herself him himself his how i if in into is it its itself just me more ' +
    'most my myself no nor not now of off on once only or other our ours ourselves out over own same she ' +
    'should so some such than that the their theirs them themselves then there these they this those ' +
    'through to too under until up very was we were what when where which while who whom why will with ' +
    'would you your yours yourself yourselves'
  ).split(' '),
);

export function isNumberToken(word: string): boolean {
  return /^\p{N}[\p{N}.,]*$/u.test(word);
}

// Lower-cased Porter stem for English; other languages are only lower-cased (no stemmer for them here).
// Numbers are normalised so "1,500" and "1500" compare equal.
export function stem(word: string, language = 'en'): string {
  return language === 'en' ? englishStem(word) : stemIn(word, language);
}

function stemIn(word: string, language: string): string {
  const lower = word.toLocaleLowerCase(language).replaceAll('’', "'");
  if (isNumberToken(lower)) return lower.replace(/,(?=\d{3}\b)/g, '');
  if (!language.toLowerCase().startsWith('en')) return lower;
  return stemmer(lower.replace(/'s$/, ''));
}

const englishStem = memoByWord((word) => stemIn(word, 'en'));

export function stems(text: string, language = 'en'): string[] {
  return words(text, language).map((w) => stem(w, language));
}
