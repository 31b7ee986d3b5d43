// Search quality on a small labelled set (fixtures/search-quality.json): hybrid recall@5 must
// beat vector-only and full-text-only. The embedder is a hashed bag of stemmed words plus a
// synonym map committed in the fixture. That is honest for this comparison because it stands in
// for what a real embedding model contributes — matching meaning across different words — while
// staying weaker than a model on exact rare tokens among shared common words, which is the real
// trade-off hybrid search exists to fix. The queries were written to include both kinds.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { saveDocument } from '../../src/knowledge/document-store.ts';
import { searchKnowledge } from '../../src/knowledge/search.ts';
import { ensureVectorColumns, toVectorLiteral } from '../../src/knowledge/vector-columns.ts';
import { fakeEmbedder } from '../support/fake-embedder.ts';

interface Fixture {
  synonyms: Record<string, string>;
  passages: { id: string; text: string }[];
  queries: { query: string; relevant: string[] }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/search-quality.json', import.meta.url), 'utf8'),
) as Fixture;
const embed = fakeEmbedder(256, fixture.synonyms);
const hash = (s: string) => createHash('sha256').update(s).digest('hex');

describe('hybrid search quality (pglite with pgvector)', () => {
  let database: Database;
  let workspaceId: string;
  /** document title (= passage id) of each stored passage */
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    await ensureVectorColumns(database, 256);
    const ws = await database.query<{ id: string }>(
      `INSERT INTO workspaces (name) VALUES ('q') RETURNING id`,
    );
    workspaceId = ws.rows[0]?.id ?? '';
    for (const p of fixture.passages) {
      const [embedding] = await embed([p.text]);
      await saveDocument(database, {
        workspaceId,
        title: p.id,
        type: 'text',
        sourceKind: 'upload',
        contentHash: hash(p.text),
        byteSize: p.text.length,
        chunks: [
          {
            index: 0,
            text: p.text,
            rawText: p.text,
            tokenCount: 20,
            headingPath: [],
            contentHash: hash(p.text),
          },
        ],
        embeddings: embedding ? [embedding] : [],
      });
    }
  });
  afterAll(async () => {
    await database.close();
  });

  const recallAt5 = async (retrieve: (query: string) => Promise<string[]>) => {
    let sum = 0;
    for (const q of fixture.queries) {
      const top = (await retrieve(q.query)).slice(0, 5);
      if (process.env.QUALITY_DEBUG) console.log(`Q ${q.query} -> ${top.join(',')}`);
      sum += q.relevant.filter((id) => top.includes(id)).length / q.relevant.length;
    }
    return sum / fixture.queries.length;
  };

  it('hybrid recall@5 beats vector-only and full-text-only', async () => {
    const vectorOnly = await recallAt5(async (query) => {
      const [e] = await embed([query]);
      const r = await database.query<{ title: string }>(
        `SELECT d.title FROM document_chunks c JOIN documents d ON d.id = c.document_id
         WHERE c.workspace_id = $1 ORDER BY c.embedding <=> $2::vector LIMIT 5`,
        [workspaceId, toVectorLiteral(e ?? [])],
      );
      return r.rows.map((x) => x.title);
    });
    const fullText = await recallAt5(async (query) => {
      const out = await searchKnowledge(database, { workspaceId, query, limit: 5 });
      expect(out.mode).toBe('fulltext');
      return out.results.map((x) => x.documentTitle);
    });
    const hybrid = await recallAt5(async (query) => {
      const [queryEmbedding] = await embed([query]);
      const out = await searchKnowledge(database, { workspaceId, query, queryEmbedding, limit: 5 });
      expect(out.mode).toBe('hybrid');
      return out.results.map((x) => x.documentTitle);
    });
    console.log(
      `recall@5 hybrid=${hybrid.toFixed(2)} vector=${vectorOnly.toFixed(2)} fulltext=${fullText.toFixed(2)}`,
    );
    expect(hybrid).toBeGreaterThan(vectorOnly);
    expect(hybrid).toBeGreaterThan(fullText);
  });
});
