// What a backup archive may say about itself is checked before anything is written or trusted.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/backup/archive.ts';
import { restoreBackup } from '../../src/backup/restore-backup.ts';
import { keyFingerprint } from '../../src/backup/secret-envelope.ts';
import { listTar } from '../../src/backup/tar-archive.ts';
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

// The sealed key is the archive's last entry, and the archive's end was taken to be wherever the file
// ended: a copy cut short lost the key and still verified, as a backup taken without it.
describe('an archive that lost its end', () => {
  const key = 'the-secret-key-of-this-installation-0123456789';
  const passphrase = 'correct horse battery staple';

  async function sealedBackup(name: string) {
    const payload = Buffer.from('a dump'.repeat(300));
    const manifest = manifestFor('postgres', payload);
    manifest.secret = { included: true, fingerprint: keyFingerprint(key) };
    const file = path.join(dir, name);
    await writeBackupArchive(file, manifest, { name: 'database.pgdump', data: payload }, { key, passphrase });
    const entries = await listTar(file);
    expect(entries.map((e) => e.name)).toEqual([
      'manifest.json',
      'database.pgdump',
      'secret-key.sealed.json',
    ]);
    return { file, bytes: readFileSync(file), sealedAt: entries[2]!.offset - 512 };
  }

  it('is damaged when cut before its sealed key', async () => {
    const { file, bytes, sealedAt } = await sealedBackup('cut-before-key.tar');
    writeFileSync(file, bytes.subarray(0, sealedAt));
    await expect(openArchive(file)).rejects.toThrow(
      `${file} is damaged: it ends before its end-of-archive marker (truncated)`,
    );
  });

  it('is damaged when cut inside an entry or its end-of-archive marker', async () => {
    const { file, bytes, sealedAt } = await sealedBackup('cut-inside.tar');
    writeFileSync(file, bytes.subarray(0, sealedAt + 600));
    await expect(openArchive(file)).rejects.toThrow(
      `${file} is damaged: secret-key.sealed.json is cut short (truncated)`,
    );
    writeFileSync(file, bytes.subarray(0, bytes.length - 512));
    await expect(openArchive(file)).rejects.toThrow(
      `${file} is damaged: its end-of-archive marker is incomplete`,
    );
    writeFileSync(file, bytes);
    expect((await openArchive(file)).sealedSecret).toBeDefined();
  });

  it('is damaged when its manifest names a sealed key the archive does not hold', async () => {
    const payload = Buffer.from('a dump');
    const manifest = manifestFor('postgres', payload);
    manifest.secret = { included: true, fingerprint: keyFingerprint(key) };
    const file = path.join(dir, 'no-key.tar');
    await writeBackupArchive(file, manifest, { name: 'database.pgdump', data: payload });
    await expect(openArchive(file)).rejects.toThrow(
      `${file} is damaged: its manifest says the secret key is sealed in it, but secret-key.sealed.json is missing`,
    );
  });
});

// A key sealed under the same passphrase opens whichever backup it came from: restore wrote another
// installation's key (or an older one) as this backup's, and the data's sealed settings then failed.
describe('a sealed key that is not the backup’s own', () => {
  it('is refused before anything is touched', async () => {
    const passphrase = 'correct horse battery staple';
    const payload = Buffer.from('a dump'.repeat(300));
    const manifest = manifestFor('postgres', payload);
    manifest.secret = {
      included: true,
      fingerprint: keyFingerprint('the-key-the-backup-was-taken-with-0123456789'),
    };
    const file = path.join(dir, 'swapped-key.tar');
    await writeBackupArchive(
      file,
      manifest,
      { name: 'database.pgdump', data: payload },
      { key: 'another-installation-key-0123456789abcdefghij', passphrase },
    );
    // Port 1: a restore that went as far as the database would fail on the connection instead.
    await expect(
      restoreBackup({
        file,
        databaseUrl: 'postgres://nobody@127.0.0.1:1/none',
        dataDir: dir,
        pgliteDir: path.join(dir, 'pg'),
        passphrase,
      }),
    ).rejects.toThrow(`${file} is damaged: its sealed secret key is not the key the backup was taken with`);
  });
});
