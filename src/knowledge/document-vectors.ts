// Vectors for a document's chunks, or a note saying why there are none (no pgvector, no embedding
// model, a model whose width differs from the stored column). Without vectors the document is
// still searchable by full text.
import type { Database } from '../db/client.ts';
import type { LlmGateway } from '../llm/types.ts';
import { embedChunks } from './embed-chunks.ts';
import type { ChunkedDocument } from './ingest-document.ts';
import { vectorColumnDimensions } from './vector-setup.ts';

const embedBatchSize = 64;
const fullTextOnly = 'it is searchable by full text only';

export async function embedDocument(
  deps: { database: Database; llm: Pick<LlmGateway, 'embed' | 'resolved'> },
  job: { documentId: string; workspaceId: string },
  parsed: ChunkedDocument,
  signal: AbortSignal | undefined,
  onBatch: (done: number, total: number) => Promise<void>,
): Promise<{ embeddings?: number[][]; note: string | null }> {
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
  // Progress is written while the next batches embed; a write that fails is reported once they are
  // done (a rejection left unheld meanwhile would reach the process as an unhandled one).
  const pending: Promise<void>[] = [];
  let progressFailed: { error: unknown } | undefined;
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
        pending.push(
          onBatch(done, total).catch((error: unknown) => {
            progressFailed ??= { error };
          }),
        );
      },
    },
  );
  await Promise.all(pending);
  if (progressFailed) throw progressFailed.error;
  const returned = embeddings[0]?.length ?? width;
  if (embeddings.some((v) => v.length !== width)) {
    return {
      note: `Not embedded: the embedding model returns ${returned}-dimensional vectors but the database column holds ${width} (EMBEDDING_DIMENSIONS); ${fullTextOnly}.`,
    };
  }
  return { embeddings, note: null };
}
