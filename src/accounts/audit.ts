// The audit log, append-only: every statement on it (record an entry, read a page of them).
import { and, eq, getTableColumns } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
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
