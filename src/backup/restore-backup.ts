// `blogsmith restore FILE`: puts a backup back into the configured database (the app must be
// stopped), checks the restored rows against the manifest, and settles the secret key explicitly:
// restored from the sealed copy, confirmed to match, or reported missing — never silently wrong.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { newerRelease, openArchive } from './archive.ts';
import { existingSecretKey } from './create-backup.ts';
import { compareInventories, type InventoryDifference } from './inventory-store.ts';
import type { Manifest } from './manifest.ts';
import { assertSamePgliteMajor, inventoryOfPglite, restorePglite } from './pglite-dump.ts';
import { blogsmithConnections, inventoryOf, restorePostgres } from './postgres-dump.ts';
import { keyFingerprint, openSecret } from './secret-envelope.ts';

export type SecretOutcome =
  /** The sealed key was written to DATA_DIR/secret.key (embedded installs without SECRET_KEY). */
  | { status: 'restored'; file: string }
  /** SECRET_KEY differs from the backup's key; the backup's key was written to `file` to set it. */
  | { status: 'written-aside'; file: string }
  /** The key in use is the one the backup was taken with. */
  | { status: 'matches' }
  /** The key in use is not the backup's: encrypted provider keys will not decrypt. */
  | { status: 'differs' }
  /** No key configured now; the backup was taken with one. */
  | { status: 'missing' }
  /** The backup was taken before any key existed. */
  | { status: 'none-at-backup' };

export interface RestoreInput {
  file: string;
  databaseUrl?: string;
  dataDir: string;
  pgliteDir: string;
  secretKeyEnv?: string;
  passphrase?: string;
  /** Restore the data even though the archive's sealed key cannot be opened (no passphrase). */
  withoutSecret?: boolean;
}

export interface RestoreResult {
  manifest: Manifest;
  differences: InventoryDifference[];
  secret: SecretOutcome;
  /** The embedded database's previous directory, kept aside. */
  previous?: string;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');

export async function restoreBackup(input: RestoreInput): Promise<RestoreResult> {
  const archive = await openArchive(input.file);
  const { manifest } = archive;
  const target = input.databaseUrl ? 'postgres' : 'pglite';
  if (manifest.database.kind !== target) {
    throw new AppError(
      'validation_error',
      `This backup is of ${manifest.database.kind === 'postgres' ? 'PostgreSQL' : 'the embedded database'} but ` +
        `Blogsmith is configured for ${target === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : 'the embedded database (no DATABASE_URL)'}; ` +
        'restore into the same kind of database it was taken from.',
    );
  }
  const newer = newerRelease(manifest);
  if (newer)
    throw new AppError(
      'validation_error',
      `${newer}: restore it with Blogsmith ${manifest.appVersion} or newer.`,
    );
  if (target === 'pglite')
    await assertSamePgliteMajor({ ...manifest.database, appVersion: manifest.appVersion });
  // The key is opened before anything is changed: a wrong passphrase must not leave a half-done restore.
  let sealedKey: string | undefined;
  if (archive.sealedSecret && !input.withoutSecret) {
    if (!input.passphrase) {
      throw new AppError(
        'validation_error',
        'This backup includes the secret key sealed with a passphrase: set BACKUP_PASSPHRASE to restore it, ' +
          'or pass --without-secret to restore the data only (provider keys then need the original SECRET_KEY).',
      );
    }
    try {
      sealedKey = openSecret(archive.sealedSecret, input.passphrase);
    } catch {
      throw new AppError('validation_error', 'BACKUP_PASSPHRASE does not open the secret key in this backup');
    }
    // Sealed under the same passphrase, another backup's key opens as well: only the one the
    // manifest names (the key the data's sealed settings need) may be written as this one's.
    if (keyFingerprint(sealedKey) !== manifest.secret.fingerprint)
      throw new AppError(
        'validation_error',
        `${input.file} is damaged: its sealed secret key is not the key the backup was taken with`,
      );
  }

  if (input.databaseUrl) {
    const connected = await blogsmithConnections(input.databaseUrl);
    if (connected.length > 0)
      throw new AppError(
        'conflict',
        `Blogsmith is running on this database (connected: ${connected.join(', ')}): stop every server, ` +
          'worker and command first — a restore replaces the data under them.',
      );
  }
  const payload = await archive.extractPayload();
  let previous: string | undefined;
  try {
    if (input.databaseUrl) await restorePostgres(input.databaseUrl, payload.file);
    else previous = (await restorePglite(input.pgliteDir, payload.file)).previous;
  } finally {
    await payload.cleanup();
  }
  const restored = input.databaseUrl
    ? await inventoryOf(input.databaseUrl)
    : await inventoryOfPglite({ dir: input.pgliteDir });
  // Tables the backup does not know (e.g. pg-boss housekeeping created later) are not its concern.
  const known = Object.fromEntries(
    Object.entries(restored.tables).filter(([name]) => name in manifest.inventory.tables),
  );
  const differences = compareInventories(manifest.inventory, { ...restored, tables: known });
  const secret = sealedKey
    ? settleSealedKey(sealedKey, input)
    : await compareKey(manifest, input.secretKeyEnv, input.dataDir);
  return { manifest, differences, secret, ...(previous ? { previous } : {}) };
}

function settleSealedKey(key: string, input: RestoreInput): SecretOutcome {
  if (input.secretKeyEnv) {
    if (input.secretKeyEnv === key) return { status: 'matches' };
    const file = path.resolve(input.dataDir, `secret.key.restored-${stamp()}`);
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return { status: 'written-aside', file };
  }
  const file = path.resolve(input.dataDir, 'secret.key');
  if (existsSync(file)) {
    if (readFileSync(file, 'utf8').trim() === key) return { status: 'matches' };
    renameSync(file, `${file}.before-restore-${stamp()}`);
  }
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { status: 'restored', file };
}

async function compareKey(manifest: Manifest, secretKeyEnv: string | undefined, dataDir: string) {
  if (!manifest.secret.fingerprint) return { status: 'none-at-backup' } as const;
  const current = await existingSecretKey(secretKeyEnv, dataDir);
  if (!current) return { status: 'missing' } as const;
  return keyFingerprint(current) === manifest.secret.fingerprint
    ? ({ status: 'matches' } as const)
    : ({ status: 'differs' } as const);
}
