// The embedding of a search query (or a text to compare), when vector search can use one: pgvector
// present, an embedding model configured, and the model's width matching the stored column.
// Anything else — including an embedder that is down — means full-text only, never an error.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { errorMessage } from '../errors.ts';
import type { LlmGateway } from '../llm/types.ts';
import { vectorColumnDimensions } from './vector-setup.ts';

export async function queryEmbedding(
  deps: { database: Database; llm: Pick<LlmGateway, 'embed' | 'resolved'>; logger: Pick<Logger, 'warn'> },
  workspaceId: string,
  text: string,
): Promise<number[] | undefined> {
  const width = await vectorColumnDimensions(deps.database);
  if (width === null) return undefined;
  try {
    const resolved = await deps.llm.resolved(workspaceId);
    if (resolved.chains.embedder.length === 0) return undefined;
    const r = await deps.llm.embed([text], { workspaceId, purpose: { kind: 'embedding', step: 'search' } });
    const vector = r.embeddings[0];
    return vector && vector.length === width ? vector : undefined;
  } catch (err) {
    deps.logger.warn({ err: errorMessage(err) }, 'query embedding failed; searching by full text only');
    return undefined;
  }
}
