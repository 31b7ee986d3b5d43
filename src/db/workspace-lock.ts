// One workspace's writes of one kind, one at a time: a transaction holding an advisory lock named
// after both, for read-then-write steps whose read has no row to lock yet (a count before an
// insert, a settings row not created yet). Other workspaces and other kinds are not held up.
import { sql } from 'drizzle-orm';
import type { Database, Transaction } from './client.ts';

export function underWorkspaceLock<T>(
  database: Database,
  kind: string,
  workspaceId: string,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${kind}:${workspaceId}`}, 0))`);
    return work(tx);
  });
}
