// A benchmark's own database: the embedded PGlite in memory, or a fresh database on the PostgreSQL
// server (TEST_POSTGRES_URL) that drop() removes — the same ones the tests use.
import { type Database, openDatabase } from '../../src/db/client.ts';
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
  poolSize = 10,
): Promise<{ database: Database; drop(): Promise<void> }> {
  const created = await createTestDatabase(backend);
  const database = created.url
    ? await openDatabase({ url: created.url, poolSize })
    : await openDatabase({ dataDir: created.dataDir });
  return { database, drop: created.drop };
}
