// Start-up preparation of vector search: the `embedding vector(N)` column and its HNSW index are
// added once pgvector is known to be installed, with N = EMBEDDING_DIMENSIONS. A column created
// earlier with another width is given the new one while it holds no vector, else left alone
// (changing it would drop every stored vector); its actual width is what ingestion and search
// check vectors against.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { refreshStatsIfGrown } from '../db/embedded-autovacuum.ts';
import { expectedWidth, widthMismatch } from '../llm/embedding-width.ts';
import type { ModelRef } from '../llm/model-ref.ts';
import { ensureVectorColumns, resizeEmptyVectorColumn } from './vector-columns.ts';

const widths = new WeakMap<Database, number | null>();

/** The width of `document_chunks.embedding`, or null when the column does not exist. */
export async function vectorColumnDimensions(database: Database): Promise<number | null> {
  if (!database.vectorAvailable) return null;
  const known = widths.get(database);
  if (known !== undefined) return known;
  const r = await database.query<{ dims: number }>(
    `SELECT atttypmod AS dims FROM pg_attribute
     WHERE attrelid = 'document_chunks'::regclass AND attname = 'embedding' AND NOT attisdropped`,
  );
  const dims = r.rows[0] ? Number(r.rows[0].dims) : null;
  const width = dims !== null && dims > 0 ? dims : null;
  widths.set(database, width);
  return width;
}

/**
 * Called once per process after migrations (also analyzes a PGlite library grown since its statistics); returns
 * the column width in effect (null without pgvector). `embedder`: the environment's embedding model,
 * whose width, when known, is checked against the column's so a mismatch is said at start rather
 * than on every document.
 */
export async function prepareVectorSearch(
  database: Database,
  dimensions: number,
  logger: Pick<Logger, 'warn' | 'info'>,
  embedder?: ModelRef,
): Promise<number | null> {
  await refreshStatsIfGrown(database, 'knowledge');
  if (!database.vectorAvailable) return null;
  await ensureVectorColumns(database, dimensions);
  widths.delete(database);
  const found = await vectorColumnDimensions(database);
  if (found !== null && found !== dimensions) {
    await resizeEmptyVectorColumn(database, dimensions);
    widths.delete(database);
  }
  const actual = await vectorColumnDimensions(database);
  if (found !== actual)
    logger.info(
      { from: found, to: actual },
      `The embedding column held no vectors: re-created with EMBEDDING_DIMENSIONS=${dimensions} (it had ${found})`,
    );
  else if (actual !== null && actual !== dimensions)
    logger.warn(
      { column: actual, configured: dimensions },
      `EMBEDDING_DIMENSIONS is ${dimensions} but the stored embedding column holds vectors of ${actual} dimensions ` +
        '(kept): documents are embedded only while the model returns vectors of the stored width',
    );
  if (embedder && actual !== null) {
    const gives = expectedWidth(embedder, actual);
    if (gives && gives.width !== actual)
      logger.warn(
        { model: embedder.id, gives: gives.width, column: actual },
        `Documents will not be embedded: ${widthMismatch(embedder.id, gives, actual)}. They stay searchable by full text`,
      );
  }
  return actual;
}
