// PGlite runs no autovacuum: the app takes a table's statistics again once it has grown by a tenth
// since they were taken (src/db/table-stats.ts) — after a document's chunks are stored, at start-up
// for the library, and after an article's run for the articles table. PostgreSQL does it itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { refreshStatsIfGrown } from '../../src/db/table-stats.ts';
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
