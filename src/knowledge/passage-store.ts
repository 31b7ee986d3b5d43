// Reading passages (chunks with their document's title) back for search and the originality
// check. Raw SQL on purpose: pgvector distance, full-text ranking and the rank fusion are
// PostgreSQL features Drizzle's builder would only wrap.
import type { Database } from '../db/client.ts';
import { searchableQuery, userMatchSql, userTsquerySql } from '../db/text-search.ts';
import { toVectorLiteral } from './vector-columns.ts';

const rrfK = 60;
/** Full-text matches ranked per query at most (see the text CTE). */
export const fullTextCandidateCap = 2000;

export interface RankedPassageRow {
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

export interface RankedPassageQuery {
  workspaceId: string;
  query: string;
  /** Present: hybrid (vector and full text fused); absent: full text only. */
  queryEmbedding?: number[] | undefined;
  /** Candidates each retriever contributes before fusion. */
  candidates: number;
  limit: number;
  documentIds?: string[] | undefined;
  tags?: string[] | undefined;
  /** The text-search configurations the workspace's passages are stemmed with (`libraryTextConfigs`). */
  textConfigs: readonly string[];
}

/**
 * The best passages by reciprocal-rank fusion (k = 60) of pgvector cosine top-k and full-text
 * top-k, in one statement; full text alone without a query embedding.
 */
export async function rankedPassages(
  database: Database,
  input: RankedPassageQuery,
): Promise<RankedPassageRow[]> {
  const params: unknown[] = [
    input.workspaceId,
    searchableQuery(input.query),
    input.candidates,
    input.limit,
    input.documentIds ?? null,
    input.tags ?? null,
  ];
  // The filter is applied inside each retriever so top-k is taken over the allowed chunks only.
  // Tags match as folded here or by the database's lower() (tags.ts `searchedTags`).
  const filter = `c.workspace_id = $1
    AND ($5::uuid[] IS NULL OR c.document_id = ANY($5::uuid[]))
    AND ($6::text[] IS NULL OR EXISTS (SELECT 1 FROM documents fd WHERE fd.id = c.document_id AND fd.tags && ($6::text[] || ARRAY(SELECT lower(normalize(t, NFC)) FROM unnest($6::text[]) AS q(t)))))`;
  // Ranking is the expensive part of full text: only the first matches the GIN index yields are
  // ranked, so a query of common words costs the same at 10k or 1M chunks.
  const configs = input.textConfigs;
  const rankBy = `ts_rank_cd(m.tsv, ${userTsquerySql('m', '$2', configs)}) DESC, m.id`;
  const textCte = `t AS (
      SELECT m.id, row_number() OVER (ORDER BY ${rankBy}) AS rank
      FROM (SELECT c.id, c.tsv, c.search_config FROM document_chunks c
            WHERE ${filter} AND ${userMatchSql('c', '$2', configs)} LIMIT ${fullTextCandidateCap}) m
      ORDER BY ${rankBy} LIMIT $3)`;
  let sqlText: string;
  if (input.queryEmbedding) {
    params.push(toVectorLiteral(input.queryEmbedding));
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
  // Planned per call: whether the words are common or rare decides the plan (Database.queryPlannedPerCall).
  return (await database.queryPlannedPerCall<RankedPassageRow>(sqlText, params)).rows;
}

/** A candidate for the originality check; `cosine` is null when it was found by words alone. */
export interface CandidatePassageRow {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  text: string;
  pageStart: number | null;
  pageEnd: number | null;
  cosine: number | null;
}

const candidateColumns = `SELECT c.id AS "chunkId", c.document_id AS "documentId", d.title AS "documentTitle",
      c.raw_text AS text, c.page_start AS "pageStart", c.page_end AS "pageEnd"`;
const candidateSource = 'FROM document_chunks c JOIN documents d ON d.id = c.document_id';

/**
 * Passages matching any of the words of a websearch_to_tsquery "a or b or c" query, those sharing
 * the most first among the first `fullTextCandidateCap` matches (as search ranks them: "any word"
 * matches most of a large library, and ranking every match took 3 s at 200k chunks). Ranked by
 * word frequency (`ts_rank`), not cover density: with tens of words cover density cost 4× as much
 * and the shingles, not the ranking, decide what is similar. Built from plain words, user text
 * never reaches tsquery syntax ("example.com:8080" was a syntax error as raw to_tsquery input).
 */
export async function passagesSharingWords(
  database: Database,
  input: { workspaceId: string; anyWordQuery: string; limit: number; textConfigs: readonly string[] },
): Promise<CandidatePassageRow[]> {
  const configs = input.textConfigs;
  const r = await database.queryPlannedPerCall<CandidatePassageRow>(
    `${candidateColumns}, NULL::float8 AS cosine
     FROM (SELECT c.id, c.tsv, c.search_config FROM document_chunks c
           WHERE c.workspace_id = $1 AND ${userMatchSql('c', '$2', configs)} LIMIT ${fullTextCandidateCap}) m
     JOIN document_chunks c ON c.id = m.id JOIN documents d ON d.id = c.document_id
     ORDER BY ts_rank(m.tsv, ${userTsquerySql('m', '$2', configs)}) DESC, c.id LIMIT $3`,
    [input.workspaceId, searchableQuery(input.anyWordQuery), input.limit],
  );
  return r.rows;
}

/**
 * The passages nearest to an embedding by cosine distance. A zero vector (an embedder's answer for
 * text it has nothing for) has no direction: its cosine is NaN, answered as none (NULL).
 */
export async function passagesNearVector(
  database: Database,
  input: { workspaceId: string; embedding: number[]; limit: number },
): Promise<CandidatePassageRow[]> {
  const r = await database.query<CandidatePassageRow>(
    `${candidateColumns}, nullif((1 - (c.embedding <=> $2::vector))::float8, 'NaN') AS cosine ${candidateSource}
     WHERE c.workspace_id = $1 AND c.embedding IS NOT NULL
     ORDER BY c.embedding <=> $2::vector LIMIT $3`,
    [input.workspaceId, toVectorLiteral(input.embedding), input.limit],
  );
  return r.rows;
}

/** A document's passages in reading order, as stored (the text before search normalisation). */
export interface DocumentPassageRow {
  index: number;
  text: string;
  headingPath: string[];
  pageStart: number | null;
  pageEnd: number | null;
}

/** One page of a document's passages after `afterIndex` (keyset on the chunk index). */
export async function documentPassages(
  database: Database,
  input: { workspaceId: string; documentId: string; afterIndex: number; limit: number },
): Promise<DocumentPassageRow[]> {
  const r = await database.query<DocumentPassageRow>(
    `SELECT c.index, c.raw_text AS text, c.heading_path AS "headingPath", c.page_start AS "pageStart",
       c.page_end AS "pageEnd"
     FROM document_chunks c
     WHERE c.workspace_id = $1 AND c.document_id = $2 AND c.index > $3
     ORDER BY c.index LIMIT $4`,
    [input.workspaceId, input.documentId, input.afterIndex, input.limit],
  );
  return r.rows;
}
