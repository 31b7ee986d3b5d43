import { storableText } from '../../input/storable-text.ts';
import type { SearchResult } from './types.ts';

/**
 * Builds a SearchResult, dropping entries without a usable http(s) URL. Its words are made storable:
 * a result's title stands in for a page's that has none, and results are cached.
 */
export function searchResult(fields: {
  provider: string;
  url: string | undefined;
  title: string | undefined;
  snippet: string | undefined;
  publishedAt?: string | undefined;
  score?: number | undefined;
}): SearchResult | undefined {
  if (!fields.url || !/^https?:\/\//i.test(fields.url)) return undefined;
  return {
    title: storableText(fields.title ?? fields.url),
    url: fields.url,
    snippet: storableText(fields.snippet ?? ''),
    provider: fields.provider,
    ...(fields.publishedAt ? { publishedAt: fields.publishedAt } : {}),
    ...(fields.score !== undefined ? { score: fields.score } : {}),
  };
}

export const present = <T>(v: T | undefined): v is T => v !== undefined;
