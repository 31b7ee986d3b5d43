// `restore` on PostgreSQL replaces the data whatever schema the database has moved on to: an older
// release's backup restored into an upgraded database used to keep what the later migrations had added
// (`pg_restore --clean` drops only what the dump holds), so the restore failed on their constraints or
// the next `migrate` failed on "relation llm_cache_size already exists". It is still all or nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpPostgres, restorePostgres } from '../../src/backup/postgres-dump.ts';
import { openDatabase } from '../../src/db/client.ts';
import { knownMigrations, runMigrations } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { migrateUpTo } from '../support/migrations-before.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-pg-restore-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function database(prepare: (url: string) => Promise<void>) {
  const created = await createTestDatabase('postgres');
  databases.push(created);
  await prepare(created.url!);
  return created.url!;
}

/** Runs `fn` on a database of its own connection, closed afterwards (a restore waits for no one). */
async function withDatabase<T>(
  url: string,
  fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
) {
  const db = await openDatabase({ url });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const workspaces = (url: string) =>
  withDatabase(url, async (db) =>
    (await db.query<{ name: string }>('SELECT name FROM workspaces ORDER BY name')).rows.map((r) => r.name),
  );

async function sql(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

const publicSchema = (url: string) =>
  sql(
    url,
    `SELECT nspowner::regrole::text AS owner, nspacl::text AS acl FROM pg_namespace WHERE nspname = 'public'`,
  );

describe('restorePostgres', () => {
  it("restores an older release's backup into an upgraded database, which then migrates", async () => {
    // A backup taken before migration 0018 (llm_cache_size), by the release before it.
    const older = await database((url) =>
      withDatabase(url, async (db) => {
        await migrateUpTo(db, '0018_cache_size');
        await db.query(`INSERT INTO workspaces (name) VALUES ('in the backup')`);
      }),
    );
    const file = path.join(dir, 'older.pgdump');
    await dumpPostgres(older, file);

    // The database it is restored into has every migration, and data of its own.
    const upgraded = await database((url) =>
      withDatabase(url, async (db) => {
        await runMigrations(db);
        await db.query(`INSERT INTO workspaces (name) VALUES ('after the backup')`);
      }),
    );
    const schemaBefore = await publicSchema(upgraded);

    await restorePostgres(upgraded, file);
    expect(await workspaces(upgraded)).toEqual(['in the backup']);
    expect(await sql(upgraded, `SELECT to_regclass('public.llm_cache_size') AS t`)).toEqual([{ t: null }]);

    await withDatabase(upgraded, (db) => runMigrations(db));
    expect(await sql(upgraded, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).toEqual([
      { n: knownMigrations() },
    ]);
    expect(await workspaces(upgraded)).toEqual(['in the backup']);
    // public is made again as it was: the same owner and grants.
    expect(await publicSchema(upgraded)).toEqual(schemaBefore);

    // A dump of the restored database restores over it again.
    const again = path.join(dir, 'again.pgdump');
    await dumpPostgres(upgraded, again);
    await withDatabase(upgraded, (db) => db.query(`INSERT INTO workspaces (name) VALUES ('later still')`));
    await restorePostgres(upgraded, again);
    expect(await workspaces(upgraded)).toEqual(['in the backup']);
  }, 300_000);

  it('leaves the database as it was when the dump cannot be read or does not apply', async () => {
    const url = await database((u) =>
      withDatabase(u, async (db) => {
        await runMigrations(db);
        await db.query(`INSERT INTO workspaces (name) VALUES ('kept')`);
      }),
    );
    const corrupt = path.join(dir, 'corrupt.pgdump');
    writeFileSync(corrupt, 'not a dump at all');
    await expect(restorePostgres(url, corrupt)).rejects.toThrow(/^pg_restore failed \(exit 1\): /);
    expect(await workspaces(url)).toEqual(['kept']);

    // A dump with a schema the target holds more in (not one of Blogsmith's, so not emptied): psql
    // stops at its DROP SCHEMA, and what ran before it (the emptying, the first tables) is rolled
    // back. The dump is large: pg_restore, no longer read once psql stopped, is stopped too — it
    // waited for ever on a full pipe.
    const other = await database((u) =>
      withDatabase(u, async (db) => {
        await runMigrations(db);
        await db.query(
          `CREATE SCHEMA reports; CREATE TABLE reports.monthly (n int);
           INSERT INTO reports.monthly SELECT generate_series(1, 50000)`,
        );
      }),
    );
    const file = path.join(dir, 'reports.pgdump');
    await dumpPostgres(other, file);
    await sql(url, 'CREATE SCHEMA reports; CREATE TABLE reports.extra (n int)');
    await expect(restorePostgres(url, file)).rejects.toThrow(
      /^psql failed \(exit 3\): .*cannot drop schema reports/s,
    );
    expect(await workspaces(url)).toEqual(['kept']);
  }, 300_000);

  it("restores a database's backup into it when it holds another schema, with a view on public", async () => {
    const url = await database((u) =>
      withDatabase(u, async (db) => {
        await runMigrations(db);
        await db.query(`INSERT INTO workspaces (name) VALUES ('before')`);
        await db.query(
          `CREATE SCHEMA reporting; CREATE TABLE reporting.t (n int); INSERT INTO reporting.t VALUES (7);
           CREATE VIEW reporting.names AS SELECT name FROM public.workspaces`,
        );
      }),
    );
    const file = path.join(dir, 'own.pgdump');
    await dumpPostgres(url, file);
    await sql(url, `INSERT INTO workspaces (name) VALUES ('after')`);
    await restorePostgres(url, file);
    expect(await workspaces(url)).toEqual(['before']);
    expect(await sql(url, 'SELECT n FROM reporting.t')).toEqual([{ n: 7 }]);
    expect(await sql(url, 'SELECT name FROM reporting.names')).toEqual([{ name: 'before' }]);
  }, 300_000);
});
