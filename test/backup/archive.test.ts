// What a backup archive may say about itself is checked before anything is written or trusted.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/backup/archive.ts';
import { manifestFor, writeBackupArchive } from '../support/backup-archive.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-archive-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openArchive', () => {
  // The payload's name came from the manifest unchecked and was joined to the extraction folder:
  // `backup verify` of a crafted archive wrote (or overwrote) a file wherever it named.
  it('refuses a payload name that is not one of the two dumps, and writes nothing', async () => {
    const target = path.join(dir, 'written-by-the-archive');
    const payload = Buffer.from('anything');
    const manifest = manifestFor('pglite', payload);
    // From the extraction folder (a new folder in the temporary directory) to `target`.
    const name = `../${path.relative(tmpdir(), target)}`;
    manifest.payload.name = name;
    const file = path.join(dir, 'crafted.tar');
    await writeBackupArchive(file, manifest, { name, data: payload });

    await expect(openArchive(file).then((a) => a.extractPayload())).rejects.toThrow(
      `${file} has an unreadable manifest: payload.name: `,
    );
    expect(existsSync(target)).toBe(false);
  });

  it("refuses the other kind's dump name", async () => {
    const payload = Buffer.from('anything');
    const manifest = manifestFor('pglite', payload);
    manifest.payload.name = 'database.pgdump';
    const file = path.join(dir, 'mixed.tar');
    await writeBackupArchive(file, manifest, { name: 'database.pgdump', data: payload });
    await expect(openArchive(file)).rejects.toThrow(
      `${file} has an unreadable manifest: payload.name: not the dump of the database kind the manifest names`,
    );
  });

  it('extracts a good payload', async () => {
    const payload = Buffer.from('a dump');
    const file = path.join(dir, 'good.tar');
    await writeBackupArchive(file, manifestFor('postgres', payload), {
      name: 'database.pgdump',
      data: payload,
    });
    const extracted = await (await openArchive(file)).extractPayload();
    expect(path.basename(extracted.file)).toBe('database.pgdump');
    await extracted.cleanup();
  });
});
