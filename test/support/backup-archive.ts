// Hand-made backup archives, for tests of what `backup verify` and `restore` accept: a manifest as
// Blogsmith writes it (changed by the test as it likes), a payload and, optionally, a sealed key.
import { createHash } from 'node:crypto';
import { manifestName, sealedSecretName } from '../../src/backup/manifest.ts';
import { sealSecret } from '../../src/backup/secret-envelope.ts';
import { type TarEntrySource, writeTar } from '../../src/backup/tar-archive.ts';

/** A manifest of `kind` for `payload`: JSON, so a test may put in what the schema refuses. */
export function manifestFor(kind: 'postgres' | 'pglite', payload: Buffer) {
  return {
    format: 'blogsmith-backup',
    version: 1,
    createdAt: '2026-01-02T03:04:05.006Z',
    appVersion: '0.0.0-test',
    database: { kind, serverVersion: kind === 'pglite' ? '18.6' : '15.20' },
    payload: {
      name: kind === 'pglite' ? 'pglite-datadir.tar.gz' : 'database.pgdump',
      bytes: payload.length,
      sha256: createHash('sha256').update(payload).digest('hex'),
    },
    inventory: { tables: {} as Record<string, number>, articlesChecksum: '', migrations: 0 },
    secret: { included: false, fingerprint: null as string | null },
  };
}

export async function writeBackupArchive(
  file: string,
  manifest: object,
  payload: { name: string; data: Buffer },
  sealed?: { key: string; passphrase: string },
): Promise<void> {
  const entries: TarEntrySource[] = [
    { name: manifestName, data: Buffer.from(JSON.stringify(manifest)) },
    payload,
  ];
  if (sealed)
    entries.push({
      name: sealedSecretName,
      data: Buffer.from(JSON.stringify(sealSecret(sealed.key, sealed.passphrase))),
    });
  await writeTar(file, entries);
}
