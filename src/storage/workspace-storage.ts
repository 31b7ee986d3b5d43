// How much a workspace may store (WORKSPACE_STORAGE_MB): its library's files as uploaded or
// fetched, its articles' Markdown and HTML with every kept version, and its stored evaluation reports. Each
// write is bounded (a file by MAX_FILE_SIZE_MB, an edit by the Markdown limits and RATE_LIMIT_EDIT_MB
// a minute, a report by MAX_BODY_MB); without a bound in all, one member could fill the server's
// disk for every workspace.
import type { Config } from '../config.ts';
import { insertWithinCap } from '../db/capped-insert.ts';
import type { Database, Transaction } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { megabytes } from '../knowledge/ingest-document.ts';
import { storedBytes } from './storage-store.ts';

type StorageConfig = Pick<Config, 'WORKSPACE_STORAGE_MB'>;

const storageBoundBytes = (config: StorageConfig) => Math.floor(config.WORKSPACE_STORAGE_MB * 1024 * 1024);

type Stored = Awaited<ReturnType<typeof storedBytes>>;
const total = (stored: Stored) => stored.documentBytes + stored.articleBytes + stored.evalReportBytes;

const usedBytes = async (db: Pick<Transaction, 'select'>, workspaceId: string) =>
  total(await storedBytes(db, workspaceId));

/** What the workspace stores and may store, in bytes. */
export async function workspaceStorage(database: Database, config: StorageConfig, workspaceId: string) {
  const stored = await storedBytes(database.db, workspaceId);
  return { usedBytes: total(stored), limitBytes: storageBoundBytes(config), ...stored };
}

const storageFull = (held: number, size: number, bound: number) =>
  new AppError(
    'storage_full',
    `The workspace stores ${megabytes(held)} of its ${megabytes(bound)} and this would add ${megabytes(size)}: ` +
      'delete documents, articles or evaluation reports to make room, or ask the operator to raise WORKSPACE_STORAGE_MB',
    { usedBytes: held, limitBytes: bound, addedBytes: size },
  );

/**
 * Throws `storage_full` (413) when writing `size` bytes would take the workspace past its bound, or
 * it is there already (a write of unknown size, such as a new article's run, passes `0`).
 */
export async function assertStorageRoom(
  database: Database,
  config: StorageConfig,
  workspaceId: string,
  size: number,
) {
  const bound = storageBoundBytes(config);
  const held = await usedBytes(database.db, workspaceId);
  if (held + Math.max(size, 1) > bound) throw storageFull(held, size, bound);
}

/**
 * Runs `insert` (which stores `size` bytes) when they fit, checked and written under a lock per
 * workspace so concurrent writes cannot pass the bound together; throws `storage_full` otherwise.
 * For writes of up to MAX_FILE_SIZE_MB (uploads) or MAX_BODY_MB (reports); edits of at most a few hundred kB use
 * assertStorageRoom, whose bound a few concurrent edits may pass by what they add.
 */
export async function insertWithinStorage<T>(
  database: Database,
  config: StorageConfig,
  opts: { workspaceId: string; size: number; insert: (tx: Transaction) => Promise<T> },
): Promise<T> {
  const bound = storageBoundBytes(config);
  const inserted = await insertWithinCap(database, {
    kind: 'storage',
    workspaceId: opts.workspaceId,
    cap: bound,
    size: opts.size,
    count: (tx) => usedBytes(tx, opts.workspaceId),
    insert: opts.insert,
  });
  if (inserted === 'full')
    throw storageFull(await usedBytes(database.db, opts.workspaceId), opts.size, bound);
  return inserted;
}
