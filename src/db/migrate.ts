// Applies drizzle-kit migrations from ./drizzle, after trying to enable pgvector.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database } from './client.ts';

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
export async function appliedMigrations(database: Database): Promise<number> {
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
  const result = await enableVector(database);
  database.vectorAvailable = result.vectorAvailable;
  // Counted, not refused: the expand/contract rule (docs/operations.md) exists so that the previous
  // release runs on the schema of the next during a rolling update and after a rollback. Drizzle
  // applies nothing to such a database and says nothing either, so the caller warns.
  const unknown = (await appliedMigrations(database)) - knownMigrations();
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder });
  }
  return unknown > 0 ? { ...result, unknownMigrations: unknown } : result;
}

/** pgvector is optional on PostgreSQL: without it the app runs and vector features degrade. */
async function enableVector(database: Database): Promise<MigrationResult> {
  try {
    await database.exec('CREATE EXTENSION IF NOT EXISTS vector');
    return { vectorAvailable: true };
  } catch (err) {
    return { vectorAvailable: false, vectorError: (err as Error).message };
  }
}
