// Persistence of parsed documents. Every function takes the workspace explicitly and filters by
// it, so a caller cannot reach another workspace's library by id.
import { desc, eq, lt, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database, Db } from '../db/client.ts';
import { documentChunks, documents } from '../db/schema/knowledge.ts';
import { chunksLanguage } from './detect-language.ts';
import type { Chunk, DocumentType } from './types.ts';
import { toVectorLiteral } from './vector-columns.ts';

export interface DocumentRow {
  id: string;
  workspaceId: string;
  title: string;
  type: DocumentType;
  sourceKind: 'upload' | 'url';
  sourceUrl: string | null;
  filename: string | null;
  contentHash: string;
  byteSize: number;
  pageCount: number | null;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  progress: number;
  error: string | null;
  /** What ingestion skipped without failing, e.g. embeddings without an embedding model. */
  note: string | null;
  chunkCount: number;
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
  page_count AS "pageCount", status, progress, error, note, chunk_count AS "chunkCount", tags, created_at AS "createdAt", updated_at AS "updatedAt"`;

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
  const language = chunksLanguage(input.chunks);
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
        language,
      })
      .onConflictDoNothing()
      .returning({ id: documents.id });
    const documentId = inserted[0]?.id;
    if (!documentId || input.chunks.length === 0) return;
    await insertChunks(tx, {
      workspaceId: input.workspaceId,
      documentId,
      chunks: input.chunks,
      embeddings: withVectors ? input.embeddings : undefined,
      language,
    });
    await tx.update(documents).set({ chunkCount: input.chunks.length }).where(eq(documents.id, documentId));
  });
  const document = await findByHash(database, input.workspaceId, input.contentHash);
  if (!document) throw new Error('document vanished after insert');
  return { document, created: true };
}

export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Inserts a document's chunks (and, when given, their vectors: the caller checks pgvector) in
 * batches inside the caller's transaction.
 */
export async function insertChunks(
  tx: Transaction,
  input: {
    workspaceId: string;
    documentId: string;
    chunks: Chunk[];
    embeddings?: number[][] | undefined;
    /** BCP 47 tag of the text: its chunks are stemmed for search in that language. */
    language: string;
  },
): Promise<void> {
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

export async function findByHash(
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

export type DocumentStatus = DocumentRow['status'];

/** One page of the workspace's documents, newest first (keyset on created_at). */
export async function listDocumentPage(
  database: Database,
  workspaceId: string,
  page: { limit: number; before?: Date | undefined; status?: DocumentStatus | undefined },
): Promise<DocumentRow[]> {
  const rows = await database.db
    .select(documentColumns)
    .from(documents)
    .where(
      inWorkspace(
        { workspaceId },
        documents,
        page.before ? lt(documents.createdAt, page.before) : undefined,
        page.status ? eq(documents.status, page.status) : undefined,
      ),
    )
    .orderBy(desc(documents.createdAt), desc(documents.id))
    .limit(page.limit);
  return rows as DocumentRow[];
}

const documentColumns = {
  id: documents.id,
  workspaceId: documents.workspaceId,
  title: documents.title,
  type: documents.type,
  sourceKind: documents.sourceKind,
  sourceUrl: documents.sourceUrl,
  filename: documents.filename,
  contentHash: documents.contentHash,
  byteSize: documents.byteSize,
  pageCount: documents.pageCount,
  status: documents.status,
  progress: documents.progress,
  error: documents.error,
  note: documents.note,
  chunkCount: documents.chunkCount,
  tags: documents.tags,
  createdAt: documents.createdAt,
  updatedAt: documents.updatedAt,
};
