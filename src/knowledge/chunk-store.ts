// Writing a document's chunks and their vectors (`document_chunks`). Reading them back is
// passage-store.ts's (search and similar passages).
import { sql } from 'drizzle-orm';
import type { Transaction } from '../db/client.ts';
import { documentChunks } from '../db/schema/knowledge.ts';
import type { Chunk } from './types.ts';
import { toVectorLiteral } from './vector-columns.ts';

export interface ChunkRows {
  workspaceId: string;
  documentId: string;
  chunks: Chunk[];
  /** One per chunk, same order; omitted when no embedder or no pgvector (the caller checks). */
  embeddings?: number[][] | undefined;
  /** BCP 47 tag of the text: its chunks are stemmed for search in that language. */
  language: string;
}

const insertBatch = 500;

/** Inserts the chunks (and, when given, their vectors) in batches inside the caller's transaction. */
export async function insertChunks(tx: Transaction, input: ChunkRows): Promise<void> {
  const { workspaceId, documentId, language } = input;
  for (let start = 0; start < input.chunks.length; start += insertBatch) {
    const batch = input.chunks.slice(start, start + insertBatch);
    const rows = await tx
      .insert(documentChunks)
      .values(
        batch.map((c) => ({
          workspaceId,
          documentId,
          index: c.index,
          text: c.text,
          rawText: c.rawText,
          tokenCount: c.tokenCount,
          headingPath: c.headingPath,
          pageStart: c.pageStart ?? null,
          pageEnd: c.pageEnd ?? null,
          contentHash: c.contentHash,
          language,
        })),
      )
      .returning({ id: documentChunks.id });
    if (!input.embeddings) continue;
    const vectors = input.embeddings.slice(start, start + batch.length);
    // One JSON parameter: Drizzle's sql template would expand a JS array into a value list.
    const pairs = JSON.stringify(rows.map((r, i) => ({ id: r.id, e: toVectorLiteral(vectors[i] ?? []) })));
    await tx.execute(
      sql`UPDATE document_chunks c SET embedding = v.e::vector
          FROM json_to_recordset(${pairs}::json) AS v(id uuid, e text) WHERE c.id = v.id`,
    );
  }
}
