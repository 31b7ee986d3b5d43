// A search's query is embedded for vector search without the shared embedding cache (Redis or the
// database, kept 30 days): each different query a member sends (600 a minute) would add an entry
// there without bound. A query repeated in the same workspace is answered from the process's own
// bounded cache; another workspace, or a vector of the wrong width, goes to the model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { queryEmbedding } from '../../src/knowledge/query-embedding.ts';
import { ensureVectorColumns } from '../../src/knowledge/vector-columns.ts';
import type { LlmEmbedOptions, LlmGateway } from '../../src/llm/types.ts';

describe('query embeddings', () => {
  let database: Database;
  const calls: Array<{ texts: string[]; options: LlmEmbedOptions }> = [];
  let width = 3;
  const llm = {
    resolved: async () => ({ chains: { embedder: [{ id: 'compatible:embed' }] } }),
    embed: async (texts: string[], options: LlmEmbedOptions) => {
      calls.push({ texts, options });
      return { embeddings: texts.map(() => Array.from({ length: width }, (_, i) => i + 1)) };
    },
  } as unknown as Pick<LlmGateway, 'embed' | 'resolved'>;
  const deps = () => ({ database, llm, logger: { warn: () => {} } });

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    await ensureVectorColumns(database, 3);
  });
  afterAll(() => database.close());

  it('asks the model past the shared cache, once per query and workspace', async () => {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    expect(await queryEmbedding(deps(), a, 'tidal turbines')).toEqual([1, 2, 3]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.options).toMatchObject({ workspaceId: a, cache: false });
    expect(await queryEmbedding(deps(), a, 'tidal turbines')).toEqual([1, 2, 3]);
    expect(calls).toHaveLength(1);
    expect(await queryEmbedding(deps(), b, 'tidal turbines')).toEqual([1, 2, 3]);
    expect(await queryEmbedding(deps(), a, 'wave farms')).toEqual([1, 2, 3]);
    expect(calls.map((c) => c.texts[0])).toEqual(['tidal turbines', 'tidal turbines', 'wave farms']);
  });

  it('keeps no vector of the wrong width', async () => {
    const ws = crypto.randomUUID();
    width = 4;
    expect(await queryEmbedding(deps(), ws, 'salt marsh')).toBeUndefined();
    width = 3;
    expect(await queryEmbedding(deps(), ws, 'salt marsh')).toEqual([1, 2, 3]);
    expect(calls.filter((c) => c.texts[0] === 'salt marsh')).toHaveLength(2);
  });
});
