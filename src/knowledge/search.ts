// Hybrid search: pgvector cosine top-k and PostgreSQL full-text top-k, fused by reciprocal rank
// (k = 60) in one statement. Without pgvector or a query embedding it is full-text only and says so.
import type { Database } from '../db/client.ts';
import { userMatchSql, userTsquerySql } from '../db/text-search.ts';
import { toVectorLiteral } from './vector-columns.ts';

export interface SearchKnowledgeInput {
  workspaceId: string;
  query: string;
  queryEmbedding?: number[];
  limit: number;
  documentIds?: string[];
  tags?: string[];
}

export interface SearchResult {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  text: string;
  headingPath: string[];
  pageStart: number | null;
  pageEnd: number | null;
  score: number;
  vectorRank?: number;
  textRank?: number;
}

export interface SearchOutcome {
  mode: 'hybrid' | 'fulltext';
  results: SearchResult[];
}

const rrfK = 60;
/** Full-text matches ranked per query at most (see the text CTE). */
export const fullTextCandidateCap = 2000;
/** Each retriever contributes this many candidates before fusion. */
const candidatesPer = (limit: number) => Math.max(limit * 4, 40);

interface Row {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  text: string;
  headingPath: string[];
  pageStart: number | null;
  pageEnd: number | null;
  score: number;
  vectorRank: number | null;
  textRank: number | null;
}

export async function searchKnowledge(
  database: Database,
  input: SearchKnowledgeInput,
): Promise<SearchOutcome> {
  const hybrid =
    database.vectorAvailable && input.queryEmbedding !== undefined && input.queryEmbedding.length > 0;
  const params: unknown[] = [
    input.workspaceId,
    input.query,
    candidatesPer(input.limit),
    input.limit,
    input.documentIds ?? null,
    input.tags ?? null,
  ];
  // The filter is applied inside each retriever so top-k is taken over the allowed chunks only.
  const filter = `c.workspace_id = $1
    AND ($5::uuid[] IS NULL OR c.document_id = ANY($5::uuid[]))
    AND ($6::text[] IS NULL OR EXISTS (SELECT 1 FROM documents fd WHERE fd.id = c.document_id AND fd.tags && $6::text[]))`;
  // Ranking is the expensive part of full text: only the first matches the GIN index yields are
  // ranked, so a query of common words costs the same at 10k or 1M chunks.
  const textCte = `t AS (
      SELECT m.id, row_number() OVER (ORDER BY ts_rank_cd(m.tsv, ${userTsquerySql('m', '$2')}) DESC, m.id) AS rank
      FROM (SELECT c.id, c.tsv, c.search_config FROM document_chunks c
            WHERE ${filter} AND ${userMatchSql('c', '$2')} LIMIT ${fullTextCandidateCap}) m
      ORDER BY ts_rank_cd(m.tsv, ${userTsquerySql('m', '$2')}) DESC, m.id LIMIT $3)`;
  let sqlText: string;
  if (hybrid) {
    params.push(toVectorLiteral(input.queryEmbedding ?? []));
    sqlText = `WITH v AS (
        SELECT c.id, row_number() OVER (ORDER BY c.embedding <=> $7::vector) AS rank
        FROM (SELECT c.id, c.embedding FROM document_chunks c
              WHERE ${filter} AND c.embedding IS NOT NULL
              ORDER BY c.embedding <=> $7::vector LIMIT $3) c
      ), ${textCte},
      fused AS (
        SELECT COALESCE(v.id, t.id) AS id, v.rank AS vrank, t.rank AS trank,
          COALESCE(1.0 / (${rrfK} + v.rank), 0) + COALESCE(1.0 / (${rrfK} + t.rank), 0) AS score
        FROM v FULL OUTER JOIN t ON v.id = t.id
      )`;
  } else {
    sqlText = `WITH ${textCte},
      fused AS (SELECT t.id, NULL::bigint AS vrank, t.rank AS trank, 1.0 / (${rrfK} + t.rank) AS score FROM t)`;
  }
  sqlText += `
    SELECT c.id AS "chunkId", c.document_id AS "documentId", d.title AS "documentTitle", c.raw_text AS text,
      c.heading_path AS "headingPath", c.page_start AS "pageStart", c.page_end AS "pageEnd",
      f.score::float8 AS score, f.vrank::int AS "vectorRank", f.trank::int AS "textRank"
    FROM fused f JOIN document_chunks c ON c.id = f.id JOIN documents d ON d.id = c.document_id
    WHERE d.workspace_id = $1
    ORDER BY f.score DESC, c.id LIMIT $4`;
  const r = await database.query<Row>(sqlText, params);
  return {
    mode: hybrid ? 'hybrid' : 'fulltext',
    results: r.rows.map((row) => ({
      chunkId: row.chunkId,
      documentId: row.documentId,
      documentTitle: row.documentTitle,
      text: row.text,
      headingPath: row.headingPath,
      pageStart: row.pageStart,
      pageEnd: row.pageEnd,
      score: Number(row.score),
      ...(row.vectorRank != null ? { vectorRank: row.vectorRank } : {}),
      ...(row.textRank != null ? { textRank: row.textRank } : {}),
    })),
  };
}
