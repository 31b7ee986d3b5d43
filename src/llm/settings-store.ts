// The `workspace_llm_settings` row of a workspace, as stored (credentials still encrypted).
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { workspaceLlmSettings } from '../db/schema/index.ts';

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

/** Inserts or replaces the row. */
export async function writeLlmSettings(
  database: Database,
  workspaceId: string,
  settings: StoredLlmSettings,
): Promise<void> {
  const values = { ...settings, updatedAt: new Date() };
  await database.db
    .insert(workspaceLlmSettings)
    .values({ workspaceId, ...values })
    .onConflictDoUpdate({ target: workspaceLlmSettings.workspaceId, set: values });
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
