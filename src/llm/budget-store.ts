// The budget's 80 % warning is an audit-log entry, written once a month per workspace.
import { and, eq, gte } from 'drizzle-orm';
import { audit } from '../accounts/audit.ts';
import type { Database } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';
import { underWorkspaceLock } from '../db/workspace-lock.ts';

const warningAction = 'budget.warning';

/**
 * Writes this month's warning (`since`: the month's start) unless one is there; true when written.
 * Looked up and written under a lock per workspace: calls at once (parallel sections, other
 * processes) each found none and each wrote one.
 */
export async function recordBudgetWarningOnce(
  database: Database,
  workspaceId: string,
  since: Date,
  details: { spentUsd: number; budgetUsd: number },
): Promise<boolean> {
  return underWorkspaceLock(database, warningAction, workspaceId, async (tx) => {
    const [already] = await tx
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.workspaceId, workspaceId),
          eq(auditLog.action, warningAction),
          gte(auditLog.createdAt, since),
        ),
      )
      .limit(1);
    if (already) return false;
    await audit({ db: tx }, { workspaceId, action: warningAction, details });
    return true;
  });
}
