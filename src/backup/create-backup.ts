// `blogsmith backup`: one archive holding a consistent dump of the database (pg_dump custom format
// on PostgreSQL, PGlite's data-directory dump on the embedded database), its manifest and, only
// when asked, the secret key sealed with a passphrase.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sha256File } from './archive.ts';
import type { Inventory } from './inventory-store.ts';
import { type Manifest, manifestName, payloadNames, sealedSecretName } from './manifest.ts';
import { dumpPglite } from './pglite-dump.ts';
import { dumpPostgres, serverVersion } from './postgres-dump.ts';
import { backupFileName, futureBackups, pruneBackups, removeAbandonedWork } from './retention.ts';
import { keyFingerprint, sealSecret } from './secret-envelope.ts';
import type { TarEntrySource } from './tar-archive.ts';
import { writeTar } from './tar-archive.ts';

export interface BackupSource {
  /** PostgreSQL; when absent, the embedded database in `pgliteDir`. */
  databaseUrl?: string;
  pgliteDir: string;
}

export interface CreateBackupInput extends BackupSource {
  outDir: string;
  /** The key in use (SECRET_KEY or DATA_DIR/secret.key); undefined when none exists yet. */
  secretKey?: string;
  /** Seal the secret key into the archive with this passphrase. */
  includeSecretWith?: string;
  /** Keep only the newest N backups in outDir. */
  keep?: number;
  appVersion: string;
}

export interface CreatedBackup {
  file: string;
  manifest: Manifest;
  pruned: string[];
  /** Backups in outDir named with a later time than this one (see futureBackups). */
  futureDated: string[];
}

export async function createBackup(input: CreateBackupInput): Promise<CreatedBackup> {
  mkdirSync(input.outDir, { recursive: true });
  removeAbandonedWork(input.outDir, tmpdir());
  const work = await mkdtemp(path.join(tmpdir(), 'blogsmith-backup-'));
  const createdAt = new Date();
  const file = path.join(input.outDir, backupFileName(createdAt));
  const partial = `${file}.partial`;
  try {
    let payload: { name: (typeof payloadNames)[keyof typeof payloadNames]; file: string };
    let inventory: Inventory;
    let version: string;
    let kind: 'postgres' | 'pglite';
    if (input.databaseUrl) {
      kind = 'postgres';
      payload = { name: payloadNames.postgres, file: path.join(work, payloadNames.postgres) };
      version = await serverVersion(input.databaseUrl);
      inventory = await dumpPostgres(input.databaseUrl, payload.file);
    } else {
      kind = 'pglite';
      payload = { name: payloadNames.pglite, file: path.join(work, payloadNames.pglite) };
      const dumped = await dumpPglite(input.pgliteDir);
      await writeFile(payload.file, dumped.dump);
      inventory = dumped.inventory;
      version = dumped.version;
    }
    const bytes = statSync(payload.file).size;
    const manifest: Manifest = {
      format: 'blogsmith-backup',
      version: 1,
      createdAt: createdAt.toISOString(),
      appVersion: input.appVersion,
      database: { kind, serverVersion: version },
      payload: { name: payload.name, bytes, sha256: await sha256File(payload.file) },
      inventory,
      secret: {
        included: Boolean(input.includeSecretWith && input.secretKey),
        fingerprint: input.secretKey ? keyFingerprint(input.secretKey) : null,
      },
    };
    const entries: TarEntrySource[] = [
      { name: manifestName, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
      { name: payload.name, data: { file: payload.file, size: bytes } },
    ];
    if (input.includeSecretWith && input.secretKey) {
      const sealed = sealSecret(input.secretKey, input.includeSecretWith);
      entries.push({ name: sealedSecretName, data: Buffer.from(JSON.stringify(sealed)) });
    }
    await writeTar(partial, entries);
    // The archive's bytes reach the disk before it takes its name, and the name before old backups are
    // removed: after a crash or power loss the newest backup must not be an empty or missing file
    // while the ones --keep removed are gone.
    syncToDisk(partial);
    renameSync(partial, file);
    syncToDisk(input.outDir);
    const pruned = input.keep ? pruneBackups(input.outDir, input.keep, file) : [];
    return { file, manifest, pruned, futureDated: futureBackups(input.outDir, createdAt) };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** fsync: a file's data, or a folder's entries (a rename in it), are on the disk when it returns. */
function syncToDisk(target: string): void {
  const fd = openSync(target, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The key in use without creating one (a backup must not mint a new key as a side effect). */
export async function existingSecretKey(secretKeyEnv: string | undefined, dataDir: string) {
  if (secretKeyEnv) return secretKeyEnv;
  try {
    return (await readFile(path.resolve(dataDir, 'secret.key'), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
