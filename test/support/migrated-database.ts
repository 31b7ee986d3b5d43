// A migrated database of a test file's own on either backend (see database.ts); close() closes and
// drops it.
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { type Backend, createTestDatabase } from './database.ts';

export async function openMigratedDatabase(
  backend: Backend,
): Promise<{ database: Database; close(): Promise<void> }> {
  const created = await createTestDatabase(backend);
  const database = created.url
    ? await openDatabase({ url: created.url })
    : await openDatabase({ dataDir: created.dataDir });
  await runMigrations(database);
  return {
    database,
    async close() {
      await database.close();
      await created.drop();
    },
  };
}

/** A new workspace's id, for tests that write articles straight into the database. */
export async function insertWorkspace(database: Database): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
  );
  return rows[0]!.id;
}
