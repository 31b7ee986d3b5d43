// Rows a workspace may hold of one kind (brand voices, open invitations) are listed whole, so their
// number is bounded. The count and the insert run in one transaction under an advisory lock per
// workspace and kind: concurrent requests would otherwise each count the rows before the others'
// inserts and pass the bound together.
import { sql } from 'drizzle-orm';
import type { Database, Transaction } from './client.ts';

/** Runs `insert` when `count` is below `cap`, else returns `'full'` having written nothing. */
export async function insertWithinCap<T>(
  database: Database,
  opts: {
    kind: string;
    workspaceId: string;
    cap: number;
    count: (tx: Transaction) => Promise<number>;
    insert: (tx: Transaction) => Promise<T>;
  },
): Promise<T | 'full'> {
  return database.db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`${opts.kind}:${opts.workspaceId}`}, 0))`,
    );
    if ((await opts.count(tx)) >= opts.cap) return 'full' as const;
    return opts.insert(tx);
  });
}
