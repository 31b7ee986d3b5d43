// Web research for the article pipeline: the planner's questions searched in parallel across
// every configured provider, pages fetched through the SSRF guard, reduced to readable text,
// de-duplicated and ranked by quality.
import { z } from 'zod';
import { boundedQueue } from '../bounded.ts';
import { AppError, errorMessage } from '../errors.ts';
import { type SafeFetchOptions, type SafeFetchResult, safeFetch } from '../security/ssrf/index.ts';
import { memoryCache, type ResearchCache } from './cache.ts';
import { normaliseUrl } from './canonical-url.ts';
import { extractableTypes } from './extract.ts';
import { extractPage } from './extract-pool.ts';
import type { SearchProvider, SearchResult } from './providers/index.ts';
import { type FetchedPage, fetchOrder, rank, type Source } from './rank-sources.ts';

export type { Source } from './rank-sources.ts';

/** A search or a page read finished: `done` of `total`; `reason` why a search failed. */
export type ResearchProgress =
  | {
      phase: 'search';
      done: number;
      total: number;
      provider: string;
      query: string;
      ok: boolean;
      reason?: string;
    }
  | { phase: 'fetch'; done: number; total: number; url: string; ok: boolean };

export type ResearchDeps = {
  providers: readonly SearchProvider[];
  cache?: ResearchCache;
  /** Options for safeFetch (limits, FETCH_ALLOW_HOSTS, resolver); `accept` is set here. */
  fetchOptions?: Omit<SafeFetchOptions, 'accept' | 'signal'>;
  fetchPage?: (url: string, opts: SafeFetchOptions) => Promise<SafeFetchResult>;
  now?: () => Date;
};

export type ResearchOptions = {
  resultsPerQuery?: number;
  maxSources?: number;
  /** Pages fetched at most, before de-duplication. */
  maxFetches?: number;
  searchConcurrency?: number;
  fetchConcurrency?: number;
  /** RESEARCH_CACHE_TTL; 0 disables caching. */
  cacheTtlSeconds?: number;
  /** Pages with fewer readable words are dropped as empty shells. */
  minWords?: number;
  signal?: AbortSignal;
  onProgress?: (event: ResearchProgress) => void;
  /** Whose pages these are (a workspace): pages waiting for the extractor take turns across keys. */
  turnKey?: string;
};

export const researchDefaults = {
  resultsPerQuery: 5,
  maxSources: 10,
  searchConcurrency: 4,
  // Pages are fetched from many hosts and mostly wait on the network; extraction runs one at a time
  // on this thread whatever the number in flight.
  fetchConcurrency: 8,
  cacheTtlSeconds: 24 * 3600,
  minWords: 30,
};

const defaultCache = memoryCache();

// What a cache entry must be to be used. The store is shared by every process — in a rolling upgrade,
// processes of another version — and outlives them (RESEARCH_CACHE_TTL): an entry of another shape
// is a miss, not a page without text failing the research.
const searchResultsEntry: z.ZodType<SearchResult[]> = z.array(
  z.looseObject({
    title: z.string(),
    url: z.string(),
    snippet: z.string(),
    publishedAt: z.string().optional(),
    score: z.number().optional(),
    provider: z.string(),
  }),
);
const fetchedPageEntry: z.ZodType<FetchedPage> = z.looseObject({
  title: z.string(),
  byline: z.string().optional(),
  publishedAt: z.string().optional(),
  text: z.string(),
  canonicalUrl: z.string(),
  language: z.string().optional(),
  wordCount: z.number(),
  finalUrl: z.string(),
  fetchedAt: z.string(),
});

/**
 * Where a page read is cached. `v2`: pages read in their charset and made storable; one read before
 * (the same shape) can be mojibake or hold a NUL, and must not be served for another day.
 */
export const pageCacheKey = (normalisedUrl: string) => `research:page:v2:${normalisedUrl}`;

/**
 * What the cache holds for `key`, else `compute()`'s answer, stored for `ttl` seconds. The cache only
 * saves work: a read that fails or finds an entry of another shape is a miss, and the answer is
 * handed on without waiting for its write — a search's pages are not requested only once its
 * results are stored (on the embedded database, behind whatever statements wait on this thread),
 * and a write that fails or never ends loses the next hit, not this research.
 */
async function cached<T>(
  cache: ResearchCache,
  key: string,
  ttl: number,
  entry: z.ZodType<T>,
  compute: () => Promise<T>,
): Promise<T> {
  if (ttl > 0) {
    const hit = entry.safeParse(await cache.get(key).catch(() => undefined));
    if (hit.success) return hit.data;
  }
  const value = await compute();
  if (ttl > 0) cache.set(key, value, ttl).catch(() => {});
  return value;
}

/**
 * A research in two moves: questions foreseen while the plan that holds them is still being written
 * (their searches start, and the pages those find are fetched), then the research of the plan's
 * final questions, which uses what was foreseen where it asked the same. Its answer is the one
 * `researchQuestions` would give for those questions (a search that asked for more results keeps
 * its first ones): foresight changes when the reads happen, not what is read — at most it adds
 * reads (a foreseen question the final plan dropped, results beyond the final count's share),
 * bounded by `maxFetches`, never a source.
 */
export interface WebResearch {
  /**
   * Starts searching `question`, asking for `resultsPerQuery` results (the most the final plan can
   * ask for: its share of the sources when it has as few questions as are known so far), and then
   * fetching their pages. Never throws; failures are left for `research` to meet again.
   */
  foresee(question: string, resultsPerQuery: number): void;
  research(questions: readonly string[], resultsPerQuery?: number): Promise<Source[]>;
}

interface SearchRun {
  limit: number;
  results: Promise<SearchResult[]>;
  /** Set once the search answered. */
  answered?: SearchResult[];
}

export function webResearch(deps: ResearchDeps, opts: ResearchOptions = {}): WebResearch {
  const o = { ...researchDefaults, ...opts };
  const cache = deps.cache ?? defaultCache;
  const ttl = o.cacheTtlSeconds;
  const now = deps.now ?? (() => new Date());
  const fetchPage = deps.fetchPage ?? safeFetch;
  const maxFetches = o.maxFetches ?? o.maxSources * 3;
  // One bound each for searches and fetches, foreseen or not.
  const searchSlot = boundedQueue(o.searchConcurrency);
  const fetchSlot = boundedQueue(o.fetchConcurrency);
  // The searches and page loads of this research, by provider and question and by page: each is
  // made once, and forgotten if it failed, so a retried gather step asks again.
  const searches = new Map<string, SearchRun>();
  const loads = new Map<string, Promise<FetchedPage>>();
  const foreseen: string[] = [];

  const searchOf = (provider: SearchProvider, query: string, limit: number): SearchRun => {
    const key = `${provider.name}\0${query}`;
    const known = searches.get(key);
    if (known && known.limit >= limit) return known;
    const run: SearchRun = {
      limit,
      results: searchSlot(() =>
        cached(cache, `research:search:${provider.name}:${limit}:${query}`, ttl, searchResultsEntry, () =>
          provider.search(query, { limit, ...(o.signal ? { signal: o.signal } : {}) }),
        ),
      ),
    };
    run.results.then(
      (results) => {
        run.answered = results;
      },
      () => {
        if (searches.get(key) === run) searches.delete(key);
      },
    );
    searches.set(key, run);
    return run;
  };

  const loadOf = (url: string): Promise<FetchedPage> => {
    const key = normaliseUrl(url);
    let load = loads.get(key);
    if (load) return load;
    load = fetchSlot(() =>
      cached(cache, pageCacheKey(key), ttl, fetchedPageEntry, async () => {
        const response = await fetchPage(url, {
          ...deps.fetchOptions,
          accept: extractableTypes,
          ...(o.signal ? { signal: o.signal } : {}),
        });
        if (response.status < 200 || response.status >= 300)
          throw new AppError('unavailable', `HTTP ${response.status}`);
        const extracted = await extractPage(response.body, response.contentType, response.finalUrl, {
          signal: o.signal,
          ...(o.turnKey === undefined ? {} : { key: o.turnKey }),
        });
        return { ...extracted, finalUrl: response.finalUrl, fetchedAt: response.fetchedAt.toISOString() };
      }),
    );
    const started = load;
    started.catch(() => {
      if (loads.get(key) === started) loads.delete(key);
    });
    loads.set(key, started);
    return started;
  };

  // The foreseen searches in the research's order, up to the first not answered yet: the pages they
  // found can be placed (and loaded) only once every earlier search has answered.
  function* answeredForeseen() {
    for (const query of foreseen)
      for (const provider of deps.providers) {
        const results = searches.get(`${provider.name}\0${query}`)?.answered;
        if (!results) return;
        yield { query, results };
      }
  }
  const loadForeseenPages = () => {
    for (const candidate of fetchOrder(answeredForeseen(), maxFetches)) loadOf(candidate.url).catch(() => {});
  };

  return {
    foresee(question, resultsPerQuery) {
      const query = question.trim();
      if (!query || foreseen.includes(query) || deps.providers.length === 0) return;
      foreseen.push(query);
      const runs = deps.providers.map((provider) => searchOf(provider, query, resultsPerQuery));
      // A result whose URL does not parse fails the research itself; here it only stops the loads.
      Promise.allSettled(runs.map((r) => r.results))
        .then(loadForeseenPages)
        .catch(() => {});
    },

    async research(questions, resultsPerQuery = o.resultsPerQuery) {
      foreseen.length = 0;
      if (deps.providers.length === 0)
        throw new AppError(
          'unavailable',
          'Web research is not configured: set a search provider key or SEARXNG_URL',
        );
      const queries = [...new Set(questions.map((q) => q.trim()).filter(Boolean))];
      if (queries.length === 0) return [];

      // 1. Search every question on every provider; one provider failing does not sink the rest.
      const tasks = queries.flatMap((query) => deps.providers.map((provider) => ({ query, provider })));
      let searched = 0;
      const failures: string[] = [];
      const found = await Promise.all(
        tasks.map(async ({ query, provider }) => {
          let reason: string | undefined;
          try {
            const run = searchOf(provider, query, resultsPerQuery);
            const results = await run.results;
            // A foreseen search asked for more: its first `resultsPerQuery` are this search's answer.
            return run.limit > resultsPerQuery ? results.slice(0, resultsPerQuery) : results;
          } catch (error) {
            reason = errorMessage(error);
            failures.push(reason);
            return [] as SearchResult[];
          } finally {
            o.onProgress?.({
              phase: 'search',
              done: ++searched,
              total: tasks.length,
              provider: provider.name,
              query,
              ok: reason === undefined,
              ...(reason === undefined ? {} : { reason }),
            });
          }
        }),
      );

      // 2. Merge: the first question/provider to find a URL keeps it.
      const toFetch = fetchOrder(
        found.map((results, i) => ({ query: tasks[i]?.query ?? '', results })),
        maxFetches,
      );

      // 3. Fetch and extract through the SSRF guard; unfetchable pages are skipped.
      let fetched = 0;
      const pages = await Promise.all(
        toFetch.map(async (candidate) => {
          let page: FetchedPage | undefined;
          try {
            page = await loadOf(candidate.url);
          } catch {
            page = undefined;
          }
          o.onProgress?.({
            phase: 'fetch',
            done: ++fetched,
            total: toFetch.length,
            url: candidate.url,
            ok: !!page,
          });
          return page ? { candidate, page } : undefined;
        }),
      );
      // What was read is handed on below; the next research (a retried step) asks again.
      searches.clear();
      loads.clear();
      const sources = rank(pages, o, now);
      // Searches that failed may be why there is nothing: an article asked to be researched was
      // written without sources (no citations, no fact check) when they did. A retry may find them.
      if (sources.length === 0 && failures.length > 0) {
        const which =
          failures.length === tasks.length
            ? 'every search'
            : `${failures.length} of ${tasks.length} searches`;
        throw new AppError('unavailable', `Web research found no sources: ${which} failed (${failures[0]})`, {
          failures,
        });
      }
      return sources;
    },
  };
}

export function researchQuestions(
  questions: readonly string[],
  deps: ResearchDeps,
  opts: ResearchOptions = {},
): Promise<Source[]> {
  return webResearch(deps, opts).research(questions);
}
