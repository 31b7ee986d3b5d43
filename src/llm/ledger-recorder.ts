// The recorder the application uses: each upstream attempt (and each cache hit) becomes a ledger
// row and metric samples from one record. Rows are batched off the call path (ledger-writer.ts);
// flush() waits for them.
import type { Logger } from 'pino';
import type { Redis } from '../cache/redis.ts';
import type { Database } from '../db/client.ts';
import { createBudgetGuard } from './budget.ts';
import type { LlmCallRecord } from './ledger-store.ts';
import { createLedgerWriter } from './ledger-writer.ts';
import { observeCacheLookup, observeFallback, observeLimiterWait, observeLlmCall } from './metrics.ts';
import type { PriceBook } from './prices.ts';
import type { LlmRecorder } from './recorder.ts';

export function createLedgerRecorder(deps: {
  database: Database;
  logger: Logger;
  prices: PriceBook;
  monthlyBudgetUsd?: number;
  /** Running calls' budget holds are shared through it by every process. */
  redis?: Redis;
}): LlmRecorder {
  const writer = createLedgerWriter(deps.database, deps.logger);
  // A workspace's own budget (settings API) wins over LLM_MONTHLY_BUDGET_USD.
  const budget = createBudgetGuard(deps.database, {
    ...(deps.monthlyBudgetUsd !== undefined && { defaultBudgetUsd: deps.monthlyBudgetUsd }),
    ...(deps.redis && { redis: deps.redis }),
  });
  const write = (row: LlmCallRecord) => {
    observeLlmCall(row);
    if (row.workspaceId && row.costUsd) budget.spent(row.workspaceId, row.costUsd);
    writer.add(row);
  };
  return {
    cost: (provider, model, usage, own) => deps.prices.costOf(provider, model, usage, own),
    checkBudget: (workspaceId, holdUsd, unpriced) => budget.check(workspaceId, holdUsd, unpriced),
    releaseBudget: (workspaceId, heldUsd) => budget.release(workspaceId, heldUsd),
    invalidate: (workspaceId) => budget.invalidate(workspaceId),
    attempt(ctx, r, own) {
      if (r.limiterWaitMs > 0) observeLimiterWait(r.limiterWaitMs);
      write({
        ...ctx,
        provider: r.model.provider,
        model: r.model.model,
        inputTokens: r.usage.inputTokens,
        outputTokens: r.usage.outputTokens,
        cachedInputTokens: r.usage.cachedInputTokens,
        ...(r.usage.reasoningTokens && { reasoningTokens: r.usage.reasoningTokens }),
        ...(r.usage.estimated && { usageEstimated: true }),
        costUsd: deps.prices.costOf(r.model.provider, r.model.model, r.usage, own),
        latencyMs: Math.round(r.latencyMs),
        ttftMs: r.ttftMs === null ? null : Math.round(r.ttftMs),
        attempt: r.attempt,
        cacheHit: false,
        outcome: r.outcome,
        ...(r.errorCode && { errorCode: r.errorCode }),
      });
    },
    cacheHit(ctx, hit, latencyMs) {
      observeCacheLookup('hit');
      write({
        ...ctx,
        provider: hit.provider,
        model: hit.model,
        inputTokens: 0,
        outputTokens: 0,
        cachedInputTokens: 0,
        costUsd: 0,
        latencyMs: Math.round(latencyMs),
        ttftMs: null,
        attempt: 0,
        cacheHit: true,
        outcome: 'ok',
      });
    },
    cacheMiss() {
      observeCacheLookup('miss');
    },
    fallback(_ctx, from, to) {
      observeFallback(from.id, to?.id ?? 'none');
    },
    flush: () => writer.flush(),
  };
}
