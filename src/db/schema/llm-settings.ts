import { jsonb, numeric, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './accounts.ts';

/** Per-workspace LLM settings. Credential strings are stored encrypted (src/security/encryption.ts). */
export const workspaceLlmSettings = pgTable('workspace_llm_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  /** { [provider]: { apiKey?: encrypted, baseUrl?: encrypted } } */
  credentials: jsonb('credentials').$type<Record<string, { apiKey?: string; baseUrl?: string }>>().notNull(),
  /** { planner?, writer?, checker?, embedder?: 'provider:model' } */
  roleModels: jsonb('role_models').$type<Record<string, string>>().notNull(),
  monthlyBudgetUsd: numeric('monthly_budget_usd', { mode: 'number' }),
  /** { 'provider:model': { input, output } }: USD per 1M tokens an admin set (src/llm/model-prices.ts). */
  modelPrices: jsonb('model_prices')
    .$type<Record<string, { input: number; output: number }>>()
    .notNull()
    .default({}),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
