// Hybrid search: pgvector cosine top-k and PostgreSQL full-text top-k, fused by reciprocal rank
// (passage-store.ts's `rankedPassages`). Without pgvector or a query embedding it is full-text
// only and says so.
import type { Database } from '../db/client.ts';
import { libraryTextConfigs } from './document-store.ts';
import { rankedPassages } from './passage-store.ts';
import { searchedTags } from './tags.ts';

export { fullTextCandidateCap } from './passage-store.ts';

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

/** Each retriever contributes this many candidates before fusion. */
const candidatesPer = (limit: number) => Math.max(limit * 4, 40);

export async function searchKnowledge(
  database: Database,
  input: SearchKnowledgeInput,
): Promise<SearchOutcome> {
  const hybrid =
    database.vectorAvailable && input.queryEmbedding !== undefined && input.queryEmbedding.length > 0;
  const rows = await rankedPassages(database, {
    workspaceId: input.workspaceId,
    query: input.query,
    queryEmbedding: hybrid ? input.queryEmbedding : undefined,
    candidates: candidatesPer(input.limit),
    limit: input.limit,
    documentIds: input.documentIds,
    tags: input.tags && searchedTags(input.tags),
    textConfigs: await libraryTextConfigs(database, input.workspaceId),
  });
  return {
    mode: hybrid ? 'hybrid' : 'fulltext',
    results: rows.map((row) => ({
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
