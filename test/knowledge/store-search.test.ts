import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import {
  deleteDocument,
  getDocument,
  listDocuments,
  saveDocument,
} from '../../src/knowledge/document-store.ts';
import { embedChunks } from '../../src/knowledge/embed-chunks.ts';
import { searchKnowledge } from '../../src/knowledge/search.ts';
import { findSimilar } from '../../src/knowledge/similar.ts';
import type { Chunk } from '../../src/knowledge/types.ts';
import { ensureVectorColumns } from '../../src/knowledge/vector-columns.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';
import { fakeEmbedder } from '../support/fake-embedder.ts';

const embed = fakeEmbedder(256);
const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const chunk = (index: number, text: string): Chunk => ({
  index,
  text,
  rawText: text,
  tokenCount: text.split(' ').length,
  headingPath: ['Intro'],
  pageStart: index + 1,
  pageEnd: index + 1,
  contentHash: hash(text),
});

describe.each(backends)('knowledge store and search (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let wsA: string;
  let wsB: string;

  const save = async (workspaceId: string, title: string, texts: string[], tags: string[] = []) => {
    const chunks = texts.map((t, i) => chunk(i, t));
    const embeddings = await embedChunks(
      embed,
      chunks.map((c) => c.text),
    );
    return saveDocument(database, {
      workspaceId,
      title,
      type: 'text',
      sourceKind: 'upload',
      contentHash: hash(texts.join('\n')),
      byteSize: texts.join('\n').length,
      tags,
      chunks,
      embeddings,
    });
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    await ensureVectorColumns(database, 256);
    const ws = await database.query<{ id: string }>(
      `INSERT INTO workspaces (name) VALUES ('a'), ('b') RETURNING id`,
    );
    wsA = ws.rows[0]?.id ?? '';
    wsB = ws.rows[1]?.id ?? '';
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it('uses vectors only where pgvector exists', () => {
    expect(database.vectorAvailable).toBe(backend === 'pglite');
  });

  it('stores a document with its chunks; the same content again is a no-op', async () => {
    const first = await save(wsA, 'Solar', [
      'Photovoltaic panels convert sunlight.',
      'Inverters feed the grid.',
    ]);
    expect(first.created).toBe(true);
    expect(first.document.status).toBe('ready');
    const again = await save(wsA, 'Solar copy', [
      'Photovoltaic panels convert sunlight.',
      'Inverters feed the grid.',
    ]);
    expect(again.created).toBe(false);
    expect(again.document.id).toBe(first.document.id);
    const count = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM document_chunks WHERE document_id = $1',
      [first.document.id],
    );
    expect(count.rows[0]?.n).toBe(2);
    expect((await listDocuments(database, wsA)).map((d) => d.title)).toContain('Solar');
  });

  it('deleting a document removes its chunks, and only within its workspace', async () => {
    const { document } = await save(wsA, 'Temp', ['Ephemeral zebra notes.']);
    expect(await deleteDocument(database, wsB, document.id)).toBe(false);
    expect(await getDocument(database, wsA, document.id)).toBeDefined();
    expect(await deleteDocument(database, wsA, document.id)).toBe(true);
    expect(await getDocument(database, wsA, document.id)).toBeUndefined();
    const count = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM document_chunks WHERE document_id = $1',
      [document.id],
    );
    expect(count.rows[0]?.n).toBe(0);
  });

  it('never returns another workspace’s passages, and reports its mode', async () => {
    await save(wsA, 'Ops A', ['The XK-4471 pump needs quarterly maintenance.']);
    await save(wsB, 'Ops B', ['The XK-4471 pump in workspace B is secret.']);
    const [queryEmbedding] = await embed(['XK-4471 pump maintenance']);
    const out = await searchKnowledge(database, {
      workspaceId: wsA,
      query: 'XK-4471 pump',
      queryEmbedding,
      limit: 10,
    });
    expect(out.mode).toBe(backend === 'pglite' ? 'hybrid' : 'fulltext');
    expect(out.results.length).toBeGreaterThan(0);
    expect(out.results.every((r) => r.documentTitle !== 'Ops B')).toBe(true);
    expect(out.results[0]).toMatchObject({ documentTitle: 'Ops A', pageStart: 1, headingPath: ['Intro'] });
    expect(out.results[0]?.textRank).toBe(1);
  });

  it('filters by document and by tag', async () => {
    const tagged = await save(wsA, 'Tagged', ['Lithium battery storage chemistry.'], ['energy']);
    await save(wsA, 'Untagged', ['Lithium battery recycling plants.']);
    const [queryEmbedding] = await embed(['lithium battery']);
    const byTag = await searchKnowledge(database, {
      workspaceId: wsA,
      query: 'lithium battery',
      queryEmbedding,
      limit: 10,
      tags: ['energy'],
    });
    expect(byTag.results.map((r) => r.documentTitle)).toEqual(['Tagged']);
    const byDoc = await searchKnowledge(database, {
      workspaceId: wsA,
      query: 'lithium battery',
      queryEmbedding,
      limit: 10,
      documentIds: [tagged.document.id],
    });
    expect(byDoc.results.map((r) => r.documentId)).toEqual([tagged.document.id]);
  });

  it('finds copied wording as the most similar passage, within the workspace only', async () => {
    const copied = 'Glaciers in the Alps have lost a third of their volume since nineteen eighty';
    await save(wsA, 'Climate', [copied, 'Coral reefs bleach when sea water warms.']);
    await save(wsB, 'Climate B', [copied]);
    const text = `As reported, glaciers in the Alps have lost a third of their volume since nineteen eighty.`;
    const [embedding] = await embed([text]);
    const out = await findSimilar(database, { workspaceId: wsA, text, embedding, limit: 3 });
    expect(out[0]).toMatchObject({ documentTitle: 'Climate', text: copied });
    expect(out[0]?.shingleJaccard).toBeGreaterThan(0.5);
    expect(out.every((r) => r.documentTitle !== 'Climate B')).toBe(true);
    if (backend === 'pglite') expect(out[0]?.cosine).toBeGreaterThan(0.5);
  });

  it('scores by wording alone against a zero vector, which has no direction (its cosine was NaN: a 500)', async () => {
    const text = 'Glaciers in the Alps have lost a third of their volume since nineteen eighty';
    const [embedding] = await embed([text]);
    const out = await findSimilar(database, {
      workspaceId: wsA,
      text,
      embedding: embedding!.map(() => 0),
      limit: 3,
    });
    expect(out.length).toBeGreaterThan(0);
    for (const r of out) {
      expect(Number.isFinite(r.score)).toBe(true);
      expect(r.cosine).toBeUndefined();
    }
    expect(out[0]?.text).toBe(text);
  });
});
