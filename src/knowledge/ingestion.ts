// Document ingestion as a background job. `submitDocument` validates everything that can make a
// document unacceptable (type by content, size, encryption, corruption, empty text, zip bombs)
// before storing anything, then stores the bytes and a `queued` row and enqueues `document.ingest`.
// `processDocument` (the job) parses and chunks the stored bytes, embeds the chunks in batches
// through the gateway, and writes chunks, vectors and `ready` in one transaction, so a search never
// sees half a document. It is idempotent by document id: a row that is not `queued` (or abandoned
// in `processing` by a dead worker) is left alone. Every query is document-store.ts's or processing-store.ts's (the tags', document-tag-store.ts's).
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { refreshStatsIfGrown } from '../db/embedded-autovacuum.ts';
import { AppError, errorMessage } from '../errors.ts';
import { checkedTags, foldedTags, maxTags } from '../input/tags.ts';
import { type AppJobPayload, appJobs } from '../jobs/job-map.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { LlmGateway } from '../llm/types.ts';
import { withoutParamsText } from '../observability/query-values.ts';
import { assertStorageRoom, insertWithinStorage } from '../storage/workspace-storage.ts';
import { recordTellingWebhooks, sendDeliveries } from '../webhooks/delivery-job.ts';
import { apiUrlOf } from '../webhooks/webhook-events.ts';
import { chunksLanguage } from './detect-language.ts';
import {
  type DocumentRow,
  deleteDocumentById,
  findByHash,
  getDocument,
  insertQueuedDocument,
} from './document-store.ts';
import { addDocumentTags } from './document-tag-store.ts';
import { embedDocument } from './document-vectors.ts';
import { DocumentRejectedError } from './errors.ts';
import { type ChunkedDocument, documentLimits } from './ingest-document.ts';
import { parseAndChunkOffThread } from './parse-pool.ts';
import { handOff, takeHandedOff } from './parsed-handoff.ts';
import {
  claimForProcessing,
  completeDocument,
  releaseProcessing,
  requeueFailed,
  requeueStalled,
  setProgress,
  storedUpload,
} from './processing-store.ts';

/** Retries after a failed attempt (embedder outage, database hiccup); rejections never retry. */
export const ingestRetryLimit = appJobs['document.ingest'].retryLimit;
/** A `processing` row untouched this long belongs to a dead worker and may be taken over. */
export const abandonedAfterSeconds = 10 * 60;

export interface IngestionDeps {
  database: Database;
  config: Pick<Config, 'MAX_FILE_SIZE_MB' | 'ALLOWED_FILE_TYPES' | 'WORKSPACE_STORAGE_MB' | 'PUBLIC_URL'>;
  llm: Pick<LlmGateway, 'embed' | 'resolved'>;
  /** Sends document and webhook jobs. */
  queue: Pick<JobQueue, 'send'>;
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
  /** The upload's tags were added to those of the document already there (created: false). */
  tagsAdded: boolean;
}

export type IngestJobData = AppJobPayload<'document.ingest'>;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Throws DocumentRejectedError (nothing stored) for a document that must not be ingested, and
 * AppError `storage_full` for one the workspace has no room left for. The same content again is
 * answered with the document already there, the upload's tags added to its own. AppError
 * `validation_error` at `tags`, nothing changed, when the tags break the rule (src/input/tags.ts) or
 * would carry more than maxTags in all.
 */
export async function submitDocument(deps: IngestionDeps, input: SubmitInput): Promise<SubmitResult> {
  const { database } = deps;
  // Held to the cap before anything is read or stored: a first upload stored any number.
  const tags = checkedTags(foldedTags(input.tags ?? []));
  let contentHash = sha256(input.bytes);
  const existing = await findByHash(database, input.workspaceId, contentHash);
  if (existing) return sameContent(deps, existing, tags);
  const size = input.bytes.byteLength;
  // Checked before the parse (a full workspace costs no reading process) and again as it is stored.
  await assertStorageRoom(database, deps.config, input.workspaceId, size);

  const parsed = await parseAndChunkOffThread(
    input.bytes,
    {
      ...documentLimits(deps.config),
      ...(input.filename ? { filename: input.filename } : {}),
      ...(input.declaredType ? { declaredType: input.declaredType } : {}),
    },
    { workspaceId: input.workspaceId, refuseWhenBusy: true },
  );
  // A page fetched again differs in bytes it does not show (a nonce, a timestamp, an ad): for a
  // URL, "the same content" is the same text, so adding it twice keeps one document.
  if (input.sourceKind === 'url') {
    contentHash = sha256(Buffer.from(parsed.chunks.map((c) => c.text).join('\n')));
    const same = await findByHash(database, input.workspaceId, contentHash);
    if (same) return sameContent(deps, same, tags);
  }
  const row = {
    workspaceId: input.workspaceId,
    title: parsed.title,
    type: parsed.type,
    sourceKind: input.sourceKind,
    sourceUrl: input.sourceUrl,
    filename: input.filename,
    contentHash,
    byteSize: size,
    pageCount: parsed.pageCount,
    tags,
    contentType: input.declaredType,
    bytes: input.bytes,
  };
  const id = await insertWithinStorage(database, deps.config, {
    workspaceId: input.workspaceId,
    size,
    insert: (tx) => insertQueuedDocument(tx, row),
  });
  if (!id) {
    // The same content arrived concurrently: that document is the answer.
    const raced = await findByHash(database, input.workspaceId, contentHash);
    if (!raced) throw new Error('document vanished after a concurrent insert');
    return sameContent(deps, raced, tags);
  }
  await enqueueIngestion(deps, { documentId: id, workspaceId: input.workspaceId }, parsed);
  const document = await getDocument(database, input.workspaceId, id);
  if (!document) throw new Error('document vanished after insert');
  return { document, created: true, tagsAdded: false };
}

/**
 * The answer to content the workspace already has: that document, with the upload's tags added
 * (one statement: addDocumentTags), and tried again if it had failed.
 */
async function sameContent(deps: IngestionDeps, stored: DocumentRow, tags: string[]): Promise<SubmitResult> {
  const { document, tagsAdded } = await withTagsAdded(deps.database, stored, tags);
  return { document: await retryIfFailed(deps, document), created: false, tagsAdded };
}

async function withTagsAdded(
  database: Database,
  stored: DocumentRow,
  tags: string[],
): Promise<{ document: DocumentRow; tagsAdded: boolean }> {
  if (tags.length === 0) return { document: stored, tagsAdded: false };
  // A refusal is explained from the row as it is then; an edit that made room in between (rare)
  // is worth another try rather than a refusal the row no longer bears out.
  for (let attempt = 0; attempt < 3; attempt++) {
    const tagged = await addDocumentTags(database, stored.workspaceId, stored.id, tags, maxTags);
    if (tagged) return { document: tagged, tagsAdded: true };
    const now = await getDocument(database, stored.workspaceId, stored.id);
    if (!now || tags.every((tag) => now.tags.includes(tag)))
      return { document: now ?? stored, tagsAdded: false };
    if (new Set([...now.tags, ...tags]).size > maxTags) throw tooManyTags(now.tags, tags);
  }
  throw new AppError(
    'conflict',
    "the document's tags kept changing while this upload's were added: send it again",
  );
}

function tooManyTags(stored: string[], added: string[]): AppError {
  const union = new Set([...stored, ...added]).size;
  const message = `the same content is already stored with ${stored.length} tags; with these it would have ${union}, more than ${maxTags}`;
  return new AppError('validation_error', `tags: ${message}`, [{ path: 'tags', message }]);
}

async function enqueueIngestion(deps: IngestionDeps, job: IngestJobData, parsed: ChunkedDocument) {
  handOff(job.documentId, parsed);
  try {
    await deps.queue.send('document.ingest', job);
  } catch (err) {
    // Nothing half-stored: a row no job will ever pick up is removed again.
    takeHandedOff(job.documentId);
    await deleteDocumentById(deps.database, job.documentId);
    throw err;
  }
}

/** Re-uploading the content of a failed document tries it again; anything else is left as it is. */
async function retryIfFailed(deps: IngestionDeps, doc: DocumentRow): Promise<DocumentRow> {
  if (doc.status !== 'failed') return doc;
  if (await requeueFailed(deps.database, doc.id)) {
    await deps.queue.send('document.ingest', {
      documentId: doc.id,
      workspaceId: doc.workspaceId,
    });
  }
  return (await getDocument(deps.database, doc.workspaceId, doc.id)) ?? doc;
}

// A document waiting longer than this for its job is taken for one whose job was lost.
const queuedForSeconds = 30 * 60;

/**
 * Sends a job again for each document no job will finish (requeueStalled); run on a timer by the
 * processes that work jobs. The documents sent.
 */
export async function recoverStalledDocuments(deps: Pick<IngestionDeps, 'database' | 'queue' | 'logger'>) {
  const stalled = await requeueStalled(deps.database, {
    processingForSeconds: abandonedAfterSeconds,
    queuedForSeconds,
    limit: 100,
  });
  for (const job of stalled) {
    deps.logger.info({ document: job.documentId }, 'resuming a document whose ingestion stopped');
    await deps.queue.send('document.ingest', job);
  }
  return stalled;
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
  if (!(await claimForProcessing(deps.database, job, abandonedAfterSeconds))) {
    return {
      outcome: 'skipped',
      document: await getDocument(deps.database, job.workspaceId, job.documentId),
    };
  }
  const progress = progressReporter(deps.database, job.documentId, opts.onProgress);
  opts.onProgress?.(5, 'parsing');
  try {
    const parsed = takeHandedOff(job.documentId) ?? (await parseStoredUpload(deps, job, opts.signal));
    opts.signal?.throwIfAborted();
    await progress(20, 'embedding');
    const { embeddings, note } = await embedDocument(deps, job, parsed, opts.signal, (done, total) =>
      progress(20 + (70 * done) / total, 'embedding'),
    );
    opts.signal?.throwIfAborted();
    await progress(90, 'storing');
    return await storeDocument(deps, job, parsed, { embeddings, note }, opts);
  } catch (err) {
    return afterFailure(deps, job, err, opts);
  }
}

/** Reports progress, only ever forward and below 100, and stores it when it moved. */
function progressReporter(
  database: Database,
  documentId: string,
  onProgress: ProcessOptions['onProgress'],
): (value: number, stage: string) => Promise<void> {
  let shown = 5;
  return async (value, stage) => {
    const p = Math.max(shown, Math.min(99, Math.round(value)));
    onProgress?.(p, stage);
    if (p === shown) return;
    shown = p;
    await setProgress(database, documentId, p);
  };
}

async function parseStoredUpload(
  deps: IngestionDeps,
  { documentId, workspaceId }: IngestJobData,
  signal: AbortSignal | undefined,
): Promise<ChunkedDocument> {
  const upload = await storedUpload(deps.database, documentId);
  if (!upload)
    throw new DocumentRejectedError('corrupt', 'the uploaded file is no longer stored; upload it again');
  return parseAndChunkOffThread(
    upload.bytes,
    {
      ...documentLimits(deps.config),
      ...(upload.filename ? { filename: upload.filename } : {}),
      ...(upload.contentType ? { declaredType: upload.contentType } : {}),
    },
    { signal, workspaceId },
  );
}

async function storeDocument(
  deps: IngestionDeps,
  job: IngestJobData,
  parsed: ChunkedDocument,
  vectors: { embeddings?: number[][]; note: string | null },
  opts: ProcessOptions,
): Promise<ProcessOutcome> {
  const stored = await recordTellingWebhooks(deps, { document: job.documentId }, (tell) =>
    completeDocument(deps.database, {
      workspaceId: job.workspaceId,
      documentId: job.documentId,
      chunks: parsed.chunks,
      embeddings: vectors.embeddings,
      note: vectors.note,
      pageCount: parsed.pageCount,
      language: chunksLanguage(parsed.chunks),
      ...(tell && { webhookData: webhookData(deps, job.documentId) }),
    }),
  );
  if (stored) await sendDeliveries(deps, stored);
  const document = await getDocument(deps.database, job.workspaceId, job.documentId);
  if (!stored || !document) return { outcome: 'skipped', document };
  await refreshStatsIfGrown(deps.database, 'knowledge');
  opts.onProgress?.(100, 'ready');
  return { outcome: 'ready', document };
}

/** What a webhook payload tells of a document beside its row's fields: its id and where the API shows it. */
function webhookData(deps: IngestionDeps, documentId: string) {
  return { id: documentId, url: apiUrlOf(deps.config.PUBLIC_URL, `/api/v1/documents/${documentId}`) };
}

/**
 * A rejected document, or the last attempt's error, marks it `failed`; anything else puts it back
 * to `queued` with the reason, for the job's retry.
 */
async function afterFailure(
  deps: IngestionDeps,
  job: IngestJobData,
  err: unknown,
  opts: ProcessOptions,
): Promise<ProcessOutcome> {
  const rejected = err instanceof DocumentRejectedError;
  const aborted = opts.signal?.aborted === true;
  if (rejected || (opts.finalAttempt && !aborted)) {
    const message = rejected ? messageOf(err) : `ingestion failed: ${messageOf(err)}`;
    const deliveries = await recordTellingWebhooks(deps, { document: job.documentId }, (tell) =>
      releaseProcessing(
        deps.database,
        job.documentId,
        'failed',
        message,
        tell ? webhookData(deps, job.documentId) : undefined,
      ),
    );
    await sendDeliveries(deps, deliveries);
    deps.logger.warn({ document: job.documentId, err: messageOf(err) }, 'document ingestion failed');
    const document = await getDocument(deps.database, job.workspaceId, job.documentId);
    return document ? { outcome: 'failed', document } : { outcome: 'skipped', document };
  }
  const reason = `${aborted ? 'interrupted' : 'attempt failed'}: ${messageOf(err)}; it will be retried`;
  await releaseProcessing(deps.database, job.documentId, 'queued', reason);
  const document = await getDocument(deps.database, job.workspaceId, job.documentId);
  if (!document) return { outcome: 'skipped', document };
  return { outcome: 'retrying', document, error: err instanceof Error ? err : new Error(String(err)) };
}
