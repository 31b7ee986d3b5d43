// The audit log, append-only: every statement on it (record an entry, read a page of them).
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
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
  page: { limit: number; before?: Date },
) {
  const where = page.before
    ? and(eq(auditLog.workspaceId, workspaceId), lt(auditLog.createdAt, page.before))
    : eq(auditLog.workspaceId, workspaceId);
  return database.db.select().from(auditLog).where(where).orderBy(desc(auditLog.createdAt)).limit(page.limit);
}
