// The gather step's `Source` providers: pages the user named, passages of documents the user named,
// the workspace knowledge base and web research. Each returns sources with provenance (URL + fetch
// time, or document + page/heading) so every citation links back to where its words came from.

import { mapBounded } from '../bounded.ts';
import type { Database } from '../db/client.ts';
import { errorMessage } from '../errors.ts';
import { textHead } from '../input/storable-text.ts';
import { searchKnowledge } from '../knowledge/search.ts';
import { bestExcerpt } from '../research/excerpt.ts';
import { extractableTypes } from '../research/extract.ts';
import { extractPage, warmExtractors } from '../research/extract-pool.ts';
import {
  type ResearchDeps,
  type ResearchOptions,
  type WebResearch,
  webResearch,
} from '../research/web-research.ts';
import { type SafeFetchOptions, safeFetch } from '../security/ssrf/index.ts';
import { idleMoment } from '../when-idle.ts';
import { englishStopWords, words } from '../writing/words.ts';
import { openingPassages } from './document-store.ts';
import type { ArticleSource } from './types.ts';

/** A source before it gets its number. */
export type FoundSource = Omit<ArticleSource, 'n'>;

export interface SourceProvider {
  name: string;
  /** Starts work that does not need the plan's questions (fetching given pages) while the plan is made. */
  prepare?(signal: AbortSignal): void;
  /**
   * Starts work for one question of the plan while the model is still writing the rest of it
   * (`knownQuestions`: how many the plan has so far, this one included; more may follow). A hint:
   * `find` gets the plan's final questions and answers for those alone.
   */
  foresee?(question: string, knownQuestions: number, signal: AbortSignal): void;
  find(questions: readonly string[], signal: AbortSignal): Promise<FoundSource[]>;
}

/** Text kept per source: enough for several sections' excerpts, bounded for prompt cost. */
const maxSourceChars = 12_000;
const clip = (text: string) => (text.length <= maxSourceChars ? text : `${textHead(text, maxSourceChars)}…`);

export function userUrlSources(
  urls: readonly string[],
  fetchOptions: SafeFetchOptions,
  onFailure: (url: string, reason: string) => void,
  /** Whose pages (a workspace): they take turns with other workspaces' for the extractor. */
  turnKey?: string,
): SourceProvider {
  let fetched: Promise<Array<Omit<FoundSource, 'excerpt'> | undefined>> | undefined;
  const fetchAll = (signal: AbortSignal) => {
    fetched ??= mapBounded(urls, 4, async (url) => {
      try {
        const response = await safeFetch(url, { ...fetchOptions, accept: extractableTypes, signal });
        if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
        const page = await extractPage(response.body, response.contentType, response.finalUrl, {
          signal,
          ...(turnKey === undefined ? {} : { key: turnKey }),
        });
        if (page.wordCount < 20) throw new Error('the page has no readable text');
        return {
          kind: 'url' as const,
          title: page.title || response.finalUrl,
          url: response.finalUrl,
          fetchedAt: response.fetchedAt.toISOString(),
          text: clip(page.text),
        };
      } catch (err) {
        onFailure(url, errorMessage(err));
        return undefined;
      }
    });
    return fetched;
  };
  return {
    name: 'urls',
    prepare(signal) {
      // The extractor processes start (and load the parser) while the plan is written.
      warmExtractors();
      // Once the thread idles: a page that arrived before the plan's request is out (a near server
      // answers in a millisecond) would hold that request back while it is parsed, and the wait for
      // the plan's answer is long enough for every page. Asked for before then, they load at once.
      void idleMoment({ quietMs: 3, maxWaitMs: 100 }).then(() => fetchAll(signal));
    },
    async find(questions, signal) {
      const pages = await fetchAll(signal);
      return pages
        .filter((p) => p !== undefined)
        .map((p) => ({ ...p, excerpt: bestExcerpt(p.text, questions.join(' ')) }));
    },
  };
}

// Full-text search ANDs every word of a query; a question's content words OR-ed find passages
// that answer part of it, ranked by how much they cover.
export function anyWordQuery(text: string): string {
  const terms = [...new Set(words(text).map((w) => w.toLowerCase()))].filter(
    (w) => w.length > 2 && !englishStopWords.has(w) && /^[\p{L}\p{N}]+$/u.test(w),
  );
  return terms.slice(0, 24).join(' or ');
}

type Embed = (texts: string[]) => Promise<number[][] | undefined>;

interface PassageSearch {
  database: Database;
  workspaceId: string;
  embed: Embed;
}

async function passages(
  search: PassageSearch,
  queries: readonly string[],
  opts: { documentIds?: string[]; perQuery: number; keywordMatchOnly: boolean },
) {
  const embeddings = search.database.vectorAvailable ? await search.embed([...queries]) : undefined;
  const found = new Map<
    string,
    { score: number; result: Awaited<ReturnType<typeof searchKnowledge>>['results'][number] }
  >();
  for (const [i, question] of queries.entries()) {
    const query = anyWordQuery(question);
    if (!query) continue;
    const outcome = await searchKnowledge(search.database, {
      workspaceId: search.workspaceId,
      query,
      limit: opts.perQuery,
      ...(embeddings?.[i] ? { queryEmbedding: embeddings[i] } : {}),
      ...(opts.documentIds ? { documentIds: opts.documentIds } : {}),
    });
    for (const result of outcome.results) {
      if (opts.keywordMatchOnly && result.textRank === undefined) continue;
      const known = found.get(result.chunkId);
      if (!known || known.score < result.score) found.set(result.chunkId, { score: result.score, result });
    }
  }
  return [...found.values()].sort((a, b) => b.score - a.score).map((f) => f.result);
}

function passageSource(
  kind: 'document' | 'knowledge',
  p: {
    documentId: string;
    documentTitle: string;
    text: string;
    headingPath: string[];
    pageStart: number | null;
  },
): FoundSource {
  const heading = p.headingPath.at(-1);
  const where = [p.pageStart !== null ? `p. ${p.pageStart}` : undefined, heading].filter(Boolean).join(', ');
  return {
    kind,
    title: where ? `${p.documentTitle} (${where})` : p.documentTitle,
    documentId: p.documentId,
    ...(p.pageStart !== null ? { page: p.pageStart } : {}),
    ...(p.headingPath.length > 0 ? { headingPath: p.headingPath } : {}),
    excerpt: bestExcerpt(p.text, '', 400),
    text: clip(p.text),
  };
}

/** Passages of the documents the brief names: the best ones for the questions, at least one per document. */
export function namedDocumentSources(
  search: PassageSearch,
  documentIds: readonly string[],
  maxPassages = 10,
): SourceProvider {
  return {
    name: 'documents',
    async find(questions) {
      const ranked = await passages(search, questions, {
        documentIds: [...documentIds],
        perQuery: 4,
        keywordMatchOnly: false,
      });
      const chosen = ranked.slice(0, maxPassages);
      // A named document no question matched still contributes its opening passages.
      for (const id of documentIds) {
        if (chosen.some((p) => p.documentId === id)) continue;
        const rows = await openingPassages(search.database, search, id);
        chosen.push(...rows.map((r) => ({ ...r, chunkId: '', pageEnd: null, score: 0 })));
      }
      return chosen.map((p) => passageSource('document', p));
    },
  };
}

/** The workspace's whole library, keyword-matched passages only (a vector neighbour can be anything). */
export function knowledgeBaseSources(search: PassageSearch, maxPassages = 6): SourceProvider {
  return {
    name: 'knowledge',
    async find(questions) {
      const ranked = await passages(search, questions, { perQuery: 3, keywordMatchOnly: true });
      return ranked.slice(0, maxPassages).map((p) => passageSource('knowledge', p));
    },
  };
}

/**
 * Search results asked for per question: enough that the union of all questions' results, less the
 * pages found twice and the ones that fail to load, can still fill `maxSources` (5 to 20, what
 * search APIs return in one page).
 */
export const resultsPerQuestion = (maxSources: number, questions: number) =>
  Math.min(20, Math.max(5, Math.ceil((2 * maxSources) / Math.max(1, questions))));

/** A web search that failed (after its retries): the research went on with the others. */
export type SearchFailure = { provider: string; query: string; reason: string };

export function webSources(
  deps: ResearchDeps,
  options: ResearchOptions & { maxSources: number },
  onSearchFailure?: (failure: SearchFailure) => void,
): SourceProvider {
  const onProgress: ResearchOptions['onProgress'] = (event) => {
    options.onProgress?.(event);
    if (event.phase === 'search' && !event.ok)
      onSearchFailure?.({ provider: event.provider, query: event.query, reason: event.reason ?? 'failed' });
  };
  // One research per run: what its foreseen questions searched and loaded, `find` reuses.
  let research: WebResearch | undefined;
  const session = (signal: AbortSignal) =>
    (research ??= webResearch(deps, { ...options, onProgress, signal }));
  const share = (questions: number) =>
    options.resultsPerQuery ?? resultsPerQuestion(options.maxSources, questions);
  return {
    name: 'web',
    // The pages found will need the extractor processes: they start, and load the parser, while the
    // model writes the research plan.
    prepare: () => warmExtractors(),
    foresee(question, knownQuestions, signal) {
      // The plan has at least `knownQuestions` questions, so a question's share is at most this.
      session(signal).foresee(question, share(knownQuestions));
    },
    async find(questions, signal) {
      const found = await session(signal).research(questions, share(questions.length));
      return found.map((s) => ({
        kind: 'web' as const,
        title: s.title || s.finalUrl,
        url: s.finalUrl,
        fetchedAt: s.fetchedAt,
        excerpt: s.excerpt,
        text: clip(s.text),
      }));
    },
  };
}

/** What makes two found sources the same: their page, or their document and passage. */
export const sourceKey = (s: { url?: string | undefined; documentId?: string | undefined; text: string }) =>
  s.url ?? `${s.documentId}:${s.text.slice(0, 200)}`;

/** Numbers the sources 1..n in provider order, dropping repeats of the same passage or page. */
export function numberSources(groups: readonly FoundSource[][]): ArticleSource[] {
  const seen = new Set<string>();
  const out: ArticleSource[] = [];
  for (const source of groups.flat()) {
    const key = sourceKey(source);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ n: out.length + 1, ...source });
  }
  return out;
}
