// The embedded database's own dump: PGlite's data-directory tarball (gzip). It restores only into
// the same PGlite major (the manifest records the version); verify loads it into memory.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { AppError } from '../errors.ts';
import { type Inventory, takeInventory } from './inventory-store.ts';

const open = (dataDir: string, load?: Blob) =>
  PGlite.create({ dataDir, extensions: { vector }, ...(load ? { loadDataDir: load } : {}) });

const inventoryOfClient = (client: PGlite) =>
  takeInventory(async <Row>(text: string) => (await client.query<Row>(text)).rows);

// SHOW names its column server_version: reading `v` from it recorded "" in every manifest.
const versionOf = async (client: PGlite) =>
  (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ?? '';

/** "18.6" → "18", "15.20 (Debian 15.20-0+deb12u1)" → "15". */
export const majorVersion = (version: string) => version.split(/[.\s]/)[0] ?? '';

/**
 * A data-directory dump loads only into the PostgreSQL major it was taken with: refused with one line
 * before anything is touched, not left to PGlite's own failure part-way through. A manifest from
 * before the version was recorded (empty) is let through.
 */
export async function assertSamePgliteMajor(backup: { serverVersion: string; appVersion: string }) {
  if (!backup.serverVersion) return;
  const client = await open('memory://');
  let current: string;
  try {
    current = await versionOf(client);
  } finally {
    await client.close();
  }
  const [was, is] = [majorVersion(backup.serverVersion), majorVersion(current)];
  if (was !== is)
    throw new AppError(
      'validation_error',
      `This backup's embedded database is PostgreSQL ${was} (taken by Blogsmith ${backup.appVersion}) but this ` +
        `Blogsmith's is PostgreSQL ${is}, and a PGlite dump loads only into the same major: restore it with a ` +
        `Blogsmith release whose embedded database is PostgreSQL ${was}.`,
    );
}

/** Refuses a folder without a database: opening it would create one there, and a backup must not. */
export function assertEmbeddedDatabase(pgDir: string): void {
  if (!existsSync(path.join(pgDir, 'PG_VERSION')))
    throw new AppError(
      'validation_error',
      `No embedded database in ${path.dirname(pgDir)} (DATA_DIR) to back up: start Blogsmith once, or set DATA_DIR`,
    );
}

export async function dumpPglite(
  pgDir: string,
): Promise<{ dump: Buffer; inventory: Inventory; version: string }> {
  assertEmbeddedDatabase(pgDir);
  const client = await open(pgDir);
  try {
    const inventory = await inventoryOfClient(client);
    const version = await versionOf(client);
    const dump = Buffer.from(await (await client.dumpDataDir('gzip')).arrayBuffer());
    return { dump, inventory, version };
  } finally {
    await client.close();
  }
}

/** Inventory of a dump loaded into memory (the data directory on disk is not touched), or of a directory. */
export async function inventoryOfPglite(source: { dump: string } | { dir: string }): Promise<Inventory> {
  const client =
    'dump' in source
      ? await open('memory://', new Blob([await readFile(source.dump)]))
      : await open(source.dir);
  try {
    return await inventoryOfClient(client);
  } finally {
    await client.close();
  }
}

/**
 * Replaces the embedded database in `pgDir` with the dump. The previous directory is kept beside
 * it (`pg.before-restore-<time>`) rather than deleted: a restore must never be the data loss. The
 * dump is loaded into a folder of its own first and put in place only once whole: a load that fails
 * or is interrupted (Ctrl-C) leaves the database as it was, not a missing or half-loaded one that
 * the next start would open — or create empty — without a word.
 */
export async function restorePglite(pgDir: string, file: string): Promise<{ previous?: string }> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
  const loading = `${pgDir}.restoring-${stamp}`;
  try {
    const client = await open(path.resolve(loading), new Blob([await readFile(file)]));
    await client.close();
  } catch (err) {
    rmSync(loading, { recursive: true, force: true });
    throw err;
  }
  let previous: string | undefined;
  if (existsSync(pgDir) && readdirSync(pgDir).length > 0) {
    previous = `${pgDir}.before-restore-${stamp}`;
    renameSync(pgDir, previous);
  } else rmSync(pgDir, { recursive: true, force: true });
  renameSync(loading, pgDir);
  return previous ? { previous } : {};
}
