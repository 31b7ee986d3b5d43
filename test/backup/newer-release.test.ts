// A backup or a database from a newer release: the manifest's migration count and drizzle's log were
// recorded and never read, so this release restored such a backup, and ran on such a database, in
// silence. `restore` now refuses the backup, `backup verify` passes it with a warning (the archive is
// whole; only a newer release can restore it), and the migrator counts what it does not know.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpPglite } from '../../src/backup/pglite-dump.ts';
import { restoreBackup } from '../../src/backup/restore-backup.ts';
import { verifyBackup } from '../../src/backup/verify-backup.ts';
import { knownMigrations, migrationsFolder, runMigrations } from '../../src/db/migrate.ts';
import { manifestFor, writeBackupArchive } from '../support/backup-archive.ts';
import { openMigratedDatabase } from '../support/migrated-database.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-newer-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'));
const known = (journal as { entries: unknown[] }).entries.length;

describe('a newer release', () => {
  it('knows its migrations from the journal', () => {
    expect(knownMigrations()).toBe(known);
    expect(known).toBeGreaterThan(20);
  });

  it("refuses to restore a newer release's backup before touching anything", async () => {
    const payload = Buffer.from('a dump');
    const manifest = manifestFor('pglite', payload);
    manifest.database.serverVersion = '';
    manifest.appVersion = '9.9.9';
    manifest.inventory.migrations = known + 3;
    const file = path.join(dir, 'newer.tar');
    await writeBackupArchive(file, manifest, { name: 'pglite-datadir.tar.gz', data: payload });

    const dataDir = path.join(dir, 'data');
    await expect(restoreBackup({ file, dataDir, pgliteDir: path.join(dataDir, 'pg') })).rejects.toThrow(
      `This backup was taken by a newer Blogsmith (9.9.9: ${known + 3} migrations, this release knows ${known}): ` +
        'restore it with Blogsmith 9.9.9 or newer.',
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('verifies a newer release\u2019s backup, with a warning', async () => {
    const pgDir = path.join(dir, 'pg');
    const db = await PGlite.create({ dataDir: pgDir });
    await db.exec(`CREATE TABLE articles (id int PRIMARY KEY); INSERT INTO articles VALUES (1)`);
    await db.close();
    const { dump, inventory, version } = await dumpPglite(pgDir);
    const manifest = manifestFor('pglite', dump);
    manifest.database.serverVersion = version;
    manifest.appVersion = '9.9.9';
    manifest.inventory = { ...inventory, migrations: known + 1 };
    const file = path.join(dir, 'newer-whole.tar');
    await writeBackupArchive(file, manifest, { name: 'pglite-datadir.tar.gz', data: dump });

    const result = await verifyBackup({ file });
    expect(result.differences).toEqual([]);
    expect(result.warnings).toEqual([
      `This backup was taken by a newer Blogsmith (9.9.9: ${known + 1} migrations, this release knows ${known}): ` +
        'it verifies, but only Blogsmith 9.9.9 or newer can restore it.',
    ]);
  }, 120_000);

  it('counts the migrations a database holds that this release does not know', async () => {
    const { database, close } = await openMigratedDatabase('pglite');
    try {
      expect((await runMigrations(database)).unknownMigrations).toBeUndefined();
      await database.query(
        `INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('from-a-newer-release', 4102444800000)`,
      );
      expect((await runMigrations(database)).unknownMigrations).toBe(1);
    } finally {
      await close();
    }
  }, 120_000);
});
