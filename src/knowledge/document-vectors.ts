// Vectors for a document's chunks, or a note saying why there are none (no pgvector, no embedding
// model, a model whose width differs from the stored column). Without vectors the document is
// still searchable by full text.
import type { Database } from '../db/client.ts';
import { type ExpectedWidth, expectedWidth, widthMismatch } from '../llm/embedding-width.ts';
import type { LlmGateway } from '../llm/types.ts';
import { embedChunks } from './embed-chunks.ts';
import type { ChunkedDocument } from './ingest-document.ts';
import { vectorColumnDimensions } from './vector-setup.ts';

const embedBatchSize = 64;
const fullTextOnly = 'it is searchable by full text only';

const widthNote = (model: string, gives: ExpectedWidth, column: number) =>
  `Not embedded: ${widthMismatch(model, gives, column)}; then delete this document and add it again. Meanwhile ${fullTextOnly}.`;

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
  const model = resolved.chains.embedder[0];
  if (!model) {
    return {
      note: `Not embedded: no embedding model is configured (EMBEDDING_MODEL, or a provider with embeddings); ${fullTextOnly}.`,
    };
  }
  // A model of a known width that cannot give the column's is not called at all.
  const known = expectedWidth(model, width);
  if (known && known.width !== width) return { note: widthNote(model.id, known, width) };
  const embed = async (texts: string[]) => {
    const r = await deps.llm.embed(texts, {
      workspaceId: job.workspaceId,
      purpose: { kind: 'embedding', id: job.documentId, step: 'ingest' },
      dimensions: width,
      ...(signal ? { signal } : {}),
    });
    return r.embeddings;
  };
  const texts = parsed.chunks.map((c) => c.text);
  // Another model's width is learnt from the first chunk alone, before the rest is paid for.
  const first = known || texts.length < 2 ? [] : await embed(texts.slice(0, 1));
  const firstWidth = first[0]?.length;
  if (firstWidth !== undefined && firstWidth !== width)
    return { note: widthNote(model.id, { width: firstWidth, atMost: false }, width) };
  // Progress is written while the next batches embed; a write that fails is reported once they are
  // done (a rejection left unheld meanwhile would reach the process as an unhandled one).
  const pending: Promise<void>[] = [];
  let progressFailed: { error: unknown } | undefined;
  const rest = await embedChunks(embed, texts.slice(first.length), {
    batchSize: embedBatchSize,
    onProgress: (done, total) => {
      pending.push(
        onBatch(first.length + done, first.length + total).catch((error: unknown) => {
          progressFailed ??= { error };
        }),
      );
    },
  });
  await Promise.all(pending);
  if (progressFailed) throw progressFailed.error;
  const embeddings = [...first, ...rest];
  const odd = embeddings.find((v) => v.length !== width);
  if (odd) return { note: widthNote(model.id, { width: odd.length, atMost: false }, width) };
  return { embeddings, note: null };
}
