// The manifest records the database's server version (it was always "": the query's column was
// misread), and a dump of the embedded database is refused, in one line and before anything is
// touched, by a Blogsmith whose PGlite is another PostgreSQL major: its data directory cannot load.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverVersion } from '../../src/backup/postgres-dump.ts';
import { restoreBackup } from '../../src/backup/restore-backup.ts';
import { verifyBackup } from '../../src/backup/verify-backup.ts';
import { manifestFor, writeBackupArchive } from '../support/backup-archive.ts';
import { adminUrl } from '../support/database.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-server-version-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('server versions', () => {
  it("reads PostgreSQL's version", async () => {
    expect(await serverVersion(adminUrl)).toMatch(/^\d+\.\d+/);
  });

  it('refuses an embedded backup of another PostgreSQL major before touching anything', async () => {
    const payload = Buffer.from('a data directory of PostgreSQL 17');
    const manifest = manifestFor('pglite', payload);
    manifest.database.serverVersion = '17.4';
    manifest.appVersion = '0.9.0';
    const file = path.join(dir, 'older-major.tar');
    await writeBackupArchive(file, manifest, { name: 'pglite-datadir.tar.gz', data: payload });
    const refusal =
      "This backup's embedded database is PostgreSQL 17 (taken by Blogsmith 0.9.0) but this Blogsmith's is " +
      'PostgreSQL 18, and a PGlite dump loads only into the same major: restore it with a Blogsmith release ' +
      'whose embedded database is PostgreSQL 17.';

    const dataDir = path.join(dir, 'data');
    const pgliteDir = path.join(dataDir, 'pg');
    await expect(restoreBackup({ file, dataDir, pgliteDir })).rejects.toThrow(refusal);
    expect(existsSync(dataDir)).toBe(false);
    await expect(verifyBackup({ file })).rejects.toThrow(refusal);
  }, 60_000);
});
