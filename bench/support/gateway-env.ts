import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { workspaces } from '../../src/db/schema/index.ts';
import { createAppLlmGateway } from '../../src/llm/app-gateway.ts';
import type { Backend } from '../../test/support/database.ts';
import { openBenchDatabase } from './bench-database.ts';
import { addEarlierLedgerRows } from './ledger-rows.ts';

/**
 * The fake upstream's model as a direct AI SDK caller builds it (the benchmarks' reference paths):
 * on the global fetch, or on the `fetch` given (the gateway's own transport, for a like-for-like row).
 */
export const upstreamModel = (baseUrl: string, modelId: string, fetch?: typeof globalThis.fetch) =>
  createOpenAICompatible({
    name: 'compatible',
    baseURL: baseUrl,
    apiKey: 'k',
    includeUsage: true,
    ...(fetch ? { fetch } : {}),
  }).chatModel(modelId);

// The configuration both gateway benchmarks give the app: one model on the fake upstream, with
// prices, a budget (so every call is checked against one, as in a workspace that set it) and
// limits high enough never to refuse.
export function gatewayBenchEnv(baseUrl: string, modelId: string): Record<string, string> {
  return {
    OPENAI_COMPATIBLE_BASE_URL: baseUrl,
    OPENAI_COMPATIBLE_API_KEY: 'k',
    LLM_MODEL: `compatible:${modelId}`,
    LLM_PRICES_JSON: JSON.stringify({ [`compatible:${modelId}`]: { input: 0.15, output: 0.6 } }),
    LLM_MONTHLY_BUDGET_USD: '1000000',
    LLM_RATE_LIMIT_PER_MINUTE: '1000000',
    LLM_TOKENS_PER_MINUTE: '1000000000',
  };
}

/**
 * The gateway as the app wires it (ledger, metrics, limiter), on a fresh migrated database with one
 * workspace; `monthRows` ledger rows already in that workspace's month (a busy month, as the budget
 * guard's re-reads find it).
 */
export async function openWiredGateway(
  backend: Backend,
  env: Record<string, string>,
  logger: Logger,
  monthRows = 0,
) {
  const opened = await openBenchDatabase(backend);
  await runMigrations(opened.database);
  const [workspace] = await opened.database.db.insert(workspaces).values({ name: 'bench' }).returning();
  if (monthRows > 0) await addEarlierLedgerRows(opened.database, workspace!.id, monthRows);
  const app = createAppLlmGateway({
    config: loadConfig(env),
    logger,
    database: opened.database,
    secretKey: 'bench-secret-key-that-is-long-enough-0123456789',
  });
  return { ...opened, workspace: workspace!, app };
}
