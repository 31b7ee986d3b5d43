// Migration 0016 counts what existing workspaces already store (documents' files, articles' Markdown
// and their versions) and from then on the triggers keep the count: on both databases, the count
// after the migration equals the tables' sums, and a workspace made later starts at zero.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { backends, createTestDatabase } from '../support/database.ts';
import { migrateUpTo } from '../support/migrations-before.ts';

describe.each(backends)('migration 0016: what workspaces store (%s)', (backend) => {
  it('counts what was stored before it, and the triggers count what comes after', async () => {
    const created = await createTestDatabase(backend);
    const database = await openDatabase({ url: created.url, dataDir: created.dataDir });
    try {
      await migrateUpTo(database, '0016_workspace_storage');
      const ws = async (name: string) =>
        (
          await database.query<{ id: string }>('INSERT INTO workspaces (name) VALUES ($1) RETURNING id', [
            name,
          ])
        ).rows[0]!.id;
      const [a, b, empty] = [await ws('a'), await ws('b'), await ws('empty')];
      await database.query(
        `INSERT INTO documents (workspace_id, title, type, source_kind, content_hash, byte_size)
         VALUES ($1, 'one', 'text', 'upload', 'h1', 1000), ($1, 'two', 'text', 'upload', 'h2', 2500),
                ($2, 'three', 'text', 'upload', 'h3', 700)`,
        [a, b],
      );
      const article = (
        await database.query<{ id: string }>(
          `INSERT INTO articles (workspace_id, brief, topic, markdown, html)
           VALUES ($1, '{}', 'x', repeat('é', 300), repeat('h', 40)) RETURNING id`,
          [a],
        )
      ).rows[0]!.id;
      await database.query(
        `INSERT INTO article_versions (article_id, workspace_id, reason, title, markdown)
         VALUES ($1, $2, 'edit', 't', repeat('v', 120)), ($1, $2, 'edit', 't', repeat('w', 80))`,
        [article, a],
      );

      await database.query(
        `INSERT INTO eval_reports (workspace_id, judge, report) VALUES ($1, 'j', '{"judge": "j", "cases": []}')`,
        [b],
      );
      const reportBytes = Buffer.byteLength('{"cases": [], "judge": "j"}');

      await runMigrations(database);
      const counted = async () =>
        Object.fromEntries(
          (
            await database.query<{
              workspace_id: string;
              document_bytes: string;
              article_bytes: string;
              eval_report_bytes: string;
            }>('SELECT workspace_id, document_bytes, article_bytes, eval_report_bytes FROM workspace_storage')
          ).rows.map((r) => [
            r.workspace_id,
            [Number(r.document_bytes), Number(r.article_bytes), Number(r.eval_report_bytes)],
          ]),
        );
      // 300 two-byte characters are 600 bytes, its HTML 40; versions 120 + 80; the report as jsonb writes it.
      expect(await counted()).toEqual({
        [a]: [3500, 840, 0],
        [b]: [700, 0, reportBytes],
        [empty]: [0, 0, 0],
      });

      const later = await ws('later');
      await database.query(`UPDATE articles SET markdown = repeat('a', 50) WHERE id = $1`, [article]);
      await database.query(`UPDATE articles SET html = repeat('h', 30) WHERE id = $1`, [article]);
      await database.query(`DELETE FROM documents WHERE content_hash = 'h2'`);
      await database.query(`DELETE FROM workspaces WHERE id = $1`, [b]);
      expect(await counted()).toEqual({ [a]: [1000, 280, 0], [empty]: [0, 0, 0], [later]: [0, 0, 0] });
      // Deleting the article takes its versions, and their count, with it.
      await database.query('DELETE FROM articles WHERE id = $1', [article]);
      expect((await counted())[a]).toEqual([1000, 0, 0]);
    } finally {
      await database.close();
      await created.drop();
    }
  });
});
