// Restoring the embedded database loads the dump beside it and puts it in place only once whole: a
// dump that does not load (corrupt, or the load interrupted) leaves the database as it was. It used
// to be moved aside first, leaving the next start a missing or half-loaded folder to open.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { restorePglite } from '../../src/backup/pglite-dump.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-restore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = async (pgDir: string) => {
  const db = await PGlite.create({ dataDir: pgDir });
  try {
    return (await db.query<{ note: string }>('SELECT note FROM notes ORDER BY note')).rows.map((r) => r.note);
  } finally {
    await db.close();
  }
};

describe('restorePglite', () => {
  it('leaves the database as it was when the dump does not load, and replaces it when it does', async () => {
    const pgDir = path.join(dir, 'pg');
    const db = await PGlite.create({ dataDir: pgDir });
    await db.exec(`CREATE TABLE notes (note text); INSERT INTO notes VALUES ('before the backup')`);
    const dump = path.join(dir, 'database.tar.gz');
    writeFileSync(dump, Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()));
    await db.close();
    const later = await PGlite.create({ dataDir: pgDir });
    await later.exec(`INSERT INTO notes VALUES ('after the backup')`);
    await later.close();

    const corrupt = path.join(dir, 'corrupt.tar.gz');
    writeFileSync(corrupt, Buffer.from('not a dump at all'));
    await expect(restorePglite(pgDir, corrupt)).rejects.toThrow();
    expect(await rows(pgDir)).toEqual(['after the backup', 'before the backup']);
    expect(readdirSync(dir).sort()).toEqual(['corrupt.tar.gz', 'database.tar.gz', 'pg']);

    const { previous } = await restorePglite(pgDir, dump);
    expect(await rows(pgDir)).toEqual(['before the backup']);
    expect(await rows(previous!)).toEqual(['after the backup', 'before the backup']);
  }, 120_000);
});
