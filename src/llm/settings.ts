// Workspace LLM settings: provider credentials (encrypted at rest), a model per role, a monthly
// budget that overrides LLM_MONTHLY_BUDGET_USD and the prices an admin entered for models. Decrypted values never leave the server: the HTTP
// edge only sees `settingsView`, which says whether a key is set.
import type { Database } from '../db/client.ts';
import { decryptSecret, encryptSecret } from '../security/encryption.ts';
import { displayUrl } from './display-url.ts';
import { modelIdProblem } from './model-id.ts';
import { type ModelPrice, storedModelPrices } from './model-prices.ts';
import { providerNames } from './provider-names.ts';
import { llmRoles } from './roles.ts';
import {
  changeLlmSettings,
  readLlmSettings,
  readModelPrices,
  readMonthlyBudget,
  type StoredLlmSettings,
} from './settings-store.ts';
import type { LlmRole, ProviderName } from './types.ts';

const credentialFields = ['apiKey', 'baseUrl'] as const;
type CredentialField = (typeof credentialFields)[number];

export interface ProviderCredentials {
  apiKey?: string;
  baseUrl?: string;
  /**
   * Stored values this server's SECRET_KEY cannot open — another key sealed them (a backup restored
   * without its secret key, a changed SECRET_KEY) — kept as stored until replaced or cleared; calls
   * to the provider fail with the reason meanwhile (workspace-settings-source.ts).
   */
  sealed?: Partial<Record<CredentialField, string>>;
}

export interface WorkspaceLlmSettings {
  credentials: Partial<Record<ProviderName, ProviderCredentials>>;
  roleModels: Partial<Record<LlmRole, string>>;
  monthlyBudgetUsd: number | null;
  /** USD per 1M tokens by `provider:model`, over the built-in prices. */
  modelPrices: Record<string, ModelPrice>;
}

export interface WorkspaceLlmSettingsView {
  credentials: Partial<
    Record<ProviderName, { apiKeySet: boolean; baseUrl: string | null; unreadable: CredentialField[] }>
  >;
  roleModels: Partial<Record<LlmRole, string>>;
  monthlyBudgetUsd: number | null;
  /** USD per 1M tokens by `provider:model`, over the built-in prices. */
  modelPrices: Record<string, ModelPrice>;
}

const empty = (): WorkspaceLlmSettings => ({
  credentials: {},
  roleModels: {},
  monthlyBudgetUsd: null,
  modelPrices: {},
});

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The stored credentials opened with `secretKey`: a value it cannot open is kept sealed; anything
 * not of this version's shape (another version's provider, a damaged row) is left out.
 */
function openCredentials(stored: unknown, secretKey: string): WorkspaceLlmSettings['credentials'] {
  const credentials: WorkspaceLlmSettings['credentials'] = {};
  if (!isRecord(stored)) return credentials;
  for (const [provider, c] of Object.entries(stored)) {
    if (!(providerNames as readonly string[]).includes(provider) || !isRecord(c)) continue;
    const opened: ProviderCredentials = {};
    for (const field of credentialFields) {
      const value = c[field];
      if (typeof value !== 'string') continue;
      try {
        opened[field] = decryptSecret(value, secretKey);
      } catch {
        opened.sealed = { ...opened.sealed, [field]: value };
      }
    }
    if (Object.keys(opened).length > 0) credentials[provider as ProviderName] = opened;
  }
  return credentials;
}

/** The credentials as stored: opened values sealed with `secretKey`, sealed ones kept as they were. */
function sealCredentials(credentials: WorkspaceLlmSettings['credentials'], secretKey: string) {
  const stored: Record<string, Partial<Record<CredentialField, string>>> = {};
  for (const [provider, c] of Object.entries(credentials)) {
    const sealed: Partial<Record<CredentialField, string>> = {};
    for (const field of credentialFields) {
      const value = c?.[field] !== undefined ? encryptSecret(c[field], secretKey) : c?.sealed?.[field];
      if (value !== undefined) sealed[field] = value;
    }
    if (Object.keys(sealed).length > 0) stored[provider] = sealed;
  }
  return stored;
}

/**
 * The stored role models this version knows, by role: a model of a provider it does not know
 * (stored by another version) is left out, as its credentials are, and the role uses the default.
 */
function knownRoleModels(stored: unknown): WorkspaceLlmSettings['roleModels'] {
  if (!isRecord(stored)) return {};
  return Object.fromEntries(
    llmRoles.flatMap((role) => {
      const id = stored[role];
      return typeof id === 'string' && id.length <= 200 && modelIdProblem(id) === null ? [[role, id]] : [];
    }),
  );
}

const opened = (row: StoredLlmSettings | undefined, secretKey: string): WorkspaceLlmSettings =>
  row
    ? {
        credentials: openCredentials(row.credentials, secretKey),
        roleModels: knownRoleModels(row.roleModels),
        monthlyBudgetUsd: row.monthlyBudgetUsd,
        modelPrices: storedModelPrices(row.modelPrices),
      }
    : empty();

const sealed = (settings: WorkspaceLlmSettings, secretKey: string): StoredLlmSettings => ({
  credentials: sealCredentials(settings.credentials, secretKey),
  roleModels: settings.roleModels,
  monthlyBudgetUsd: settings.monthlyBudgetUsd,
  modelPrices: settings.modelPrices,
});

/** Decrypted settings, for the gateway only. A workspace without a row gets empty settings. */
export async function getWorkspaceLlmSettings(
  database: Database,
  secretKey: string,
  workspaceId: string,
): Promise<WorkspaceLlmSettings> {
  return opened(await readLlmSettings(database, workspaceId), secretKey);
}

/**
 * Changes the workspace's settings as they are when the change is written (credentials encrypted
 * before they are): `change` gets them then and returns the new ones, or throws to refuse.
 */
export async function updateWorkspaceLlmSettings(
  database: Database,
  secretKey: string,
  workspaceId: string,
  change: (current: WorkspaceLlmSettings) => WorkspaceLlmSettings,
): Promise<{ before: WorkspaceLlmSettings; after: WorkspaceLlmSettings }> {
  return changeLlmSettings(database, workspaceId, (row) => {
    const before = opened(row, secretKey);
    const after = change(before);
    return { settings: sealed(after, secretKey), result: { before, after } };
  });
}

/** What an admin may see: whether a key is set, never the key. */
export function settingsView(settings: WorkspaceLlmSettings): WorkspaceLlmSettingsView {
  return {
    credentials: Object.fromEntries(
      Object.entries(settings.credentials).map(([provider, c]) => [
        provider,
        {
          apiKeySet: Boolean(c?.apiKey),
          baseUrl: c?.baseUrl ?? null,
          unreadable: credentialFields.filter((f) => c?.sealed?.[f] !== undefined),
        },
      ]),
    ),
    roleModels: settings.roleModels,
    monthlyBudgetUsd: settings.monthlyBudgetUsd,
    modelPrices: settings.modelPrices,
  };
}

/** The workspace's monthly budget: its own setting, else `fallbackUsd` (LLM_MONTHLY_BUDGET_USD). */
export async function monthlyBudgetOf(
  database: Database,
  workspaceId: string,
  fallbackUsd: number | undefined,
): Promise<number | undefined> {
  return (await readMonthlyBudget(database, workspaceId)) ?? fallbackUsd;
}

/** The prices the workspace's admins entered, by `provider:model` (no credentials decrypted). */
export async function workspaceModelPrices(
  database: Database,
  workspaceId: string,
): Promise<Record<string, ModelPrice>> {
  return storedModelPrices(await readModelPrices(database, workspaceId));
}

/** A PUT body: an omitted field keeps its value, null clears it. */
export interface WorkspaceLlmSettingsPatch {
  credentials?: Partial<
    Record<ProviderName, { apiKey?: string | null; baseUrl?: string | null } | undefined>
  >;
  roleModels?: Partial<Record<LlmRole, string | null | undefined>>;
  monthlyBudgetUsd?: number | null;
  modelPrices?: Record<string, ModelPrice | null | undefined>;
}

function merged<T extends object>(current: T, patch: Record<string, unknown>): T {
  const next = { ...current } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else if (v !== undefined) next[k] = v;
  }
  return next as T;
}

export function applySettingsPatch(
  current: WorkspaceLlmSettings,
  patch: WorkspaceLlmSettingsPatch,
): WorkspaceLlmSettings {
  const credentials = { ...current.credentials };
  for (const [provider, change] of Object.entries(patch.credentials ?? {})) {
    const name = provider as ProviderName;
    const next = merged<ProviderCredentials>(credentials[name] ?? {}, change ?? {});
    // A value set or cleared replaces what was sealed with another key.
    const sealed = Object.fromEntries(
      Object.entries(next.sealed ?? {}).filter(([f]) => change?.[f as CredentialField] === undefined),
    );
    if (Object.keys(sealed).length > 0) next.sealed = sealed;
    else delete next.sealed;
    if (Object.keys(next).length === 0) delete credentials[name];
    else credentials[name] = next;
  }
  return {
    credentials,
    roleModels: merged(current.roleModels, patch.roleModels ?? {}),
    monthlyBudgetUsd:
      patch.monthlyBudgetUsd === undefined ? current.monthlyBudgetUsd : patch.monthlyBudgetUsd,
    modelPrices: merged(current.modelPrices, patch.modelPrices ?? {}),
  };
}

/**
 * What changed between two settings, for the audit log: keys as set/cleared/replaced (never their
 * values), base URLs without query strings, role models and the budget as they were and became.
 * Empty when nothing changed.
 */
export function settingsChanges(before: WorkspaceLlmSettings, after: WorkspaceLlmSettings) {
  const apiKeys: Record<string, 'set' | 'cleared' | 'replaced'> = {};
  const baseUrls: Record<string, { from: string | null; to: string | null }> = {};
  const providers = new Set([...Object.keys(before.credentials), ...Object.keys(after.credentials)]);
  for (const p of providers) {
    const b = before.credentials[p as ProviderName];
    const a = after.credentials[p as ProviderName];
    if (b?.apiKey !== a?.apiKey) apiKeys[p] = !b?.apiKey ? 'set' : !a?.apiKey ? 'cleared' : 'replaced';
    if (b?.baseUrl !== a?.baseUrl) baseUrls[p] = { from: displayUrl(b?.baseUrl), to: displayUrl(a?.baseUrl) };
  }
  const roleModels: Record<string, { from: string | null; to: string | null }> = {};
  const roles = new Set([...Object.keys(before.roleModels), ...Object.keys(after.roleModels)]);
  for (const r of roles) {
    const b = before.roleModels[r as LlmRole] ?? null;
    const a = after.roleModels[r as LlmRole] ?? null;
    if (b !== a) roleModels[r] = { from: b, to: a };
  }
  const changes: Record<string, unknown> = {};
  if (Object.keys(apiKeys).length) changes.apiKeys = apiKeys;
  if (Object.keys(baseUrls).length) changes.baseUrls = baseUrls;
  if (Object.keys(roleModels).length) changes.roleModels = roleModels;
  if (before.monthlyBudgetUsd !== after.monthlyBudgetUsd)
    changes.monthlyBudgetUsd = { from: before.monthlyBudgetUsd, to: after.monthlyBudgetUsd };
  const modelPrices: Record<string, { from: ModelPrice | null; to: ModelPrice | null }> = {};
  for (const id of new Set([...Object.keys(before.modelPrices), ...Object.keys(after.modelPrices)])) {
    const b = before.modelPrices[id] ?? null;
    const a = after.modelPrices[id] ?? null;
    if (b?.input !== a?.input || b?.output !== a?.output) modelPrices[id] = { from: b, to: a };
  }
  if (Object.keys(modelPrices).length) changes.modelPrices = modelPrices;
  return changes;
}
