// How much a workspace's library may hold (LIBRARY_STORAGE_MB), counted as the files' sizes as
// uploaded or fetched: each upload is bounded by MAX_FILE_SIZE_MB, and without a bound in all a
// member could fill the server's disk for every workspace, 25 MB a request.
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { libraryBytes } from './document-store.ts';
import { DocumentRejectedError } from './errors.ts';
import { megabytes } from './ingest-document.ts';

export const libraryStorageBytes = (config: Pick<Config, 'LIBRARY_STORAGE_MB'>) =>
  Math.floor(config.LIBRARY_STORAGE_MB * 1024 * 1024);

/** What the library holds and may hold, in bytes. */
export async function libraryStorage(
  database: Database,
  config: Pick<Config, 'LIBRARY_STORAGE_MB'>,
  workspaceId: string,
) {
  return { usedBytes: await libraryBytes(database.db, workspaceId), limitBytes: libraryStorageBytes(config) };
}

const rejection = (held: number, size: number, storageBytes: number) =>
  new DocumentRejectedError(
    'storage_full',
    `the library holds ${megabytes(held)} of its ${megabytes(storageBytes)} and this file is ` +
      `${megabytes(size)}: delete documents to make room, or ask the operator to raise LIBRARY_STORAGE_MB`,
  );

/** The rejection of a file of `size` bytes the library has no room left for. */
export async function noRoomFor(database: Database, workspaceId: string, size: number, storageBytes: number) {
  return rejection(await libraryBytes(database.db, workspaceId), size, storageBytes);
}

/** Throws the rejection when a file of `size` bytes would take the library past its bound. */
export async function assertRoomFor(
  database: Database,
  workspaceId: string,
  size: number,
  storageBytes: number,
) {
  const held = await libraryBytes(database.db, workspaceId);
  if (held + size > storageBytes) throw rejection(held, size, storageBytes);
}
