// What a workspace may hold of one kind is bounded: the number of rows listed whole (brand voices,
// open invitations), the bytes it stores (src/storage/workspace-storage.ts). The count and the insert run in one
// transaction under an advisory lock per workspace and kind: concurrent requests would otherwise
// each count before the others' inserts and pass the bound together.
import type { Database, Transaction } from './client.ts';
import { underWorkspaceLock } from './workspace-lock.ts';

/**
 * Runs `insert` when what is held (`count`) plus what it adds (`size`, one row unless said) stays
 * within `cap`, else returns `'full'` having written nothing.
 */
export async function insertWithinCap<T>(
  database: Database,
  opts: {
    kind: string;
    workspaceId: string;
    cap: number;
    size?: number;
    count: (tx: Transaction) => Promise<number>;
    insert: (tx: Transaction) => Promise<T>;
  },
): Promise<T | 'full'> {
  return underWorkspaceLock(database, opts.kind, opts.workspaceId, async (tx) => {
    if ((await opts.count(tx)) + (opts.size ?? 1) > opts.cap) return 'full' as const;
    return opts.insert(tx);
  });
}
