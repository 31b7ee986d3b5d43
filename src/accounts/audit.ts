// The audit log, append-only: every statement on it (record an entry, read a page of them, delete
// the entries past their retention).
import { and, eq, getTableColumns, lt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
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
export async function audit(database: Database, entry: AuditEntry) {
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

/** Deletes the entries recorded before `cutoff`; answers how many. */
export async function deleteAuditBefore(database: Database, cutoff: Date): Promise<number> {
  const deleted = await database.db
    .delete(auditLog)
    .where(lt(auditLog.createdAt, cutoff))
    .returning({ id: auditLog.id });
  if (deleted.length > 0) await reclaimDeletedSpace(database, 'audit');
  return deleted.length;
}
