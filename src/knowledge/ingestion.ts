// Document ingestion as a background job. `submitDocument` validates everything that can make a
// document unacceptable (type by content, size, encryption, corruption, empty text, zip bombs)
// before storing anything, then stores the bytes and a `queued` row and enqueues `document.ingest`.
// `processDocument` (the job) parses and chunks the stored bytes, embeds the chunks in batches
// through the gateway, and writes chunks, vectors and `ready` in one transaction, so a search never
// sees half a document. It is idempotent by document id: a row that is not `queued` (or abandoned
// in `processing` by a dead worker) is left alone.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { documentBlobs, documentChunks, documents } from '../db/schema/knowledge.ts';
import { errorMessage } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { LlmGateway } from '../llm/types.ts';
import { withoutParamsText } from '../observability/query-values.ts';
import { chunksLanguage } from './detect-language.ts';
import { embedChunks } from './embed-chunks.ts';
import { DocumentRejectedError } from './errors.ts';
import { type ChunkedDocument, documentLimits, parseAndChunk } from './ingest-document.ts';
import { type DocumentRow, findByHash, getDocument, insertChunks } from './store.ts';
import { noteChunksWritten } from './table-stats.ts';
import { vectorColumnDimensions } from './vector-setup.ts';

export const ingestJobName = 'document.ingest';
/** Retries after a failed attempt (embedder outage, database hiccup); rejections never retry. */
export const ingestRetryLimit = 2;
/** A `processing` row untouched this long belongs to a dead worker and may be taken over. */
const abandonedAfterSeconds = 10 * 60;
const embedBatchSize = 64;

export interface IngestionDeps {
  database: Database;
  config: Pick<Config, 'MAX_FILE_SIZE_MB' | 'ALLOWED_FILE_TYPES'>;
  llm: Pick<LlmGateway, 'embed' | 'resolved'>;
  queue: Pick<JobQueue, 'enqueue'>;
  logger: Pick<Logger, 'warn' | 'info'>;
}

export interface SubmitInput {
  workspaceId: string;
  bytes: Buffer;
  filename?: string;
  /** The Content-Type the client or the remote server declared (a hint only). */
  declaredType?: string;
  sourceKind: 'upload' | 'url';
  sourceUrl?: string;
  tags?: string[];
}

export interface SubmitResult {
  document: DocumentRow;
  /** false: the same content was already in the workspace and that document is returned. */
  created: boolean;
}

export interface IngestJobData {
  documentId: string;
  workspaceId: string;
}

// Parsed in the request for validation; the job in the same process takes it from here instead of
// parsing again. Bounded: a job that runs elsewhere (or later) simply parses the stored bytes.
const parsedHandoff = new Map<string, ChunkedDocument>();
const handoffMax = 16;
function handOff(id: string, parsed: ChunkedDocument) {
  parsedHandoff.set(id, parsed);
  while (parsedHandoff.size > handoffMax) parsedHandoff.delete(parsedHandoff.keys().next().value as string);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Throws DocumentRejectedError (nothing stored) for a document that must not be ingested. */
export async function submitDocument(deps: IngestionDeps, input: SubmitInput): Promise<SubmitResult> {
  const { database } = deps;
  const contentHash = sha256(input.bytes);
  const existing = await findByHash(database, input.workspaceId, contentHash);
  if (existing) return { document: await requeueFailed(deps, existing), created: false };

  const parsed = await parseAndChunk(input.bytes, {
    ...documentLimits(deps.config),
    ...(input.filename ? { filename: input.filename } : {}),
    ...(input.declaredType ? { declaredType: input.declaredType } : {}),
  });
  const tags = [...new Set(input.tags ?? [])];
  const id = await database.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(documents)
      .values({
        workspaceId: input.workspaceId,
        title: parsed.title,
        type: parsed.type,
        sourceKind: input.sourceKind,
        sourceUrl: input.sourceUrl ?? null,
        filename: input.filename ?? null,
        contentHash,
        byteSize: input.bytes.byteLength,
        pageCount: parsed.pageCount ?? null,
        status: 'queued',
        progress: 0,
        tags,
      })
      .onConflictDoNothing()
      .returning({ id: documents.id });
    const documentId = inserted[0]?.id;
    if (!documentId) return undefined; // the same content arrived concurrently
    await tx.insert(documentBlobs).values({
      documentId,
      workspaceId: input.workspaceId,
      contentType: input.declaredType ?? null,
      bytes: input.bytes,
    });
    return documentId;
  });
  if (!id) {
    const raced = await findByHash(database, input.workspaceId, contentHash);
    if (!raced) throw new Error('document vanished after a concurrent insert');
    return { document: raced, created: false };
  }
  handOff(id, parsed);
  try {
    await deps.queue.enqueue<IngestJobData>(ingestJobName, {
      documentId: id,
      workspaceId: input.workspaceId,
    });
  } catch (err) {
    // Nothing half-stored: a row no job will ever pick up is removed again.
    parsedHandoff.delete(id);
    await database.query('DELETE FROM documents WHERE id = $1', [id]);
    throw err;
  }
  const document = await getDocument(database, input.workspaceId, id);
  if (!document) throw new Error('document vanished after insert');
  return { document, created: true };
}

/** Re-uploading the content of a failed document tries it again; anything else is left as it is. */
async function requeueFailed(deps: IngestionDeps, doc: DocumentRow): Promise<DocumentRow> {
  if (doc.status !== 'failed') return doc;
  const r = await deps.database.query<{ id: string }>(
    `UPDATE documents SET status = 'queued', progress = 0, error = NULL, updated_at = now()
     WHERE id = $1 AND status = 'failed' RETURNING id`,
    [doc.id],
  );
  if (r.rows.length > 0) {
    await deps.queue.enqueue<IngestJobData>(ingestJobName, {
      documentId: doc.id,
      workspaceId: doc.workspaceId,
    });
  }
  return (await getDocument(deps.database, doc.workspaceId, doc.id)) ?? doc;
}

export interface ProcessOptions {
  signal?: AbortSignal;
  /** The last attempt: an error marks the document failed instead of queuing it for a retry. */
  finalAttempt?: boolean;
  onProgress?: (progress: number, stage: string) => void;
}

export type ProcessOutcome =
  | { outcome: 'ready' | 'failed'; document: DocumentRow }
  /** Someone else has it (or it was already done, or deleted): nothing was changed. */
  | { outcome: 'skipped'; document: DocumentRow | undefined }
  | { outcome: 'retrying'; document: DocumentRow; error: Error };

// Shown on the document and logged: a failed query's parameter values (chunk text) are left out.
const messageOf = (err: unknown) => withoutParamsText(errorMessage(err));

/** The `document.ingest` job body. Returns `retrying` (the job should throw) on a retryable failure. */
export async function processDocument(
  deps: IngestionDeps,
  job: IngestJobData,
  opts: ProcessOptions = {},
): Promise<ProcessOutcome> {
  const { database } = deps;
  const claimed = await database.query<{ id: string }>(
    `UPDATE documents SET status = 'processing', progress = 5, error = NULL, updated_at = now()
     WHERE id = $1 AND workspace_id = $2
       AND (status = 'queued' OR (status = 'processing' AND updated_at < now() - make_interval(secs => $3)))
     RETURNING id`,
    [job.documentId, job.workspaceId, abandonedAfterSeconds],
  );
  if (claimed.rows.length === 0) {
    return { outcome: 'skipped', document: await getDocument(database, job.workspaceId, job.documentId) };
  }
  let shown = 5;
  const progress = async (value: number, stage: string) => {
    const p = Math.max(shown, Math.min(99, Math.round(value)));
    opts.onProgress?.(p, stage);
    if (p === shown) return;
    shown = p;
    await database.query(
      `UPDATE documents SET progress = $2, updated_at = now() WHERE id = $1 AND status = 'processing'`,
      [job.documentId, p],
    );
  };
  opts.onProgress?.(5, 'parsing');

  try {
    let parsed = parsedHandoff.get(job.documentId);
    parsedHandoff.delete(job.documentId);
    if (!parsed) {
      const blob = await database.query<{
        bytes: Uint8Array;
        contentType: string | null;
        filename: string | null;
      }>(
        `SELECT b.bytes, b.content_type AS "contentType", d.filename
         FROM document_blobs b JOIN documents d ON d.id = b.document_id WHERE b.document_id = $1`,
        [job.documentId],
      );
      const row = blob.rows[0];
      if (!row)
        throw new DocumentRejectedError('corrupt', 'the uploaded file is no longer stored; upload it again');
      const bytes = Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
      parsed = await parseAndChunk(bytes, {
        ...documentLimits(deps.config),
        ...(row.filename ? { filename: row.filename } : {}),
        ...(row.contentType ? { declaredType: row.contentType } : {}),
      });
    }
    opts.signal?.throwIfAborted();
    await progress(20, 'embedding');

    const { embeddings, note } = await embedDocument(deps, job, parsed, opts.signal, (done, total) =>
      progress(20 + (70 * done) / total, 'embedding'),
    );
    opts.signal?.throwIfAborted();
    await progress(90, 'storing');

    const language = chunksLanguage(parsed.chunks);
    const stored = await database.db.transaction(async (tx) => {
      // Still ours? (Deleted meanwhile, or taken over after we were presumed dead: leave it.)
      const mine = await tx
        .select({ id: documents.id })
        .from(documents)
        .where(and(eq(documents.id, job.documentId), eq(documents.status, 'processing')))
        .for('update');
      if (mine.length === 0) return false;
      await tx.delete(documentChunks).where(eq(documentChunks.documentId, job.documentId));
      await insertChunks(tx, {
        workspaceId: job.workspaceId,
        documentId: job.documentId,
        chunks: parsed.chunks,
        embeddings,
        language,
      });
      await tx
        .update(documents)
        .set({
          status: 'ready',
          progress: 100,
          error: null,
          note,
          chunkCount: parsed.chunks.length,
          pageCount: parsed.pageCount ?? null,
          language,
          updatedAt: new Date(),
        })
        .where(eq(documents.id, job.documentId));
      return true;
    });
    const document = await getDocument(database, job.workspaceId, job.documentId);
    if (!stored || !document) return { outcome: 'skipped', document };
    await noteChunksWritten(database, parsed.chunks.length);
    opts.onProgress?.(100, 'ready');
    return { outcome: 'ready', document };
  } catch (err) {
    const rejected = err instanceof DocumentRejectedError;
    const aborted = opts.signal?.aborted === true;
    if (rejected || (opts.finalAttempt && !aborted)) {
      const message = rejected ? messageOf(err) : `ingestion failed: ${messageOf(err)}`;
      await database.query(
        `UPDATE documents SET status = 'failed', error = $2, updated_at = now() WHERE id = $1 AND status = 'processing'`,
        [job.documentId, message],
      );
      deps.logger.warn({ document: job.documentId, err: messageOf(err) }, 'document ingestion failed');
      const document = await getDocument(database, job.workspaceId, job.documentId);
      return document ? { outcome: 'failed', document } : { outcome: 'skipped', document };
    }
    await database.query(
      `UPDATE documents SET status = 'queued', error = $2, updated_at = now() WHERE id = $1 AND status = 'processing'`,
      [
        job.documentId,
        `${aborted ? 'interrupted' : 'attempt failed'}: ${messageOf(err)}; it will be retried`,
      ],
    );
    const document = await getDocument(database, job.workspaceId, job.documentId);
    if (!document) return { outcome: 'skipped', document };
    return { outcome: 'retrying', document, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/**
 * Vectors for the chunks, or a note saying why there are none (no pgvector, no embedding model,
 * a model whose width differs from the stored column). Without vectors the document is still
 * searchable by full text.
 */
async function embedDocument(
  deps: IngestionDeps,
  job: IngestJobData,
  parsed: ChunkedDocument,
  signal: AbortSignal | undefined,
  onBatch: (done: number, total: number) => Promise<void>,
): Promise<{ embeddings?: number[][]; note: string | null }> {
  const fullTextOnly = 'it is searchable by full text only';
  const width = await vectorColumnDimensions(deps.database);
  if (!deps.database.vectorAvailable || width === null) {
    return { note: `Not embedded: pgvector is not available on this database; ${fullTextOnly}.` };
  }
  const resolved = await deps.llm.resolved(job.workspaceId);
  if (resolved.chains.embedder.length === 0) {
    return {
      note: `Not embedded: no embedding model is configured (EMBEDDING_MODEL, or a provider with embeddings); ${fullTextOnly}.`,
    };
  }
  const pending: Promise<void>[] = [];
  const embeddings = await embedChunks(
    async (texts) => {
      const r = await deps.llm.embed(texts, {
        workspaceId: job.workspaceId,
        purpose: { kind: 'embedding', id: job.documentId, step: 'ingest' },
        ...(signal ? { signal } : {}),
      });
      return r.embeddings;
    },
    parsed.chunks.map((c) => c.text),
    {
      batchSize: embedBatchSize,
      onProgress: (done, total) => {
        pending.push(onBatch(done, total));
      },
    },
  );
  await Promise.all(pending);
  const returned = embeddings[0]?.length ?? width;
  if (embeddings.some((v) => v.length !== width)) {
    return {
      note: `Not embedded: the embedding model returns ${returned}-dimensional vectors but the database column holds ${width} (EMBEDDING_DIMENSIONS); ${fullTextOnly}.`,
    };
  }
  return { embeddings, note: null };
}
