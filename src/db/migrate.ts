// Applies drizzle-kit migrations from ./drizzle, after trying to enable pgvector. On PostgreSQL the
// whole of it runs on one connection holding a session advisory lock: replicas started together on
// an empty database each ran every migration, and the second failed on the first's types (duplicate
// key in pg_type). A replica that finds the lock held waits, then finds the work done. PGlite is one
// process by construction (the data-directory lock), so it needs none.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type pg from 'pg';
import type { Database } from './client.ts';

/** The advisory lock key of migrations ("blogmigr"), apart from the per-workspace locks' hashes. */
export const migrationLock = '7092166003209627506';

/** What the steps need of a connection: the database, or the one client holding the lock. */
type Statements = Pick<Database, 'query' | 'exec'>;

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface MigrationResult {
  vectorAvailable: boolean;
  vectorError?: string;
  /** Migrations the database holds that this release does not know: a newer release migrated it. */
  unknownMigrations?: number;
}

/** The migrations this release knows: the entries of drizzle-kit's journal. */
export function knownMigrations(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

/** Migrations applied to the database (drizzle's log); 0 before the first. */
export async function appliedMigrations(database: Statements): Promise<number> {
  const { rows } = await database.query<{ log: string | null }>(
    `SELECT to_regclass('drizzle.__drizzle_migrations')::text AS log`,
  );
  if (!rows[0]?.log) return 0;
  const counted = await database.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations',
  );
  return counted.rows[0]?.n ?? 0;
}

export async function runMigrations(database: Database): Promise<MigrationResult> {
  const result = database.pool
    ? await migrateLocked(database.pool)
    : await migrateWith(database, () =>
        migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder }),
      );
  database.vectorAvailable = result.vectorAvailable;
  return result;
}

/** The extension and the migrations on one connection of `pool`, under the migration lock. */
function migrateLocked(pool: pg.Pool): Promise<MigrationResult> {
  return withMigrationLock(pool, (client) => {
    const statements: Statements = {
      query: async <Row>(text: string, params: unknown[] = []) => ({
        rows: (await client.query(text, params)).rows as Row[],
      }),
      exec: async (text) => void (await client.query(text)),
    };
    return migrateWith(statements, () =>
      migratePg(drizzlePg({ client }) as NodePgDatabase, { migrationsFolder }),
    );
  });
}

/**
 * Runs `work` while this process holds the migration lock (on PostgreSQL; the embedded database has
 * one process). For other schema set-up replicas must not race at start-up: pg-boss creating its
 * schema, which two processes starting together on an empty database both tried (one failed).
 */
export function underMigrationLock<T>(database: Database, work: () => Promise<T>): Promise<T> {
  return database.pool ? withMigrationLock(database.pool, work) : work();
}

async function withMigrationLock<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // Waits as long as another process migrates: a migration may rewrite a large table.
    await client.query('SELECT pg_advisory_lock($1::bigint)', [migrationLock]);
    try {
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [migrationLock]).catch((err: Error) => {
        // A connection that could not unlock is closed, not pooled: closing it ends the lock.
        broken = err;
      });
    }
  } finally {
    client.release(broken);
  }
}

async function migrateWith(database: Statements, migrate: () => Promise<void>): Promise<MigrationResult> {
  const result = await enableVector(database);
  // Counted, not refused: the expand/contract rule (docs/operations.md) exists so that the previous
  // release runs on the schema of the next during a rolling update and after a rollback. Drizzle
  // applies nothing to such a database and says nothing either, so the caller warns.
  const unknown = (await appliedMigrations(database)) - knownMigrations();
  await migrate();
  return unknown > 0 ? { ...result, unknownMigrations: unknown } : result;
}

/** pgvector is optional on PostgreSQL: without it the app runs and vector features degrade. */
async function enableVector(database: Statements): Promise<MigrationResult> {
  try {
    await database.exec('CREATE EXTENSION IF NOT EXISTS vector');
    return { vectorAvailable: true };
  } catch (err) {
    return { vectorAvailable: false, vectorError: (err as Error).message };
  }
}
