// Monthly LLM budget per workspace (LLM_MONTHLY_BUDGET_USD): a warning once a month at 80 %,
// a hard stop at 100 %. Spend is the ledger's sum for the current UTC month.
import { EventEmitter } from 'node:events';
import { and, eq, gte } from 'drizzle-orm';
import { audit } from '../accounts/audit.ts';
import type { Database } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { monthSpend } from './ledger.ts';
import { observeBudget } from './metrics.ts';

export interface BudgetWarning {
  workspaceId: string;
  spentUsd: number;
  budgetUsd: number;
}

/** Emits 'warning' (BudgetWarning) the first time a workspace passes 80 % in a month. */
export const budgetEvents = new EventEmitter();

const warningAction = 'budget.warning';

export async function checkBudget(database: Database, workspaceId: string, budgetUsd: number | undefined) {
  if (budgetUsd === undefined) return;
  const { from, costUsd } = await monthSpend(database, workspaceId);
  observeBudget(workspaceId, costUsd, budgetUsd);
  if (costUsd >= budgetUsd) {
    throw new AppError(
      'budget_exceeded',
      `This workspace has spent $${costUsd.toFixed(4)} of its $${budgetUsd.toFixed(2)} monthly LLM budget`,
      { spentUsd: costUsd, budgetUsd },
    );
  }
  if (costUsd >= 0.8 * budgetUsd) {
    const [already] = await database.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.workspaceId, workspaceId),
          eq(auditLog.action, warningAction),
          gte(auditLog.createdAt, from),
        ),
      )
      .limit(1);
    if (already) return;
    await audit(database, { workspaceId, action: warningAction, details: { spentUsd: costUsd, budgetUsd } });
    budgetEvents.emit('warning', { workspaceId, spentUsd: costUsd, budgetUsd } satisfies BudgetWarning);
  }
}
