// Start-up preparation of vector search: the `embedding vector(N)` column and its HNSW index are
// added once pgvector is known to be installed, with N = EMBEDDING_DIMENSIONS. A column created
// earlier with another width is left alone (changing it would drop every stored vector); its
// actual width is what ingestion and search check vectors against.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { refreshStatsIfGrown } from '../db/embedded-autovacuum.ts';
import { ensureVectorColumns } from './vector-columns.ts';

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
 * the column width in effect (null without pgvector).
 */
export async function prepareVectorSearch(
  database: Database,
  dimensions: number,
  logger: Pick<Logger, 'warn'>,
): Promise<number | null> {
  await refreshStatsIfGrown(database, 'knowledge');
  if (!database.vectorAvailable) return null;
  await ensureVectorColumns(database, dimensions);
  widths.delete(database);
  const actual = await vectorColumnDimensions(database);
  if (actual !== null && actual !== dimensions) {
    logger.warn(
      { column: actual, configured: dimensions },
      `EMBEDDING_DIMENSIONS is ${dimensions} but the stored embedding column holds ${actual} dimensions: ` +
        'documents are embedded only while the model returns vectors of the stored width',
    );
  }
  return actual;
}
