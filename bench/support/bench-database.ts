// A benchmark's own database: the embedded PGlite in a temporary data directory (on disk, as
// `npm start` runs it: in memory, PGlite grows each file by copying it, a cost no user pays), or a
// fresh database on the PostgreSQL server (TEST_POSTGRES_URL); drop() removes either.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { type Backend, backends, createTestDatabase } from '../../test/support/database.ts';

/** A BENCH_* list entry as a backend; anything else is a usage error, not a silent default. */
export function backendNamed(name: string): Backend {
  const known: readonly string[] = backends;
  if (!known.includes(name))
    throw new Error(`unknown database "${name}": expected one of ${backends.join(', ')}`);
  return name as Backend;
}

export async function openBenchDatabase(
  backend: Backend,
  options: { poolSize?: number; embeddedCache?: string | undefined } = {},
): Promise<{ database: Database; drop(): Promise<void> }> {
  const { poolSize = 10, embeddedCache } = options;
  if (backend === 'pglite') {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'blogsmith-bench-'));
    const database = await openDatabase({ dataDir, ...(embeddedCache ? { embeddedCache } : {}) });
    return { database, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const created = await createTestDatabase(backend);
  const database = await openDatabase({ url: created.url, poolSize });
  return { database, drop: created.drop };
}

/** A workspace of its own for a benchmark's rows; its id. */
export async function insertWorkspace(database: Database, name: string): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO workspaces (name) VALUES ($1) RETURNING id`,
    [name],
  );
  return rows[0]!.id;
}

/** openBenchDatabase with the app's schema in place (its migrations run). */
export async function openMigratedBenchDatabase(backend: Backend) {
  const opened = await openBenchDatabase(backend);
  await runMigrations(opened.database);
  return opened;
}
