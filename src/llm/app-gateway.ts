// The gateway as the application runs it: wired to the process's storage for the ledger, budgets,
// limits and caches. Tests build bare gateways with createLlmGateway instead.
import type { Logger } from 'pino';
import { keyValueStore } from '../cache/key-value-store.ts';
import type { Redis } from '../cache/redis.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { createGuardedFetch } from '../security/ssrf/index.ts';
import { llmAllowHosts } from './base-url-policy.ts';
import { createLlmGateway } from './gateway.ts';
import { createLedgerRecorder } from './ledger-recorder.ts';
import { createLlmLimiter } from './limiter.ts';
import { createPriceBook } from './prices.ts';
import { withProviderConcurrency } from './provider-concurrency.ts';
import { createLlmCaches } from './response-cache.ts';
import type { LlmGateway } from './types.ts';
import { workspaceSettingsSource } from './workspace-settings-source.ts';

export interface AppGatewayDeps {
  config: Config;
  logger: Logger;
  database: Database;
  redis?: Redis;
  /** Decrypts workspace provider credentials. */
  secretKey: string;
}

export function createAppLlmGateway(deps: AppGatewayDeps): LlmGateway {
  const { config } = deps;
  const caches = createLlmCaches({
    database: deps.database,
    ...(deps.redis ? { redis: deps.redis } : {}),
    config,
    embeddingTtlSeconds: Math.max(config.LLM_CACHE_TTL, 30 * 24 * 3600),
  });
  return createLlmGateway({
    config,
    logger: deps.logger,
    recorder: createLedgerRecorder({
      database: deps.database,
      logger: deps.logger,
      prices: createPriceBook(config.LLM_PRICES_JSON),
      ...(config.LLM_MONTHLY_BUDGET_USD ? { monthlyBudgetUsd: config.LLM_MONTHLY_BUDGET_USD } : {}),
      ...(deps.redis ? { redis: deps.redis } : {}),
    }),
    // LLM_CACHE_TTL=0 turns the response cache off; embeddings are always cached (same text, same vector).
    ...(config.LLM_CACHE_TTL > 0
      ? { responseCache: caches.responses, cacheTtlSeconds: config.LLM_CACHE_TTL }
      : {}),
    embeddingCache: caches.embeddings,
    // Each model's structured-output rung, learned once, shared by every process.
    capabilityStore: keyValueStore({
      database: deps.database,
      ...(deps.redis ? { redis: deps.redis } : {}),
      config,
    }),
    limiter: withProviderConcurrency(
      createLlmLimiter({
        requestsPerMinute: config.LLM_RATE_LIMIT_PER_MINUTE,
        tokensPerMinute: config.LLM_TOKENS_PER_MINUTE,
        maxQueue: config.LLM_RATE_LIMIT_MAX_QUEUE,
        maxWaitMs: config.LLM_RATE_LIMIT_MAX_WAIT * 1000,
        ...(deps.redis ? { redis: deps.redis } : {}),
      }),
      config.LLM_PROVIDER_CONCURRENCY,
    ),
    workspaceSettings: workspaceSettingsSource(
      deps.database,
      deps.secretKey,
      createGuardedFetch({ allowHosts: llmAllowHosts(config) }),
    ),
  });
}
