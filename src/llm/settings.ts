// Workspace LLM settings: provider credentials (encrypted at rest), a model per role and a monthly
// budget that overrides LLM_MONTHLY_BUDGET_USD. Decrypted values never leave the server: the HTTP
// edge only sees `settingsView`, which says whether a key is set.
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { workspaceLlmSettings } from '../db/schema/index.ts';
import { decryptSecret, encryptSecret } from '../security/encryption.ts';
import type { LlmRole, ProviderName } from './types.ts';

export interface ProviderCredentials {
  apiKey?: string;
  baseUrl?: string;
}

export interface WorkspaceLlmSettings {
  credentials: Partial<Record<ProviderName, ProviderCredentials>>;
  roleModels: Partial<Record<LlmRole, string>>;
  monthlyBudgetUsd: number | null;
}

export interface WorkspaceLlmSettingsView {
  credentials: Partial<Record<ProviderName, { apiKeySet: boolean; baseUrl: string | null }>>;
  roleModels: Partial<Record<LlmRole, string>>;
  monthlyBudgetUsd: number | null;
}

const empty = (): WorkspaceLlmSettings => ({ credentials: {}, roleModels: {}, monthlyBudgetUsd: null });

const mapCredentials = (
  credentials: Record<string, ProviderCredentials>,
  fn: (s: string) => string,
): Record<string, ProviderCredentials> =>
  Object.fromEntries(
    Object.entries(credentials).map(([provider, c]) => [
      provider,
      {
        ...(c.apiKey !== undefined ? { apiKey: fn(c.apiKey) } : {}),
        ...(c.baseUrl !== undefined ? { baseUrl: fn(c.baseUrl) } : {}),
      },
    ]),
  );

/** Decrypted settings, for the gateway only. A workspace without a row gets empty settings. */
export async function getWorkspaceLlmSettings(
  database: Database,
  secretKey: string,
  workspaceId: string,
): Promise<WorkspaceLlmSettings> {
  const [row] = await database.db
    .select()
    .from(workspaceLlmSettings)
    .where(inWorkspace({ workspaceId }, workspaceLlmSettings));
  if (!row) return empty();
  return {
    credentials: mapCredentials(row.credentials, (s) => decryptSecret(s, secretKey)),
    roleModels: row.roleModels,
    monthlyBudgetUsd: row.monthlyBudgetUsd,
  };
}

/** Replaces the workspace's settings (credentials encrypted before they are written). */
export async function saveWorkspaceLlmSettings(
  database: Database,
  secretKey: string,
  workspaceId: string,
  settings: WorkspaceLlmSettings,
): Promise<void> {
  const values = {
    credentials: mapCredentials(settings.credentials, (s) => encryptSecret(s, secretKey)),
    roleModels: settings.roleModels,
    monthlyBudgetUsd: settings.monthlyBudgetUsd,
    updatedAt: new Date(),
  };
  await database.db
    .insert(workspaceLlmSettings)
    .values({ workspaceId, ...values })
    .onConflictDoUpdate({ target: workspaceLlmSettings.workspaceId, set: values });
}

/** What an admin may see: whether a key is set, never the key. */
export function settingsView(settings: WorkspaceLlmSettings): WorkspaceLlmSettingsView {
  return {
    credentials: Object.fromEntries(
      Object.entries(settings.credentials).map(([provider, c]) => [
        provider,
        { apiKeySet: Boolean(c?.apiKey), baseUrl: c?.baseUrl ?? null },
      ]),
    ),
    roleModels: settings.roleModels,
    monthlyBudgetUsd: settings.monthlyBudgetUsd,
  };
}

/** The workspace's monthly budget: its own setting, else `fallbackUsd` (LLM_MONTHLY_BUDGET_USD). */
export async function monthlyBudgetOf(
  database: Database,
  workspaceId: string,
  fallbackUsd: number | undefined,
): Promise<number | undefined> {
  const [row] = await database.db
    .select({ budget: workspaceLlmSettings.monthlyBudgetUsd })
    .from(workspaceLlmSettings)
    .where(inWorkspace({ workspaceId }, workspaceLlmSettings));
  return row?.budget ?? fallbackUsd;
}
