// Keyword placement and density over stemmed, lower-cased words ("running shoes" matches "Running shoe").
import { stems } from '../writing/words.ts';

export interface KeywordReport {
  keyword: string;
  count: number;
  // Percent of the article's words taken by the keyword's occurrences (count × words in keyword / words).
  density: number;
  inTitle: boolean;
  inFirstParagraph: boolean;
  inHeadings: boolean;
  inMeta: boolean;
}

export function countPhrase(haystack: readonly string[], phrase: readonly string[]): number {
  if (phrase.length === 0) return 0;
  let count = 0;
  for (let i = 0; i + phrase.length <= haystack.length; i++) {
    if (phrase.every((s, j) => haystack[i + j] === s)) {
      count++;
      i += phrase.length - 1;
    }
  }
  return count;
}

export interface KeywordContext {
  bodyStems: readonly string[];
  wordCount: number;
  title: string;
  firstParagraph: string;
  subheadings: readonly string[];
  meta: readonly string[];
  language: string;
}

export function keywordReport(keyword: string, context: KeywordContext): KeywordReport {
  const phrase = stems(keyword, context.language);
  const contains = (text: string) => countPhrase(stems(text, context.language), phrase) > 0;
  const count = countPhrase(context.bodyStems, phrase);
  const density = context.wordCount === 0 ? 0 : (count * phrase.length * 100) / context.wordCount;
  return {
    keyword,
    count,
    density: Math.round(density * 100) / 100,
    inTitle: contains(context.title),
    inFirstParagraph: contains(context.firstParagraph),
    inHeadings: context.subheadings.some(contains),
    inMeta: context.meta.some(contains),
  };
}
