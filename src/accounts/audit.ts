// The audit log: entries are written once and never changed. Every statement on it (record an
// entry, read a page of them, delete those past their retention).
import { and, eq, getTableColumns } from 'drizzle-orm';
import type { Database, Transaction } from '../db/client.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { after, createdMicrosOf, newestFirst, type PagePosition } from '../db/keyset.ts';
import { auditLog } from '../db/schema/index.ts';

export interface AuditEntry {
  workspaceId?: string | null;
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  action: string;
  target?: string | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/** Security-relevant actions: logins, keys, members, setup. Never holds a secret. */
/** Writes an audit entry, with the database or inside a transaction (`{ db: tx }`). */
export async function audit(database: { db: Pick<Transaction, 'insert'> }, entry: AuditEntry) {
  await database.db.insert(auditLog).values({
    workspaceId: entry.workspaceId ?? null,
    actorUserId: entry.actorUserId ?? null,
    actorApiKeyId: entry.actorApiKeyId ?? null,
    action: entry.action,
    target: entry.target ?? null,
    ip: entry.ip ?? null,
    requestId: entry.requestId ?? null,
    details: entry.details ?? null,
  });
}

export async function listAudit(
  database: Database,
  workspaceId: string,
  page: { limit: number; after?: PagePosition | undefined },
) {
  return database.db
    .select({ ...getTableColumns(auditLog), createdMicros: createdMicrosOf(auditLog) })
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), page.after ? after(auditLog, page.after) : undefined))
    .orderBy(...newestFirst(auditLog))
    .limit(page.limit);
}

/** Deletes the entries recorded before `cutoff`; answers how many (counted in the statement). */
export async function deleteAuditBefore(database: Database, cutoff: Date): Promise<number> {
  const { rows } = await database.query<{ n: number }>(
    'WITH gone AS (DELETE FROM audit_log WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
    [cutoff.toISOString()],
  );
  const deleted = rows[0]?.n ?? 0;
  if (deleted > 0) await reclaimDeletedSpace(database, 'audit');
  return deleted;
}
