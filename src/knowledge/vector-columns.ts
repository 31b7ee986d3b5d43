// The embedding column lives outside drizzle-kit migrations (PostgreSQL here has no pgvector);
// it is added at runtime, idempotently, once the embedder's dimension is known.
import type { Database } from '../db/client.ts';
import { maxEmbeddingDimensions } from '../llm/embedding-width.ts';

function checkedWidth(dimensions: number): number {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > maxEmbeddingDimensions) {
    throw new Error(
      `invalid embedding dimension ${dimensions}: 1 to ${maxEmbeddingDimensions} (pgvector's HNSW index holds no wider vectors)`,
    );
  }
  return dimensions;
}

export async function ensureVectorColumns(database: Database, dimensions: number): Promise<boolean> {
  if (!database.vectorAvailable) return false;
  const width = checkedWidth(dimensions);
  await database.exec(
    `ALTER TABLE document_chunks ADD COLUMN IF NOT EXISTS embedding vector(${width});
     CREATE INDEX IF NOT EXISTS document_chunks_embedding_idx ON document_chunks USING hnsw (embedding vector_cosine_ops);`,
  );
  return true;
}

/**
 * Gives the embedding column `dimensions` when it has another width and holds no vector: nothing
 * is lost, and a library whose model never matched the column can start embedding. Under a lock,
 * so a vector stored meanwhile (or another process doing the same) is seen. A column that holds
 * vectors is left alone.
 */
export async function resizeEmptyVectorColumn(database: Database, dimensions: number): Promise<void> {
  if (!database.vectorAvailable) return;
  const width = checkedWidth(dimensions);
  await database.exec(
    `DO $$
     BEGIN
       LOCK TABLE document_chunks IN ACCESS EXCLUSIVE MODE;
       IF (SELECT atttypmod FROM pg_attribute
           WHERE attrelid = 'document_chunks'::regclass AND attname = 'embedding' AND NOT attisdropped)
            IS DISTINCT FROM ${width}
          AND NOT EXISTS (SELECT 1 FROM document_chunks WHERE embedding IS NOT NULL) THEN
         ALTER TABLE document_chunks DROP COLUMN IF EXISTS embedding;
         ALTER TABLE document_chunks ADD COLUMN embedding vector(${width});
         CREATE INDEX document_chunks_embedding_idx ON document_chunks USING hnsw (embedding vector_cosine_ops);
       END IF;
     END $$;`,
  );
}

/** pgvector's text input form. */
export function toVectorLiteral(v: number[]): string {
  return `[${v.join(',')}]`;
}
