// Every query on `documents` and `document_blobs`. Functions that take a workspace filter by it,
// so a caller cannot reach another workspace's library by id; the ingestion job's updates go by
// document id (the job was enqueued for that workspace) and by the status it expects.
import { and, asc, desc, eq, lt, or, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database, Transaction } from '../db/client.ts';
import { workspaceDistinctValuesSql } from '../db/distinct-values.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { after, createdMicrosOf, newestFirst, type PagePosition } from '../db/keyset.ts';
import { documentBlobs, documentChunks, documents } from '../db/schema/knowledge.ts';
import { searchConfigsFor } from '../db/text-search.ts';
import { type RecordedDelivery, recordDeliveries } from '../webhooks/delivery-store.ts';
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

/** A failed document goes back to `queued`; false if it was not failed (any more). */
export async function requeueFailed(database: Database, id: string): Promise<boolean> {
  const updated = await database.db
    .update(documents)
    .set({ status: 'queued', progress: 0, error: null, updatedAt: sql`now()` })
    .where(and(eq(documents.id, id), eq(documents.status, 'failed')))
    .returning({ id: documents.id });
  return updated.length > 0;
}

/**
 * Takes a `queued` document for processing, or one a dead worker left in `processing` for longer
 * than `abandonedAfterSeconds`. False: someone else has it, it is done, or it is gone.
 */
export async function claimForProcessing(
  database: Database,
  job: { documentId: string; workspaceId: string },
  abandonedAfterSeconds: number,
): Promise<boolean> {
  const claimed = await database.db
    .update(documents)
    .set({ status: 'processing', progress: 5, error: null, updatedAt: sql`now()` })
    .where(
      inWorkspace(
        { workspaceId: job.workspaceId },
        documents,
        eq(documents.id, job.documentId),
        or(
          eq(documents.status, 'queued'),
          and(
            eq(documents.status, 'processing'),
            lt(documents.updatedAt, sql`now() - make_interval(secs => ${abandonedAfterSeconds})`),
          ),
        ),
      ),
    )
    .returning({ id: documents.id });
  return claimed.length > 0;
}

/**
 * Documents no job will finish: left in `processing` by a worker that stopped (no progress for
 * `processingForSeconds`: a retry that came sooner found it still fresh and was skipped, or the
 * worker died on the last attempt), or `queued` for longer than `queuedForSeconds` (a job never sent,
 * or failed for good while its row said queued). Put back to `queued` (up to `limit`, rows another
 * sweep holds skipped), for the caller to send a job for each; a job that was still pending after
 * all finds the document claimed by this one's and does nothing.
 */
export async function requeueStalled(
  database: Database,
  opts: { processingForSeconds: number; queuedForSeconds: number; limit: number },
): Promise<Array<{ documentId: string; workspaceId: string }>> {
  const { rows } = await database.query<{ documentId: string; workspaceId: string }>(
    `UPDATE documents d SET status = 'queued', updated_at = now(),
       error = CASE WHEN d.status = 'processing' THEN 'interrupted: its worker stopped; it will be retried' ELSE d.error END
     WHERE d.id IN (
       SELECT id FROM documents
        WHERE (status = 'processing' AND updated_at < now() - make_interval(secs => $1))
           OR (status = 'queued' AND updated_at < now() - make_interval(secs => $2))
        ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING d.id AS "documentId", d.workspace_id AS "workspaceId"`,
    [opts.processingForSeconds, opts.queuedForSeconds, opts.limit],
  );
  return rows;
}

/** Progress of a document being processed (also shows the worker is alive). */
export async function setProgress(database: Database, id: string, progress: number): Promise<void> {
  await database.db
    .update(documents)
    .set({ progress, updatedAt: sql`now()` })
    .where(and(eq(documents.id, id), eq(documents.status, 'processing')));
}

// What a webhook payload tells of a document beside what ingestion gives (never its text).
const webhookFields = {
  title: documents.title,
  filename: documents.filename,
  sourceUrl: documents.sourceUrl,
  type: documents.type,
};

/**
 * Ends processing: `failed` for good, or `queued` again for a retry, with the reason. Failing it
 * with `webhookData` records its `document.failed` webhook deliveries (payload `data`: `webhookData`
 * and the row's fields) in the same transaction; answers them, for their jobs.
 */
export async function releaseProcessing(
  database: Database,
  id: string,
  to: Extract<DocumentStatus, 'failed' | 'queued'>,
  error: string,
  webhookData?: Record<string, unknown>,
): Promise<RecordedDelivery[]> {
  return database.db.transaction(async (tx) => {
    const [row] = await tx
      .update(documents)
      .set({ status: to, error, updatedAt: sql`now()` })
      .where(and(eq(documents.id, id), eq(documents.status, 'processing')))
      .returning({ workspaceId: documents.workspaceId, ...webhookFields });
    if (!row || to !== 'failed' || !webhookData) return [];
    const { workspaceId, ...fields } = row;
    return recordDeliveries(tx, {
      workspaceId,
      event: 'document.failed',
      data: { ...webhookData, ...fields, status: 'failed', error },
    });
  });
}

export interface StoredUpload {
  bytes: Buffer;
  contentType: string | null;
  filename: string | null;
}

/** The uploaded bytes with the hints they came with, if still stored. */
export async function storedUpload(
  database: Database,
  documentId: string,
): Promise<StoredUpload | undefined> {
  const [row] = await database.db
    .select({
      bytes: documentBlobs.bytes,
      contentType: documentBlobs.contentType,
      filename: documents.filename,
    })
    .from(documentBlobs)
    .innerJoin(documents, eq(documents.id, documentBlobs.documentId))
    .where(eq(documentBlobs.documentId, documentId));
  if (!row) return undefined;
  const raw = row.bytes as Uint8Array;
  return { ...row, bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) };
}

/**
 * Replaces a processing document's chunks and marks it `ready`, in one transaction, so a search
 * never sees half a document, with its `document.ready` webhook deliveries when `webhookData` is
 * given (payload `data`: `webhookData` and the row's fields). False when it is no longer ours (deleted meanwhile, or taken
 * over after we were presumed dead): then nothing is written. Else the deliveries, for their jobs.
 */
export async function completeDocument(
  database: Database,
  input: ChunkRows & {
    note: string | null;
    pageCount: number | undefined;
    webhookData?: Record<string, unknown>;
  },
): Promise<RecordedDelivery[] | false> {
  return database.db.transaction(async (tx: Transaction) => {
    const [mine] = await tx
      .select(webhookFields)
      .from(documents)
      .where(and(eq(documents.id, input.documentId), eq(documents.status, 'processing')))
      .for('update');
    if (!mine) return false;
    await tx.delete(documentChunks).where(eq(documentChunks.documentId, input.documentId));
    await insertChunks(tx, input);
    await tx
      .update(documents)
      .set({
        status: 'ready',
        progress: 100,
        error: null,
        note: input.note,
        chunkCount: input.chunks.length,
        pageCount: input.pageCount ?? null,
        language: input.language,
        updatedAt: new Date(),
      })
      .where(eq(documents.id, input.documentId));
    if (!input.webhookData) return [];
    return recordDeliveries(tx, {
      workspaceId: input.workspaceId,
      event: 'document.ready',
      data: {
        ...input.webhookData,
        ...mine,
        status: 'ready',
        chunkCount: input.chunks.length,
        pageCount: input.pageCount ?? null,
        note: input.note,
      },
    });
  });
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
