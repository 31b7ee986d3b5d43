// Applies drizzle-kit migrations from ./drizzle, after trying to enable pgvector.
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
}

export async function runMigrations(database: Database): Promise<MigrationResult> {
  const result = await enableVector(database);
  database.vectorAvailable = result.vectorAvailable;
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder });
  }
  return result;
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
