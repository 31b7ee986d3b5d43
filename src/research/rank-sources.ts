// Which pages a research reads and which it keeps: the fetch order over the searches' results, then
// the pages scored by quality and de-duplicated by canonical URL and by content.
import { createHash } from 'node:crypto';
import { normaliseUrl } from './canonical-url.ts';
import { bestExcerpt } from './excerpt.ts';
import type { ExtractedPage } from './extract.ts';
import type { SearchResult } from './providers/index.ts';
import { qualityScore } from './quality.ts';

export type Source = {
  url: string;
  finalUrl: string;
  canonicalUrl: string;
  title: string;
  byline?: string;
  publishedAt?: string;
  language?: string;
  /** ISO time the page was fetched (may be earlier than this call when served from cache). */
  fetchedAt: string;
  provider: string;
  query: string;
  score: number;
  wordCount: number;
  excerpt: string;
  text: string;
  contentHash: string;
};

export type Candidate = SearchResult & { query: string };
export type FetchedPage = ExtractedPage & { finalUrl: string; fetchedAt: string };

const contentHash = (text: string) =>
  createHash('sha256').update(text.toLowerCase().replace(/\s+/g, ' ').trim()).digest('hex');

/** The pages to fetch, in order: the first question and provider to find a URL keep it; at most `limit`. */
export function fetchOrder(
  found: Iterable<{ query: string; results: readonly SearchResult[] }>,
  limit: number,
): Candidate[] {
  const candidates = new Map<string, Candidate>();
  for (const { query, results } of found)
    for (const r of results) {
      if (candidates.size >= limit) return [...candidates.values()];
      const key = normaliseUrl(r.url);
      if (!candidates.has(key)) candidates.set(key, { ...r, query });
    }
  return [...candidates.values()];
}

/** Scores the pages read, then de-duplicates them by canonical URL and by content, keeping the better copy. */
export function rank(
  pages: ReadonlyArray<{ candidate: Candidate; page: FetchedPage } | undefined>,
  o: { minWords: number; maxSources: number },
  now: () => Date,
): Source[] {
  const scored: Source[] = [];
  for (const entry of pages) {
    if (!entry || entry.page.wordCount < o.minWords) continue;
    const { candidate, page } = entry;
    const publishedAt = page.publishedAt ?? candidate.publishedAt;
    const hostname = new URL(page.finalUrl).hostname;
    scored.push({
      url: candidate.url,
      finalUrl: page.finalUrl,
      canonicalUrl: normaliseUrl(page.canonicalUrl),
      title: page.title || candidate.title,
      ...(page.byline ? { byline: page.byline } : {}),
      ...(publishedAt ? { publishedAt } : {}),
      ...(page.language ? { language: page.language } : {}),
      fetchedAt: page.fetchedAt,
      provider: candidate.provider,
      query: candidate.query,
      score: qualityScore({ hostname, publishedAt, wordCount: page.wordCount }, now()),
      wordCount: page.wordCount,
      excerpt: bestExcerpt(page.text, candidate.query),
      text: page.text,
      contentHash: contentHash(page.text),
    });
  }
  scored.sort((a, b) => b.score - a.score);
  const seenUrls = new Set<string>();
  const seenHashes = new Set<string>();
  const sources: Source[] = [];
  for (const s of scored) {
    const duplicate = seenUrls.has(s.canonicalUrl) || seenHashes.has(s.contentHash);
    // A dropped copy still marks its keys, so a copy of a copy (the AMP view of a page that
    // was also syndicated) is recognised too.
    seenUrls.add(s.canonicalUrl);
    seenHashes.add(s.contentHash);
    if (duplicate) continue;
    sources.push(s);
    if (sources.length >= o.maxSources) break;
  }
  return sources;
}
