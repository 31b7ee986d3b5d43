// The originality check's CPU work, run in a worker process (originality-pool.ts): the article's
// prose against its sources, the candidate articles and library passages the database found.
import type { z } from 'zod';
import { searchWordRanges } from '../../db/text-search.ts';
import { jaccard, shingles } from '../../knowledge/shingles.ts';
import type { copiedSpanView, originalityView } from '../../server/routes/article-schemas.ts';
import { copiedSpans } from '../../writing/copied-spans.ts';
import { proseWords } from '../../writing/prose-words.ts';

export type OriginalityReport = z.infer<typeof originalityView>;
type CopiedSpanView = z.infer<typeof copiedSpanView>;

export interface OriginalityTask {
  markdown: string;
  sources: Array<{ n: number | null; title: string; url?: string | undefined; text: string }>;
  articles: Array<{ id: string; title: string; markdown: string }>;
  passages: Array<{ documentId: string; documentTitle: string; text: string }>;
}

export const maxSpans = 100;
const maxMatched = 1000;
const maxSimilarArticles = 10;

interface Origin {
  words: string[];
  starts: number[];
  ends: number[];
  text: string;
  of:
    | Pick<Extract<CopiedSpanView, { kind: 'source' }>, 'kind' | 'source'>
    | Pick<Extract<CopiedSpanView, { kind: 'article' }>, 'kind' | 'article'>
    | Pick<Extract<CopiedSpanView, { kind: 'document' }>, 'kind' | 'libraryDocument'>;
}

const clipped = (text: string) => (text.length <= maxMatched ? text : `${text.slice(0, maxMatched - 1)}…`);

export function compareOriginality(task: OriginalityTask): OriginalityReport {
  const prose = proseWords(task.markdown);
  const articleProse = task.articles.map((a) => proseWords(a.markdown));
  const origins: Origin[] = [
    ...task.sources.map((s) => ({
      ...searchWordRanges(s.text),
      text: s.text,
      of: {
        kind: 'source' as const,
        source: { n: s.n, title: s.title, ...(s.url === undefined ? {} : { url: s.url }) },
      },
    })),
    ...task.articles.map((a, i) => {
      const { words, starts, ends, plain } = articleProse[i]!;
      return {
        words,
        starts,
        ends,
        text: plain,
        of: { kind: 'article' as const, article: { id: a.id, title: a.title } },
      };
    }),
    ...task.passages.map((p) => ({
      ...searchWordRanges(p.text),
      text: p.text,
      of: { kind: 'document' as const, libraryDocument: { id: p.documentId, title: p.documentTitle } },
    })),
  ];
  // A word changed in a copied sentence leaves it one span; a new paragraph or quotation starts another.
  const joinable = (last: number, next: number) =>
    prose.quoted[last] === prose.quoted[next] &&
    !prose.plain.slice(prose.ends[last], prose.starts[next]).includes('\n');
  const found = copiedSpans(
    prose.words,
    origins.map((o) => o.words),
    { joinable },
  );
  const copied = new Uint8Array(prose.words.length);
  const quotedOnly = new Uint8Array(prose.words.length);
  const spans = found.map((span) => {
    let quotedWords = 0;
    for (let w = span.from; w < span.to; w++) quotedWords += prose.quoted[w]!;
    const quoted = quotedWords * 2 >= span.to - span.from;
    (quoted ? quotedOnly : copied).fill(1, span.from, span.to);
    return { span, quoted };
  });
  let copiedWords = 0;
  let quotedWords = 0;
  for (let w = 0; w < prose.words.length; w++) {
    if (copied[w]) copiedWords++;
    else if (quotedOnly[w]) quotedWords++;
  }
  const shown = spans
    .toSorted((a, b) => b.span.to - b.span.from - (a.span.to - a.span.from))
    .slice(0, maxSpans)
    .sort((a, b) => a.span.from - b.span.from);
  const mine = shingles(prose.plain);
  const totalWords = prose.words.length;
  return {
    score: totalWords === 0 ? 1 : 1 - copiedWords / totalWords,
    totalWords,
    copiedWords,
    quotedWords,
    spans: shown.map(({ span, quoted }): CopiedSpanView => {
      const origin = origins[span.origin]!;
      const first = prose.sentences[prose.sentence[span.from]!]!;
      const last = prose.sentences[prose.sentence[span.to - 1]!]!;
      return {
        ...origin.of,
        text: task.markdown.slice(first.start, last.end),
        start: first.start,
        end: last.end,
        copied: prose.plain.slice(prose.starts[span.from], prose.ends[span.to - 1]),
        words: span.to - span.from,
        quoted,
        matched: clipped(origin.text.slice(origin.starts[span.originFrom], origin.ends[span.originTo - 1])),
      };
    }),
    spansLeftOut: spans.length - shown.length,
    similarArticles: task.articles
      .map((a, i) => ({ id: a.id, title: a.title, jaccard: jaccard(mine, shingles(articleProse[i]!.plain)) }))
      .filter((a) => a.jaccard > 0)
      .sort((a, b) => b.jaccard - a.jaccard)
      .slice(0, maxSimilarArticles),
    compared: {
      sources: task.sources.length,
      articles: task.articles.length,
      passages: task.passages.length,
    },
  };
}
