// PGlite runs no autovacuum: the app takes a table's statistics again once it has grown by a tenth
// since they were taken (src/db/embedded-autovacuum.ts) — after a document's chunks are stored, at start-up
// for the library, and after an article's run for the articles table. PostgreSQL does it itself.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteArticle } from '../../src/articles/article-store.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { refreshStatsIfGrown } from '../../src/db/embedded-autovacuum.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { deleteDocument, insertQueuedDocument } from '../../src/knowledge/document-store.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

describe.each(backends)('table statistics kept (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let workspaceId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    workspaceId = (
      await database.query<{ id: string }>(`INSERT INTO workspaces (name) VALUES ('w') RETURNING id`)
    ).rows[0]!.id;
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  const stats = async (table: string) =>
    (
      await database.query<{ reltuples: number; vacuumed: boolean }>(
        `SELECT reltuples::float8 AS reltuples, last_vacuum IS NOT NULL AS vacuumed
         FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = $1::regclass`,
        [table],
      )
    ).rows[0]!;
  const addArticles = (n: number) =>
    database.query(
      `INSERT INTO articles (workspace_id, brief, topic, markdown)
       SELECT $1, '{"language": "en"}', 'heat pumps ' || i, repeat('warm words ', 40) FROM generate_series(1, $2::int) i`,
      [workspaceId, n],
    );
  const addChunks = async (n: number) => {
    const doc = await database.query<{ id: string }>(
      `INSERT INTO documents (workspace_id, title, type, source_kind, content_hash, byte_size, status)
       VALUES ($1, 'd', 'text', 'upload', md5(random()::text), 1, 'ready') RETURNING id`,
      [workspaceId],
    );
    await database.query(
      `INSERT INTO document_chunks (workspace_id, document_id, index, text, raw_text, token_count, content_hash)
       SELECT $1, $2, i, repeat('passage text ', 30), repeat('passage text ', 30), 90, md5(i::text)
       FROM generate_series(1, $3::int) i`,
      [workspaceId, doc.rows[0]!.id, n],
    );
  };

  if (backend === 'pglite') {
    it('analyzes the library once it has grown by a tenth, not for every few chunks', async () => {
      await addChunks(5);
      expect(await refreshStatsIfGrown(database, 'knowledge')).toBe(false);
      expect((await stats('document_chunks')).reltuples).toBe(-1);
      await addChunks(2500);
      expect(await refreshStatsIfGrown(database, 'knowledge')).toBe(true);
      expect((await stats('document_chunks')).reltuples).toBe(2505);
      expect((await stats('documents')).reltuples).toBe(2);
      // Taken: nothing more until the library grows again.
      expect(await refreshStatsIfGrown(database, 'knowledge')).toBe(false);
      await addChunks(20);
      expect(await refreshStatsIfGrown(database, 'knowledge')).toBe(false);
      await addChunks(2500);
      expect(await refreshStatsIfGrown(database, 'knowledge')).toBe(true);
      expect((await stats('document_chunks')).reltuples).toBe(5025);
    });

    it('vacuums and analyzes the articles table as it grows', async () => {
      await addArticles(3);
      expect(await refreshStatsIfGrown(database, 'articles')).toBe(false);
      await addArticles(300);
      expect(await refreshStatsIfGrown(database, 'articles')).toBe(true);
      expect(await stats('articles')).toEqual({ reltuples: 303, vacuumed: true });
      expect(await refreshStatsIfGrown(database, 'articles')).toBe(false);
      // Updates grow it too (each leaves a dead row behind until a VACUUM).
      await database.query(`UPDATE articles SET title = 'renamed'`);
      await database.query(`UPDATE articles SET title = 'renamed again'`);
      expect(await refreshStatsIfGrown(database, 'articles')).toBe(true);
    });
  } else {
    it("leaves it to PostgreSQL's autovacuum", async () => {
      await addArticles(300);
      await addChunks(500);
      expect(await refreshStatsIfGrown(database, 'articles')).toBe(false);
      expect(await refreshStatsIfGrown(database, 'knowledge')).toBe(false);
    });
  }
});

// PostgreSQL uses a deleted row's space again only after a VACUUM, which PGlite never runs by itself:
// a deleted document's file and chunks, or an article's steps and events, would stay in the data
// directory for ever, and the next ones would be written beside them.
describe('space of deleted documents and articles used again (pglite)', () => {
  let database: Database;
  let workspaceId: string;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    workspaceId = (
      await database.query<{ id: string }>(`INSERT INTO workspaces (name) VALUES ('w') RETURNING id`)
    ).rows[0]!.id;
  });
  afterAll(() => database.close());

  const bytesOf = async (tables: string[]) => {
    const { rows } = await database.query<{ bytes: string }>(
      'SELECT sum(pg_total_relation_size(t::regclass)) AS bytes FROM unnest($1::text[]) t',
      [tables],
    );
    return Number(rows[0]!.bytes);
  };
  /** After the first two rounds, the tables stay within a quarter of their size then. */
  const expectLevel = (sizes: number[]) =>
    expect(Math.max(...sizes.slice(2))).toBeLessThanOrEqual(Math.max(...sizes.slice(0, 2)) * 1.25);

  it("a deleted document's stored file and chunks", async () => {
    const tables = ['documents', 'document_blobs', 'document_chunks'];
    const sizes: number[] = [];
    for (let round = 0; round < 6; round++) {
      const id = await database.db.transaction((tx) =>
        insertQueuedDocument(tx, {
          workspaceId,
          title: `upload ${round}`,
          type: 'text',
          sourceKind: 'upload',
          contentHash: `hash-${round}`,
          byteSize: 1_000_000,
          contentType: 'application/octet-stream',
          bytes: randomBytes(1_000_000), // incompressible: 1 MB stored out of line
        }),
      );
      await database.query(
        `INSERT INTO document_chunks (workspace_id, document_id, index, text, raw_text, token_count, content_hash)
         SELECT $1, $2, i, md5(i::text || $3) || repeat(' passage', 60), 'raw', 90, md5(i::text)
         FROM generate_series(1, 500) i`,
        [workspaceId, id!, String(round)],
      );
      sizes.push(await bytesOf(tables));
      expect(await deleteDocument(database, workspaceId, id!)).toBe(true);
    }
    // Without the VACUUM after a delete: +1.6 MB every round (9.8 MB by the last, against 2.3 MB).
    expectLevel(sizes);
  });

  it("a deleted article's steps, events and versions", async () => {
    const tables = ['articles', 'article_steps', 'article_events', 'article_versions'];
    const sizes: number[] = [];
    for (let round = 0; round < 6; round++) {
      const { rows } = await database.query<{ id: string }>(
        `INSERT INTO articles (workspace_id, brief, topic, markdown)
         VALUES ($1, '{"language": "en"}', 'heat pumps', repeat('warm words ', 2000)) RETURNING id`,
        [workspaceId],
      );
      const id = rows[0]!.id;
      await database.query(
        `INSERT INTO article_steps (article_id, name, position, output)
         SELECT $1, 'section:' || i, i, jsonb_build_object('markdown', repeat(md5(i::text), 60)) FROM generate_series(1, 40) i`,
        [id],
      );
      await database.query(
        `INSERT INTO article_events (article_id, type, data)
         SELECT $1, 'delta', jsonb_build_object('text', md5(i::text)) FROM generate_series(1, 2000) i`,
        [id],
      );
      await database.query(
        `INSERT INTO article_versions (article_id, workspace_id, reason, title, markdown)
         SELECT $1, $2, 'edit', 'v' || i, repeat(md5(i::text), 100) FROM generate_series(1, 10) i`,
        [id, workspaceId],
      );
      sizes.push(await bytesOf(tables));
      await deleteArticle(database, { workspaceId }, id);
    }
    // Without it: +0.45 MB every round (2.8 MB by the last, against 0.9 MB).
    expectLevel(sizes);
  });
});
