// A database as an earlier release left it: the migrations before `tag` (the same files, the
// journal cut before it), applied to a database the test then migrates the rest of the way.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database } from '../../src/db/client.ts';
import { migrationsFolder } from '../../src/db/migrate.ts';

/** Applies the migrations up to (not including) `tag`. */
export async function migrateUpTo(database: Database, tag: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-migrations-'));
  try {
    cpSync(migrationsFolder, dir, { recursive: true });
    const journalPath = path.join(dir, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const at = journal.entries.findIndex((e) => e.tag === tag);
    if (at <= 0) throw new Error(`no migration ${tag} after the first`);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    if (database.kind === 'pglite')
      await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: dir });
    else await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
