// Library passages most similar to a text, for the originality check: embedding cosine (when
// pgvector and an embedding are available) combined with 5-word-shingle Jaccard over candidates
// prefiltered by full-text search.
import type { z } from 'zod';
import type { Database } from '../db/client.ts';
import { userMatchSql, userTsquerySql } from '../db/text-search.ts';
import type { similarPassage } from '../server/routes/knowledge-schemas.ts';
import { englishStopWords } from '../writing/words.ts';
import { toVectorLiteral } from './vector-columns.ts';

/** A passage like the text: `cosine` is absent without vectors, `shingleJaccard` is 0..1. */
export type SimilarPassage = z.infer<typeof similarPassage>;

const shingleSize = 5;

export function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  if (words.length < shingleSize) {
    if (words.length > 0) out.add(words.join(' '));
    return out;
  }
  for (let i = 0; i + shingleSize <= words.length; i++) out.add(words.slice(i, i + shingleSize).join(' '));
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const s of a) if (b.has(s)) inter++;
  return inter / (a.size + b.size - inter);
}

const maxQueryWords = 64;

/** The text's distinct content words as a websearch_to_tsquery "a or b or c" ("or" is a stop word). */
export function anyWordQuery(text: string): string {
  const words = new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  return [...words]
    .filter((w) => !englishStopWords.has(w))
    .slice(0, maxQueryWords)
    .join(' or ');
}

// A candidate as the query returns it: the passage before scoring (cosine is null without vectors).
type Row = Omit<SimilarPassage, 'score' | 'shingleJaccard' | 'cosine'> & { cosine: number | null };

export async function findSimilar(
  database: Database,
  input: { workspaceId: string; text: string; embedding?: number[]; limit: number },
): Promise<SimilarPassage[]> {
  const candidates = Math.max(input.limit * 10, 50);
  const select = `SELECT c.id AS "chunkId", c.document_id AS "documentId", d.title AS "documentTitle",
      c.raw_text AS text, c.page_start AS "pageStart", c.page_end AS "pageEnd"`;
  const from = 'FROM document_chunks c JOIN documents d ON d.id = c.document_id';
  // Full-text prefilter: any of the text's words (OR), so paraphrased overlap still qualifies. The
  // query is built by websearch_to_tsquery from plain words joined by "or": user text never
  // reaches tsquery syntax ("example.com:8080" was a syntax error as raw to_tsquery input).
  const textRows = await database.query<Row>(
    `${select}, NULL::float8 AS cosine ${from}
     WHERE c.workspace_id = $1 AND ${userMatchSql('c', '$2')}
     ORDER BY ts_rank_cd(c.tsv, ${userTsquerySql('c', '$2')}) DESC LIMIT $3`,
    [input.workspaceId, anyWordQuery(input.text), candidates],
  );
  const byId = new Map<string, Row>(textRows.rows.map((r) => [r.chunkId, r]));
  if (database.vectorAvailable && input.embedding && input.embedding.length > 0) {
    const vectorRows = await database.query<Row>(
      `${select}, (1 - (c.embedding <=> $2::vector))::float8 AS cosine ${from}
       WHERE c.workspace_id = $1 AND c.embedding IS NOT NULL
       ORDER BY c.embedding <=> $2::vector LIMIT $3`,
      [input.workspaceId, toVectorLiteral(input.embedding), candidates],
    );
    for (const r of vectorRows.rows) byId.set(r.chunkId, r);
  }
  const mine = shingles(input.text);
  return [...byId.values()]
    .map((r) => {
      const shingleJaccard = jaccard(mine, shingles(r.text));
      const cosine = r.cosine == null ? undefined : Number(r.cosine);
      return {
        chunkId: r.chunkId,
        documentId: r.documentId,
        documentTitle: r.documentTitle,
        text: r.text,
        pageStart: r.pageStart,
        pageEnd: r.pageEnd,
        ...(cosine === undefined ? {} : { cosine }),
        shingleJaccard,
        // Copied wording (shingles) dominates; meaning (cosine) breaks ties and finds paraphrase.
        score: cosine === undefined ? shingleJaccard : Math.max(shingleJaccard, cosine * 0.9),
      };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, input.limit);
}
