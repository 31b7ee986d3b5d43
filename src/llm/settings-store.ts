// The `workspace_llm_settings` row of a workspace, as stored (credentials still encrypted).
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { workspaceLlmSettings } from '../db/schema/index.ts';
import { underWorkspaceLock } from '../db/workspace-lock.ts';

export type StoredLlmSettings = Pick<
  typeof workspaceLlmSettings.$inferSelect,
  'credentials' | 'roleModels' | 'monthlyBudgetUsd' | 'modelPrices'
>;

export async function readLlmSettings(
  database: Database,
  workspaceId: string,
): Promise<StoredLlmSettings | undefined> {
  const [row] = await database.db
    .select()
    .from(workspaceLlmSettings)
    .where(inWorkspace({ workspaceId }, workspaceLlmSettings));
  return row;
}

/**
 * Writes what `change` makes of the row as it is (undefined: none yet), holding a lock per workspace
 * from the read to the write: two changes at once (two admins, a script pricing models in parallel)
 * each used to write back the row it had read, and all but the last were lost.
 */
export async function changeLlmSettings<T>(
  database: Database,
  workspaceId: string,
  change: (stored: StoredLlmSettings | undefined) => { settings: StoredLlmSettings; result: T },
): Promise<T> {
  // A lock, not the row's: the first change of a workspace has no row to lock yet.
  return underWorkspaceLock(database, 'llm-settings', workspaceId, async (tx) => {
    const [row] = await tx
      .select()
      .from(workspaceLlmSettings)
      .where(inWorkspace({ workspaceId }, workspaceLlmSettings));
    const { settings, result } = change(row);
    const values = { ...settings, updatedAt: new Date() };
    await tx
      .insert(workspaceLlmSettings)
      .values({ workspaceId, ...values })
      .onConflictDoUpdate({ target: workspaceLlmSettings.workspaceId, set: values });
    return result;
  });
}

/** The workspace's model prices as stored (read through `storedModelPrices`). */
export async function readModelPrices(database: Database, workspaceId: string): Promise<unknown> {
  const [row] = await database.db
    .select({ prices: workspaceLlmSettings.modelPrices })
    .from(workspaceLlmSettings)
    .where(inWorkspace({ workspaceId }, workspaceLlmSettings));
  return row?.prices ?? {};
}

/** The workspace's own monthly budget, if it set one. */
export async function readMonthlyBudget(database: Database, workspaceId: string): Promise<number | null> {
  const [row] = await database.db
    .select({ budget: workspaceLlmSettings.monthlyBudgetUsd })
    .from(workspaceLlmSettings)
    .where(inWorkspace({ workspaceId }, workspaceLlmSettings));
  return row?.budget ?? null;
}
