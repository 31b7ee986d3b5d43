// The ingestion job's updates of a document, by id and by the status it expects (the job was
// enqueued for that workspace): claim, progress, release, completion with its chunks and webhook
// deliveries. The rest of the queries on `documents` are document-store.ts's.
import { and, eq, lt, or, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database, Transaction } from '../db/client.ts';
import { documentBlobs, documentChunks, documents } from '../db/schema/knowledge.ts';
import { type RecordedDelivery, recordDeliveries } from '../webhooks/delivery-store.ts';
import { type ChunkRows, insertChunks } from './chunk-store.ts';
import type { DocumentStatus } from './types.ts';

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
