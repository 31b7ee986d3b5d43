// The budget's 80 % warning is an audit-log entry: written once a month per workspace, and looked
// up to know whether this month's was already written.
import { and, eq, gte } from 'drizzle-orm';
import { audit } from '../accounts/audit.ts';
import type { Database } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';

const warningAction = 'budget.warning';

export async function budgetWarningRecorded(
  database: Database,
  workspaceId: string,
  since: Date,
): Promise<boolean> {
  const [already] = await database.db
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
  return already !== undefined;
}

export async function recordBudgetWarning(
  database: Database,
  workspaceId: string,
  details: { spentUsd: number; budgetUsd: number },
): Promise<void> {
  await audit(database, { workspaceId, action: warningAction, details });
}
