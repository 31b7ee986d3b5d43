// Persistence of parsed documents. Every function takes the workspace explicitly and filters by
// it, so a caller cannot reach another workspace's library by id.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { documentChunks, documents } from '../db/schema/knowledge.ts';
import type { Chunk, DocumentType } from './types.ts';
import { toVectorLiteral } from './vector-columns.ts';

export interface DocumentRow {
  id: string;
  workspaceId: string;
  title: string;
  type: string;
  sourceKind: 'upload' | 'url';
  sourceUrl: string | null;
  filename: string | null;
  contentHash: string;
  byteSize: number;
  pageCount: number | null;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  progress: number;
  error: string | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SaveDocumentInput {
  workspaceId: string;
  title: string;
  type: DocumentType;
  sourceKind: 'upload' | 'url';
  sourceUrl?: string;
  filename?: string;
  contentHash: string;
  byteSize: number;
  pageCount?: number;
  tags?: string[];
  chunks: Chunk[];
  /** One per chunk, same order; omitted when no embedder or no pgvector. */
  embeddings?: number[][];
}

const insertBatch = 500;

const columns = `id, workspace_id AS "workspaceId", title, type, source_kind AS "sourceKind",
  source_url AS "sourceUrl", filename, content_hash AS "contentHash", byte_size AS "byteSize",
  page_count AS "pageCount", status, progress, error, tags, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Stores a document and its chunks in one transaction; the same content twice is a no-op. */
export async function saveDocument(
  database: Database,
  input: SaveDocumentInput,
): Promise<{ document: DocumentRow; created: boolean }> {
  const existing = await findByHash(database, input.workspaceId, input.contentHash);
  if (existing) return { document: existing, created: false };
  if (input.embeddings && input.embeddings.length !== input.chunks.length) {
    throw new Error('one embedding per chunk expected');
  }
  const withVectors = Boolean(input.embeddings && database.vectorAvailable);
  // Drizzle's transaction pins one connection (a pool would scatter BEGIN/COMMIT across clients).
  await database.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(documents)
      .values({
        workspaceId: input.workspaceId,
        title: input.title,
        type: input.type,
        sourceKind: input.sourceKind,
        sourceUrl: input.sourceUrl ?? null,
        filename: input.filename ?? null,
        contentHash: input.contentHash,
        byteSize: input.byteSize,
        pageCount: input.pageCount ?? null,
        status: 'ready',
        progress: 100,
        tags: input.tags ?? [],
      })
      .onConflictDoNothing()
      .returning({ id: documents.id });
    const documentId = inserted[0]?.id;
    if (!documentId || input.chunks.length === 0) return;
    for (let start = 0; start < input.chunks.length; start += insertBatch) {
      const batch = input.chunks.slice(start, start + insertBatch);
      const rows = await tx
        .insert(documentChunks)
        .values(
          batch.map((c) => ({
            workspaceId: input.workspaceId,
            documentId,
            index: c.index,
            text: c.text,
            rawText: c.rawText,
            tokenCount: c.tokenCount,
            headingPath: c.headingPath,
            pageStart: c.pageStart ?? null,
            pageEnd: c.pageEnd ?? null,
            contentHash: c.contentHash,
          })),
        )
        .returning({ id: documentChunks.id });
      if (!withVectors || !input.embeddings) continue;
      const vectors = input.embeddings.slice(start, start + batch.length);
      // One JSON parameter: Drizzle's sql template would expand a JS array into a value list.
      const pairs = JSON.stringify(rows.map((r, i) => ({ id: r.id, e: toVectorLiteral(vectors[i] ?? []) })));
      await tx.execute(
        sql`UPDATE document_chunks c SET embedding = v.e::vector
            FROM json_to_recordset(${pairs}::json) AS v(id uuid, e text) WHERE c.id = v.id`,
      );
    }
  });
  const document = await findByHash(database, input.workspaceId, input.contentHash);
  if (!document) throw new Error('document vanished after insert');
  return { document, created: true };
}

async function findByHash(
  database: Database,
  workspaceId: string,
  hash: string,
): Promise<DocumentRow | undefined> {
  const r = await database.query<DocumentRow>(
    `SELECT ${columns} FROM documents WHERE workspace_id = $1 AND content_hash = $2`,
    [workspaceId, hash],
  );
  return r.rows[0];
}

export async function getDocument(
  database: Database,
  workspaceId: string,
  id: string,
): Promise<DocumentRow | undefined> {
  const r = await database.query<DocumentRow>(
    `SELECT ${columns} FROM documents WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return r.rows[0];
}

export async function listDocuments(database: Database, workspaceId: string): Promise<DocumentRow[]> {
  const r = await database.query<DocumentRow>(
    `SELECT ${columns} FROM documents WHERE workspace_id = $1 ORDER BY created_at DESC, id`,
    [workspaceId],
  );
  return r.rows;
}

/** Chunks (and their vectors, same rows) go with the document by ON DELETE CASCADE. */
export async function deleteDocument(database: Database, workspaceId: string, id: string): Promise<boolean> {
  const r = await database.query<{ id: string }>(
    'DELETE FROM documents WHERE workspace_id = $1 AND id = $2 RETURNING id',
    [workspaceId, id],
  );
  return r.rows.length > 0;
}
