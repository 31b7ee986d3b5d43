// The embedding column lives outside drizzle-kit migrations (PostgreSQL here has no pgvector);
// it is added at runtime, idempotently, once the embedder's dimension is known.
import type { Database } from '../db/client.ts';

export async function ensureVectorColumns(database: Database, dimensions: number): Promise<boolean> {
  if (!database.vectorAvailable) return false;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000) {
    throw new Error(`invalid embedding dimension ${dimensions}`);
  }
  await database.exec(
    `ALTER TABLE document_chunks ADD COLUMN IF NOT EXISTS embedding vector(${dimensions});
     CREATE INDEX IF NOT EXISTS document_chunks_embedding_idx ON document_chunks USING hnsw (embedding vector_cosine_ops);`,
  );
  return true;
}

/** pgvector's text input form. */
export function toVectorLiteral(v: number[]): string {
  return `[${v.join(',')}]`;
}
