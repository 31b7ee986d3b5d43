// The embedding of a search query (or a text to compare), when vector search can use one: pgvector
// present, an embedding model configured, and the model's width matching the stored column.
// Anything else — including an embedder that is down — means full-text only, never an error.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { errorMessage } from '../errors.ts';
import type { LlmGateway } from '../llm/types.ts';
import { vectorColumnDimensions } from './vector-setup.ts';

// Queries' embeddings are kept in this process only, up to 16 MB of vectors, the least recently
// used dropped first — not in the shared embedding cache (Redis or the database, 30 days), where
// each search's query added an entry of ~15–30 kB with no bound on their number: a member can
// search 600 times a minute, each time a different text (~0.9 million entries, 13–26 GB a day).
// A search repeated (the same text again, or the next page) is answered from here. Keyed by
// workspace too: a workspace's own model server may answer the same model name differently.
const recentQueries = new LRUCache<string, number[]>({
  maxSize: 16 * 1024 * 1024,
  sizeCalculation: (vector) => vector.length * 8 + 200,
});

const keyOf = (workspaceId: string, model: string, width: number, text: string) =>
  `${workspaceId}\n${model}\n${width}\n${createHash('sha256').update(text).digest('hex')}`;

export async function queryEmbedding(
  deps: { database: Database; llm: Pick<LlmGateway, 'embed' | 'resolved'>; logger: Pick<Logger, 'warn'> },
  workspaceId: string,
  text: string,
): Promise<number[] | undefined> {
  const width = await vectorColumnDimensions(deps.database);
  if (width === null) return undefined;
  try {
    const resolved = await deps.llm.resolved(workspaceId);
    const model = resolved.chains.embedder[0];
    if (!model) return undefined;
    const key = keyOf(workspaceId, model.id, width, text);
    const known = recentQueries.get(key);
    if (known) return known.length === width ? known : undefined;
    const r = await deps.llm.embed([text], {
      workspaceId,
      purpose: { kind: 'embedding', step: 'search' },
      cache: false,
      dimensions: width,
    });
    const vector = r.embeddings[0];
    if (!vector || vector.length !== width) return undefined;
    recentQueries.set(key, vector);
    return vector;
  } catch (err) {
    deps.logger.warn({ err: errorMessage(err) }, 'query embedding failed; searching by full text only');
    return undefined;
  }
}
