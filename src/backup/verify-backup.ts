// `blogsmith backup verify FILE`: restores the dump into a scratch database (a throw-away
// PostgreSQL database, or an in-memory PGlite) and compares row counts per table and the
// articles checksum with the manifest. The configured database is never touched.
import { AppError } from '../errors.ts';
import { newerRelease, openArchive } from './archive.ts';
import { compareInventories, type InventoryDifference } from './inventory-store.ts';
import type { Manifest } from './manifest.ts';
import { assertSamePgliteMajor, inventoryOfPglite } from './pglite-dump.ts';
import { inventoryOf, restorePostgres, scratchDatabase } from './postgres-dump.ts';
import { keyFingerprint, openSecret } from './secret-envelope.ts';

export interface VerifyInput {
  file: string;
  /** A PostgreSQL server to create the scratch database on (PostgreSQL backups only). */
  serverUrl?: string;
  passphrase?: string;
}

export type SealedKeyCheck = 'not-included' | 'opens' | 'not-checked' | 'wrong-passphrase';

export interface VerifyResult {
  manifest: Manifest;
  differences: InventoryDifference[];
  tablesChecked: number;
  rowsChecked: number;
  sealedKey: SealedKeyCheck;
  /** What does not fail the check but limits the backup (a newer release's, which only it restores). */
  warnings: string[];
}

export async function verifyBackup(input: VerifyInput): Promise<VerifyResult> {
  const archive = await openArchive(input.file);
  const { manifest } = archive;
  // A warning, not a failure: the archive is whole and verifies; it is this release that cannot restore it.
  const newer = newerRelease(manifest);
  const warnings = newer
    ? [`${newer}: it verifies, but only Blogsmith ${manifest.appVersion} or newer can restore it.`]
    : [];
  let sealedKey: SealedKeyCheck = 'not-included';
  if (archive.sealedSecret) {
    sealedKey = 'not-checked';
    if (input.passphrase) {
      try {
        const key = openSecret(archive.sealedSecret, input.passphrase);
        sealedKey = keyFingerprint(key) === manifest.secret.fingerprint ? 'opens' : 'wrong-passphrase';
      } catch {
        sealedKey = 'wrong-passphrase';
      }
    }
  }
  if (manifest.database.kind === 'postgres' && !input.serverUrl) {
    throw new AppError(
      'validation_error',
      'Verifying a PostgreSQL backup needs a server for the scratch database: set DATABASE_URL or pass --scratch-url',
    );
  }
  if (manifest.database.kind === 'pglite')
    await assertSamePgliteMajor({ ...manifest.database, appVersion: manifest.appVersion });
  const payload = await archive.extractPayload();
  try {
    let restored: Awaited<ReturnType<typeof inventoryOf>>;
    if (manifest.database.kind === 'pglite') {
      restored = await inventoryOfPglite({ dump: payload.file });
    } else {
      const scratch = await scratchDatabase(input.serverUrl as string);
      try {
        await restorePostgres(scratch.url, payload.file);
        restored = await inventoryOf(scratch.url);
      } finally {
        await scratch.drop();
      }
    }
    const differences = compareInventories(manifest.inventory, restored);
    return {
      manifest,
      differences,
      tablesChecked: Object.keys(manifest.inventory.tables).length,
      rowsChecked: Object.values(manifest.inventory.tables).reduce((a, b) => a + b, 0),
      sealedKey,
      warnings,
    };
  } finally {
    await payload.cleanup();
  }
}
