// The queries on `documents` and `document_blobs` but the ingestion job's (processing-store.ts).
// Functions that take a workspace filter by it, so a caller cannot reach another workspace's
// library by id.
import { asc, desc, eq, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database, Transaction } from '../db/client.ts';
import { workspaceDistinctValuesSql } from '../db/distinct-values.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { after, createdMicrosOf, newestFirst, type PagePosition } from '../db/keyset.ts';
import { documentBlobs, documents } from '../db/schema/knowledge.ts';
import { searchConfigsFor } from '../db/text-search.ts';
import { type ChunkRows, insertChunks } from './chunk-store.ts';
import { chunksLanguage } from './detect-language.ts';
import type { DocumentStatus, DocumentType } from './types.ts';

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
  status: DocumentStatus;
  progress: number;
  error: string | null;
  /** What ingestion skipped without failing, e.g. embeddings without an embedding model. */
  note: string | null;
  chunkCount: number;
  /** BCP 47 primary tag detected from the text at ingestion; null until parsed. */
  language: string | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type { DocumentStatus };

/** The columns of a document row as services see it (DocumentRow). */
export const documentColumns = {
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
  language: documents.language,
  tags: documents.tags,
  createdAt: documents.createdAt,
  updatedAt: documents.updatedAt,
};

/** What a new document row says about its file (the rest starts at its defaults). */
export interface NewDocument {
  workspaceId: string;
  title: string;
  type: DocumentType;
  sourceKind: 'upload' | 'url';
  sourceUrl?: string | undefined;
  filename?: string | undefined;
  contentHash: string;
  byteSize: number;
  pageCount?: number | undefined;
  tags?: string[] | undefined;
}

const documentValues = (d: NewDocument) => ({
  workspaceId: d.workspaceId,
  title: d.title,
  type: d.type,
  sourceKind: d.sourceKind,
  sourceUrl: d.sourceUrl ?? null,
  filename: d.filename ?? null,
  contentHash: d.contentHash,
  byteSize: d.byteSize,
  pageCount: d.pageCount ?? null,
  tags: d.tags ?? [],
});

export async function findByHash(
  database: Database,
  workspaceId: string,
  hash: string,
): Promise<DocumentRow | undefined> {
  const [row] = await database.db
    .select(documentColumns)
    .from(documents)
    .where(inWorkspace({ workspaceId }, documents, eq(documents.contentHash, hash)));
  return row;
}

export async function getDocument(
  database: Database,
  workspaceId: string,
  id: string,
): Promise<DocumentRow | undefined> {
  const [row] = await database.db
    .select(documentColumns)
    .from(documents)
    .where(inWorkspace({ workspaceId }, documents, eq(documents.id, id)));
  return row;
}

/** A document of the workspace with its stored file; `file` is null for one saved without it (an import). */
export async function documentWithFile(
  database: Database,
  workspaceId: string,
  id: string,
): Promise<(DocumentRow & { file: { bytes: Buffer; contentType: string | null } | null }) | undefined> {
  const [row] = await database.db
    .select({ ...documentColumns, bytes: documentBlobs.bytes, contentType: documentBlobs.contentType })
    .from(documents)
    .leftJoin(documentBlobs, eq(documentBlobs.documentId, documents.id))
    .where(inWorkspace({ workspaceId }, documents, eq(documents.id, id)));
  if (!row) return undefined;
  const { bytes, contentType, ...document } = row;
  const raw = bytes as Uint8Array | null;
  return {
    ...document,
    file: raw ? { bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), contentType } : null,
  };
}

export async function listDocuments(database: Database, workspaceId: string): Promise<DocumentRow[]> {
  return database.db
    .select(documentColumns)
    .from(documents)
    .where(inWorkspace({ workspaceId }, documents))
    .orderBy(desc(documents.createdAt), asc(documents.id));
}

/** One page of the workspace's documents, newest first, with `createdMicros` for the next cursor. */
export async function listDocumentPage(
  database: Database,
  workspaceId: string,
  page: {
    limit: number;
    after?: PagePosition | undefined;
    status?: DocumentStatus | undefined;
    type?: DocumentType | undefined;
    /** Only documents whose title or file name holds this, in any case (no pattern characters). */
    named?: string | undefined;
  },
): Promise<(DocumentRow & { createdMicros: string })[]> {
  const named = page.named?.toLowerCase();
  return database.db
    .select({ ...documentColumns, createdMicros: createdMicrosOf(documents) })
    .from(documents)
    .where(
      inWorkspace(
        { workspaceId },
        documents,
        page.after ? after(documents, page.after) : undefined,
        page.status ? eq(documents.status, page.status) : undefined,
        page.type ? eq(documents.type, page.type) : undefined,
        named
          ? sql`(strpos(lower(${documents.title}), ${named}) > 0 or strpos(lower(coalesce(${documents.filename}, '')), ${named}) > 0)`
          : undefined,
      ),
    )
    .orderBy(...newestFirst(documents))
    .limit(page.limit);
}

/**
 * Chunks (and their vectors, same rows) and the stored file go with the document by ON DELETE
 * CASCADE; on the embedded database their space is then made usable again.
 */
export async function deleteDocument(database: Database, workspaceId: string, id: string): Promise<boolean> {
  const deleted = await database.db
    .delete(documents)
    .where(inWorkspace({ workspaceId }, documents, eq(documents.id, id)))
    .returning({ id: documents.id });
  if (deleted.length === 0) return false;
  await reclaimDeletedSpace(database, 'documents');
  return true;
}

/**
 * Stores a `ready` document and its chunks in one transaction (imports and tests; uploads go
 * through the ingestion job). The same content twice is a no-op.
 */
export async function saveDocument(
  database: Database,
  input: NewDocument & Omit<ChunkRows, 'workspaceId' | 'documentId' | 'language'>,
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
      .values({ ...documentValues(input), status: 'ready', progress: 100, language })
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

/**
 * A `queued` row and the uploaded bytes, written in the caller's transaction (the ingestion's, which
 * holds the workspace's storage bound: src/storage/workspace-storage.ts). Undefined when the same
 * content arrived concurrently (the unique hash index kept the other one).
 */
export async function insertQueuedDocument(
  tx: Transaction,
  input: NewDocument & { contentType: string | undefined; bytes: Buffer },
): Promise<string | undefined> {
  const inserted = await tx
    .insert(documents)
    .values({ ...documentValues(input), status: 'queued', progress: 0 })
    .onConflictDoNothing()
    .returning({ id: documents.id });
  const documentId = inserted[0]?.id;
  if (!documentId) return undefined;
  await tx.insert(documentBlobs).values({
    documentId,
    workspaceId: input.workspaceId,
    contentType: input.contentType ?? null,
    bytes: input.bytes,
  });
  return documentId;
}

/** Removes a row no job will pick up (its enqueue failed), with its stored file. */
export async function deleteDocumentById(database: Database, id: string): Promise<void> {
  await database.db.delete(documents).where(eq(documents.id, id));
  await reclaimDeletedSpace(database, 'documents');
}

/**
 * The text-search configurations the workspace's passages are stemmed with: a chunk takes its
 * document's language (written in the same transaction), so the documents say it without reading
 * the chunks; read from documents_workspace_language_idx one probe each (`npm run bench --
 * library-languages`).
 */
export async function libraryTextConfigs(database: Database, workspaceId: string): Promise<string[]> {
  const { rows } = await database.query<{ value: string | null }>(
    workspaceDistinctValuesSql({ table: 'documents', column: 'language' }),
    [workspaceId],
  );
  return searchConfigsFor(rows.map((row) => row.value));
}
